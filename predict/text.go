package predict

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: per scenario, each death's
// predictions with their rules, then each group's reordering.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for i, s := range r.Scenarios {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s", s.Name)
		if s.Cell != "" {
			fmt.Fprintf(&b, " (sweep cell: %s)", s.Cell)
		}
		if s.Replays > 0 {
			fmt.Fprintf(&b, "  [%d replays]\n", s.Replays)
		} else {
			b.WriteString("  [no replay: the settings' rules only]\n")
		}
		if len(s.Deaths) == 0 {
			b.WriteString("  no deaths\n")
		}
		for _, d := range s.Deaths {
			writeDeath(&b, d)
		}
		for _, g := range s.Groups {
			if g.NotModelled != "" {
				fmt.Fprintf(&b, "  group %s: not predicted (%s)\n", g.Name, g.NotModelled)
				continue
			}
			fmt.Fprintf(&b, "  group %s: out-of-order pairs %s, redelivered %s, duplicates %s, lost %s\n",
				g.Name, g.Inversions, g.Redelivered, g.Duplicates, g.Lost)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDeath(b *strings.Builder, d Death) {
	fmt.Fprintf(b, "  %s (%s) at %s:\n", d.Member, d.Death, Ms(Bounds{d.AtMs, d.AtMs}))
	if d.ZombieRule != "" {
		fmt.Fprintf(b, "    zombie window        %s (%s)\n", Ms(d.ZombieMs), d.ZombieRule)
	} else {
		b.WriteString("    zombie window        unknown\n")
	}
	if d.FailedHeartbeatMs != nil {
		fmt.Fprintf(b, "    first failed beat    %s after the death\n", Ms(*d.FailedHeartbeatMs))
	}
	if d.NotModelled != "" {
		fmt.Fprintf(b, "    hand-off             %s: %s\n", d.HandOff, d.HandOffRule)
		fmt.Fprintf(b, "    the rest             not predicted: %s\n", d.NotModelled)
		return
	}
	fmt.Fprintf(b, "    held                 %s messages\n", d.Held)
	fmt.Fprintf(b, "    hand-off             %s: %s\n", d.HandOff, d.HandOffRule)
	if len(d.HandOffCauses) > 1 {
		fmt.Fprintf(b, "    handed over by       %s\n", strings.Join(d.HandOffCauses, ", "))
	}
	if d.HandOffMs != nil {
		fmt.Fprintf(b, "    hand-off delay       %s after the death (publish to redelivery %s)\n", Ms(*d.HandOffMs), Ms(*d.HeldRedeliveryMs))
	}
	if d.NotHandedOff.Max > 0 {
		fmt.Fprintf(b, "    never handed off     %s of them\n", d.NotHandedOff)
	}
	fmt.Fprintf(b, "    sent while dead      %s messages (%s)\n", d.Sent, d.SentRule)
}
