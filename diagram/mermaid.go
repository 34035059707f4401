package diagram

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
)

// mermaid writes the panels as one Mermaid sequenceDiagram for course
// notes: the participants are the lanes (shared by name across panels),
// each panel's events follow a note with its title, in time order. A
// dead member's zombie window is a highlighted rect; redelivered copies
// are dotted arrows, sends to a dead member end in a cross; a skip is a
// note over its member; the final state, when the caption tells it, ends
// each panel.
func mermaid(title, caption string, pvs []*panelView) string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	for _, l := range wrapPlain(title, 100) {
		fmt.Fprintf(&b, "    %%%% %s\n", l)
	}
	for _, l := range wrapPlain(caption, 100) {
		fmt.Fprintf(&b, "    %%%% %s\n", l)
	}
	ids := map[string]string{} // lane name -> participant id
	var order []lane
	used := map[string]bool{}
	for _, pv := range pvs {
		for _, l := range pv.Lanes {
			if _, ok := ids[l.Name]; ok {
				continue
			}
			id := mermaidID(l.Name)
			for used[id] {
				id += "_"
			}
			used[id] = true
			ids[l.Name] = id
			order = append(order, l)
		}
	}
	for _, l := range order {
		fmt.Fprintf(&b, "    participant %s as %s\n", ids[l.Name], mermaidText(mermaidAlias(l)))
	}
	if len(order) == 0 {
		return b.String()
	}
	span := ids[order[0].Name] + "," + ids[order[len(order)-1].Name]
	final := showFinal(pvs)
	for _, pv := range pvs {
		if pv.Title != "" {
			fmt.Fprintf(&b, "    Note over %s: %s\n", span, mermaidText(pv.Title))
		}
		for _, ev := range mermaidEvents(pv, ids) {
			b.WriteString("    " + ev.line + "\n")
		}
		if f := finalText(pv); final && f != "" {
			fmt.Fprintf(&b, "    Note over %s: %s\n", span, mermaidText("final state, "+f))
		}
	}
	return b.String()
}

type mmEvent struct {
	t    int64
	rank int // order of events at the same time
	line string
}

// mermaidEvents lists one panel's lines in time order.
func mermaidEvents(pv *panelView, ids map[string]string) []mmEvent {
	var evs []mmEvent
	add := func(t int64, rank int, format string, args ...any) {
		evs = append(evs, mmEvent{t: t, rank: rank, line: fmt.Sprintf(format, args...)})
	}
	for _, mv := range pv.Msgs {
		if mv.M.PublishT >= 0 {
			add(mv.M.PublishT, 0, "%s->>%s: %s", ids[mv.M.Pub], ids[mv.M.Channel], mermaidText(mv.Label))
		}
	}
	for _, s := range pv.Sends {
		from, to := ids[s.Msg.M.Channel], ids[s.Member]
		switch {
		case s.Inferred:
			add(s.T, 1, "%s--x%s: %s", from, to, mermaidText(s.Msg.Label+" sent to the dead member (unseen)"))
		case s.Redelivered:
			add(s.T, 1, "%s-->>%s: %s", from, to, mermaidText(s.Msg.Label+" redelivered ("+causeText(s.Cause)+")"))
		default:
			add(s.T, 1, "%s->>%s: %s", from, to, mermaidText(s.Msg.Label))
		}
	}
	for _, d := range pv.Dones {
		txt := doneText(d, true)
		if len(d.After) > 0 {
			txt += " (out of order)"
		}
		add(d.T, 2, "Note right of %s: %s", ids[d.Member], mermaidText(txt))
	}
	mermaidSkips(pv, ids, add)
	for _, d := range pv.Deaths {
		mermaidDeath(pv, d, ids[d.Member], add)
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].t != evs[j].t {
			return evs[i].t < evs[j].t
		}
		return evs[i].rank < evs[j].rank
	})
	return nestRects(evs)
}

// mermaidDeath adds one death's notes, in the death table's words: a
// Close() and how soon the server dropped the member; otherwise the death,
// then a block shaded in the death's colour while the server still listed
// the member, closed at its removal (or at the end of the run).
func mermaidDeath(pv *panelView, d *analyze.Death, id string, add func(t int64, rank int, format string, args ...any)) {
	head := markText(d.Kind) + " at " + fmtSeconds(d.T)
	if d.Kind.CallsClose() && d.Removed >= 0 {
		head += ", dropped within " + fmtDur(d.Removed-d.T)
	}
	add(d.T, 3, "Note over %s: %s", id, mermaidText(head))
	if d.Kind.CallsClose() {
		return
	}
	add(d.T, 4, "rect %s", mermaidShade(deathColor(d.Kind)))
	add(d.T, 5, "Note over %s: %s", id, mermaidText("still listed by the server"))
	if d.Removed >= 0 {
		add(d.Removed, -2, "Note over %s: %s", id, mermaidText(fmt.Sprintf("removed at %s (%s), %s after the death", fmtSeconds(d.Removed), removalReason(d, pv.A.Settings), fmtDur(d.Removed-d.T))))
		add(d.Removed, -1, "end")
	} else {
		end := max(pv.End, pv.Content)
		add(end, 98, "Note over %s: %s", id, mermaidText("still listed when the run ended at "+fmtSeconds(pv.End)))
		add(end, 99, "end")
	}
}

// mermaidShade is a rect block's background: c at 15 % opacity.
func mermaidShade(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("rgba(%d, %d, %d, 0.15)", n.R, n.G, n.B)
}

// nestRects drops a rect that would open inside another (two dead
// members at once) along with its end, so blocks stay balanced and
// properly nested.
func nestRects(evs []mmEvent) []mmEvent {
	out := evs[:0:0]
	depth, skipped := 0, 0
	for _, e := range evs {
		switch {
		case strings.HasPrefix(e.line, "rect "):
			if depth > 0 {
				skipped++
				continue
			}
			depth++
		case e.line == "end":
			if skipped > 0 {
				skipped--
				continue
			}
			if depth == 0 {
				continue
			}
			depth--
		}
		out = append(out, e)
	}
	for ; depth > 0; depth-- {
		out = append(out, mmEvent{line: "end"})
	}
	return out
}

// mermaidAlias is a participant's shown name.
func mermaidAlias(l lane) string {
	switch l.Kind {
	case lanePublisher:
		return l.Name + " (publisher)"
	case laneChannel:
		return l.Name + " (server)"
	}
	return l.Name
}

func causeText(cause string) string {
	switch cause {
	case analyze.CauseClose:
		return "handed over at Close()"
	case analyze.CauseRemoval:
		return "handed over at removal"
	}
	return "AckWait expired"
}

// mermaidID turns a lane name into a participant id: letters, digits and
// underscores, never a keyword.
func mermaidID(name string) string {
	var b strings.Builder
	b.WriteString("L_")
	for _, r := range name {
		if r < 0x80 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// mermaidText keeps message and note text inside Mermaid's grammar: no
// line breaks or ';' (statement ends), no ':' (the text separator), no
// '%' or angle brackets; '#' starts a comment in a sequence diagram, so
// it is written as the entity code #35;.
func mermaidText(s string) string {
	r := strings.NewReplacer("\n", " ", ";", ",", ":", " -", "%", " pct", "<", "(", ">", ")", "#", "#35;")
	return strings.TrimSpace(r.Replace(s))
}

// wrapPlain breaks text into lines of at most n bytes at spaces.
func wrapPlain(s string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" && len(cur)+1+len(w) > n {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
