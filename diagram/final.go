package diagram

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/scenario"
)

// This file holds the caption's words for what reordering did to the data:
// each group's final state (summary final_state), the version check's
// skips and what the check cost against a panel without it.

// versionChecked reports whether a group of the panel's run applied the
// version check.
func versionChecked(pv *panelView) bool {
	for _, g := range pv.A.Groups() {
		if pv.A.Settings.Groups[g].Policy == scenario.PolicyVersionCheck {
			return true
		}
	}
	return false
}

// showFinal reports whether the captions tell the final state: when a
// panel checked versions, so that the figure is about what ends up in the
// data. (The other presets' captions stay about the server.)
func showFinal(pvs []*panelView) bool {
	for _, pv := range pvs {
		if versionChecked(pv) {
			return true
		}
	}
	return false
}

// finalText is the panel's final state, per group: "orders ended on v6
// although v8 was the last version published: its data is wrong, not just
// late." or "orders ended on v8, the last version published.".
func finalText(pv *panelView) string {
	var parts []string
	for _, g := range pv.A.Groups() {
		gs := pv.A.Summary.Groups[g]
		if gs == nil || gs.FinalState.Keys == 0 {
			continue
		}
		parts = append(parts, groupFinal(pv, g, gs))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// groupFinal is one group's final state.
func groupFinal(pv *panelView, g string, gs *analyze.GroupSummary) string {
	fs := gs.FinalState
	if fs.WrongKeys == 0 {
		if fs.Keys == 1 {
			if v := lastApplied(pv.A, g, gs.Channel); v > 0 {
				return fmt.Sprintf("%s ended on v%d, the last version published", g, v)
			}
		}
		return fmt.Sprintf("%s ended on the last version published of each of its %d keys", g, fs.Keys)
	}
	var ws []string
	for _, w := range fs.Wrong {
		of := ""
		if fs.Keys > 1 {
			of = " of " + shortKey(w.Key, pubOf(pv))
		}
		if w.AppliedVer == 0 {
			ws = append(ws, fmt.Sprintf("nothing%s although v%d was the last version published", of, w.LastVer))
			continue
		}
		ws = append(ws, fmt.Sprintf("v%d%s although v%d was the last version published", w.AppliedVer, of, w.LastVer))
	}
	s := g + " ended on " + joinAnd(ws)
	if fs.Keys > 1 {
		s += fmt.Sprintf(" (%d of %d keys wrong)", fs.WrongKeys, fs.Keys)
	}
	return s + ": its data is wrong, not just late"
}

// lastApplied is the version group g applied last on its one key, as the
// analysis's final state counts it (the group's latest done; at one instant
// the later history line), or 0 when it applied none.
func lastApplied(a *analyze.Analysis, g, channel string) int {
	var last analyze.Done // a copy: All reuses a plain message's done
	found, ver := false, 0
	for m := range a.All() {
		if !m.Acked || m.Channel != channel {
			continue
		}
		for _, d := range m.Dones {
			if d.Group == g && (!found || d.T > last.T || d.T == last.T && d.Line > last.Line) {
				last, found, ver = d, true, m.Ver
			}
		}
	}
	return ver
}

func pubOf(pv *panelView) string {
	if len(pv.Msgs) == 0 {
		return ""
	}
	return pv.Msgs[0].M.Pub
}

// maxSkipStories caps the skipped messages the caption tells one by one.
const maxSkipStories = 2

// skipText tells the panel's skips, one skipped message at a time: "orders-1
// skipped v7 at 1.59 s and again at 3.58 s, as orders had applied only up to
// v5, so it neither applied nor acked it; v7 came back at 3.20 s and 5.20 s,
// each time when its AckWait (2 s) ran out, and was applied at 5.60 s.".
func skipText(pv *panelView) string {
	var parts []string
	told, rest := 0, 0
	for _, mv := range pv.Msgs {
		if len(mv.M.Skips) == 0 {
			continue
		}
		if told == maxSkipStories {
			rest += len(mv.M.Skips)
			continue
		}
		told++
		parts = append(parts, skipStory(pv, mv))
	}
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("%d more deliveries were skipped the same way", rest))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ". ") + "."
}

