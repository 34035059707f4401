package diagram

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var (
	mmComment     = regexp.MustCompile(`^    %% \S.*$`)
	mmParticipant = regexp.MustCompile(`^    participant (\w+) as ([^:;#%]+)$`)
	mmMessage     = regexp.MustCompile(`^    (\w+)(->>|-->>|--x)(\w+): (.+)$`)
	mmNote        = regexp.MustCompile(`^    Note (over|right of|left of) (\w+)(?:,(\w+))?: (.+)$`)
	mmRect        = regexp.MustCompile(`^    rect rgba\(\d{1,3}, \d{1,3}, \d{1,3}, 0?\.\d+\)$`)
)

// checkMermaid checks a sequenceDiagram against the subset of Mermaid's
// grammar the diagrams use: the header, comments, participants declared
// before use, messages and notes with safe text, balanced rect blocks.
func checkMermaid(text string) error {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "sequenceDiagram" {
		return fmt.Errorf("first line %q, want sequenceDiagram", lines[0])
	}
	declared := map[string]bool{}
	depth := 0
	safe := func(s string) error {
		if strings.ContainsAny(s, ";:%<>") && !strings.Contains(s, "#35;") {
			return fmt.Errorf("unsafe text %q", s)
		}
		if strings.Contains(strings.ReplaceAll(s, "#35;", ""), "#") {
			return fmt.Errorf("raw # (a comment in Mermaid) in %q", s)
		}
		if strings.Contains(strings.ReplaceAll(s, "#35;", ""), ";") {
			return fmt.Errorf("';' in %q", s)
		}
		return nil
	}
	for i, l := range lines[1:] {
		n := i + 2
		switch {
		case mmComment.MatchString(l):
		case mmParticipant.MatchString(l):
			m := mmParticipant.FindStringSubmatch(l)
			if len(declared) > 0 && declared["<events>"] {
				return fmt.Errorf("line %d: participant after events", n)
			}
			declared[m[1]] = true
		case mmMessage.MatchString(l):
			m := mmMessage.FindStringSubmatch(l)
			declared["<events>"] = true
			if !declared[m[1]] || !declared[m[3]] {
				return fmt.Errorf("line %d: undeclared participant in %q", n, l)
			}
			if err := safe(m[4]); err != nil {
				return fmt.Errorf("line %d: %v", n, err)
			}
		case mmNote.MatchString(l):
			m := mmNote.FindStringSubmatch(l)
			declared["<events>"] = true
			if !declared[m[2]] || (m[3] != "" && !declared[m[3]]) {
				return fmt.Errorf("line %d: undeclared participant in %q", n, l)
			}
			if err := safe(m[4]); err != nil {
				return fmt.Errorf("line %d: %v", n, err)
			}
		case mmRect.MatchString(l):
			depth++
		case l == "    end":
			if depth--; depth < 0 {
				return fmt.Errorf("line %d: end without rect", n)
			}
		default:
			return fmt.Errorf("line %d: not in the grammar: %q", n, l)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%d rect blocks left open", depth)
	}
	return nil
}

func TestMermaid(t *testing.T) {
	for _, name := range recorded {
		res := redrawTestdata(t, name, "mmd")
		mm := res.Mermaid
		if err := checkMermaid(mm); err != nil {
			t.Errorf("%s: %v\n%s", name, err, mm)
			continue
		}
		for _, want := range []string{
			"participant L_tickets as tickets (publisher)",
			"participant L_ticket_updated as ticket.updated (server)",
			"participant L_orders_1 as orders-1",
			"participant L_orders_2 as orders-2",
			"L_tickets->>L_ticket_updated: #35;1 k1 v1",
			"Note over L_orders_2: killed (forced) at ",
			"rect rgba(213, 94, 0, 0.15)",
			"Note over L_orders_2: still listed by the server",
			"-->>L_orders_1: #35;", // a redelivered copy
			"(out of order)",
		} {
			if !strings.Contains(mm, want) {
				t.Errorf("%s: Mermaid lacks %q", name, want)
			}
		}
		switch name {
		case "graceful-vs-forced":
			for _, want := range []string{
				"Note over L_tickets,L_orders_2: graceful - orders-2 calls Close()",
				"Note over L_orders_2: Close() (graceful) at 1.10 s",
				"redelivered (handed over at Close())",
				"L_ticket_updated--xL_orders_2: #35;8 k1 v8 sent to the dead member (unseen)",
				"Note over L_orders_2: removed at 2.52 s (heartbeats failed)",
			} {
				if !strings.Contains(mm, want) {
					t.Errorf("%s: Mermaid lacks %q", name, want)
				}
			}
		case "forced-vs-hang":
			for _, want := range []string{
				"Note over L_tickets,L_orders_2: hang - orders-2 freezes (connected, silent)",
				"Note over L_orders_2: hung (frozen) at 1.10 s",
				"Note over L_orders_2: removed at 2.52 s (heartbeats failed), 1.42 s after the death",
			} {
				if !strings.Contains(mm, want) {
					t.Errorf("%s: Mermaid lacks %q", name, want)
				}
			}
		case "ackwait-redelivery":
			if !strings.Contains(mm, "still listed when the run ended") || !strings.Contains(mm, "redelivered (AckWait expired)") {
				t.Errorf("%s: Mermaid lacks the AckWait story:\n%s", name, mm)
			}
		}
	}
}

func TestMermaidText(t *testing.T) {
	for in, want := range map[string]string{
		"#6 k1 v6":       "#35;6 k1 v6",
		"a; b: c\nd":     "a, b - c d",
		"100% <ok>":      "100 pct (ok)",
		"Close() at 1 s": "Close() at 1 s",
	} {
		if got := mermaidText(in); got != want {
			t.Errorf("mermaidText(%q) = %q, want %q", in, got, want)
		}
	}
	if err := checkMermaid("sequenceDiagram\n    participant A as a\n    A->>B: x\n"); err == nil {
		t.Error("checker accepted an undeclared participant")
	}
	if err := checkMermaid("sequenceDiagram\n    participant A as a\n    rect rgba(1, 2, 3, 0.5)\n"); err == nil {
		t.Error("checker accepted an open rect")
	}
}