// skipStory is one skipped message's sentence.
func skipStory(pv *panelView, mv *msgView) string {
	m := mv.M
	var who, at, had []string
	for i, sk := range m.Skips {
		who = appendNew(who, sk.Member)
		had = appendNew(had, hadText(sk.Have))
		t := fmtSeconds(sk.T)
		if i > 0 {
			t = "again at " + t
		} else {
			t = "at " + t
		}
		at = append(at, t)
	}
	sk0 := m.Skips[0]
	s := fmt.Sprintf("%s skipped %s %s, as %s had applied only up to %s, so it neither applied nor acked it",
		joinAnd(who), mv.Short, joinAnd(at), sk0.Group, strings.Join(had, ", then "))
	if had[0] == "nothing" && len(had) == 1 {
		s = fmt.Sprintf("%s skipped %s %s, as %s had applied nothing of its key yet, so it neither applied nor acked it",
			joinAnd(who), mv.Short, joinAnd(at), sk0.Group)
	}
	return s + "; " + comebackText(pv, mv)
}

// comebackText says when a skipped message came back and when it was
// applied: "v7 came back at 3.20 s and 5.20 s, each time when its AckWait
// (2 s) ran out, and was applied at 5.60 s".
func comebackText(pv *panelView, mv *msgView) string {
	m := mv.M
	var back []string
	allAckWait := true
	applied := int64(-1)
	for _, sk := range m.Skips {
		if sk.Next < 0 {
			continue
		}
		next := m.Deliveries[sk.Next]
		back = append(back, fmtSeconds(next.T))
		allAckWait = allAckWait && next.Redelivered && next.Cause == analyze.CauseAckWait
		if next.Done >= 0 {
			applied = m.Dones[next.Done].T
		}
	}
	if len(back) == 0 {
		return fmt.Sprintf("%s had not come back when the run ended at %s", mv.Short, fmtSeconds(pv.End))
	}
	s := mv.Short + " came back at " + joinAnd(back)
	if aw := pv.A.Settings.AckWait(m.Skips[0].Group); allAckWait && aw > 0 {
		each := ", each time"
		if len(back) == 1 {
			each = ","
		}
		s += fmt.Sprintf("%s when its AckWait (%s s) ran out", each, trimSeconds(aw.Seconds()))
	}
	if applied >= 0 {
		return s + ", and was applied at " + fmtSeconds(applied)
	}
	if m.Skips[len(m.Skips)-1].Next < 0 {
		return s + ", and had not come back again when the run ended"
	}
	return s + ", and was not applied before the run ended"
}

func appendNew(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// costText sets a version-check panel beside a naive one: "The check's
// price: end-to-end (publish to done) p99 4.59 s against 2.38 s without it,
// and 11 deliveries against 9 for the same 8 messages (2 of the 11
// skipped)." Empty unless exactly one of the two panels checked versions.
func costText(a, b *panelView) string {
	if versionChecked(a) == versionChecked(b) {
		return ""
	}
	checked, naive := a, b
	if versionChecked(b) {
		checked, naive = b, a
	}
	cs, ns := checked.A.Summary, naive.A.Summary
	var parts []string
	if cp, np := cs.EndToEndMs.P99, ns.EndToEndMs.P99; cp != nil && np != nil {
		parts = append(parts, fmt.Sprintf("end-to-end (publish to done) p99 %s against %s without it",
			fmtDur(int64(*cp*1e6)), fmtDur(int64(*np*1e6))))
	}
	msgs := fmt.Sprintf("for %d and %d messages", cs.Published, ns.Published)
	if cs.Published == ns.Published {
		msgs = fmt.Sprintf("for the same %d messages", cs.Published)
	}
	parts = append(parts, fmt.Sprintf("%d deliveries against %d %s (%d of the %d skipped)", cs.Delivered, ns.Delivered, msgs, cs.Skips, cs.Delivered))
	return "The check's price: " + strings.Join(parts, ", and ") + "."
}
