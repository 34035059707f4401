package report

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/scenario"
)

// This file says what reordering did to the data: each group's final state
// (the service's database) and, under the version check, each skipped
// delivery and what it cost.

// finalFact is summary.json's final_state in the summary table.
func finalFact(s *analyze.Summary) fact {
	fs := s.FinalState
	f := fact{Field: "final_state.wrong_keys", Label: "Keys left wrong", Value: fmt.Sprintf("%d of %d", fs.WrongKeys, fs.Keys), Bad: fs.WrongKeys > 0}
	switch {
	case fs.Keys == 0:
		f.Sentence = "No key was published, so no state was kept."
	case fs.WrongKeys == 0:
		f.Sentence = fmt.Sprintf("Every key ended on its last published version (%s).", count(fs.Keys, "key"))
	default:
		var ws []string
		for _, w := range fs.Wrong {
			ws = append(ws, wrongText(w))
		}
		more := ""
		if n := fs.WrongKeys - len(fs.Wrong); n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		f.Sentence = fmt.Sprintf("%d of %s ended on the wrong version: %s%s. The data is wrong, not just late.", fs.WrongKeys, count(fs.Keys, "key"), strings.Join(ws, "; "), more)
	}
	if len(s.Groups) > 1 {
		f.Sentence += " (Each queue group keeps its own state, so a key counts once per group.)"
	}
	return f
}

// wrongText: "in orders, tickets-k1 holds v6 although v8 was the last
// version published".
func wrongText(w analyze.WrongKey) string {
	if w.AppliedVer == 0 {
		return fmt.Sprintf("in %s, %s holds nothing although v%d was the last version published", w.Group, w.Key, w.LastVer)
	}
	return fmt.Sprintf("in %s, %s holds v%d although v%d was the last version published", w.Group, w.Key, w.AppliedVer, w.LastVer)
}

// skipsFact is summary.json's skips in the summary table, when there are any.
func skipsFact(a *analyze.Analysis) (fact, bool) {
	s := &a.Summary
	if s.Skips == 0 {
		return fact{}, false
	}
	return fact{Field: "skips", Label: "Skipped (version check)", Value: itoa(s.Skips),
		Sentence: fmt.Sprintf("%s skipped by the version check: the version was not the key's next, so the member neither applied nor acked it and the server sent it again after AckWait. The price: %s for %s published%s.",
			wereCount(s.Skips, "delivery"), count(s.Delivered, "delivery"), count(s.Published, "message"), versionCheckCost(a))}, true
}

// versionCheckCost compares, where one run holds both, the version-check
// groups' publish-to-done p99 with the naive groups' on the same channel.
func versionCheckCost(a *analyze.Analysis) string {
	var checked, naive []string
	for _, g := range a.Groups() {
		gs := a.Summary.Groups[g]
		if gs == nil || gs.EndToEndMs.P99 == nil {
			continue
		}
		t := fmt.Sprintf("%s %s", g, qText(gs.EndToEndMs.P99))
		if a.Settings.Groups[g].Policy == scenario.PolicyVersionCheck {
			checked = append(checked, t)
		} else {
			naive = append(naive, t)
		}
	}
	if len(checked) == 0 || len(naive) == 0 {
		return ""
	}
	return fmt.Sprintf("; publish to done p99: %s with the check against %s without it", joinAnd(checked), joinAnd(naive))
}

// skips explains each skipped delivery: what the group had applied, and
// when the copy came back and was done.
func (x *explainer) skips() Section {
	s := Section{Kind: "skips", Title: "Skipped by the version check", Noun: "skip", Total: x.a.Summary.Skips}
	if s.Total == 0 {
		return s
	}
	g := Group{Cause: CauseSkip, Heading: "A version came before its predecessor", Total: s.Total}
	for m := range x.a.All() {
		for _, sk := range m.Skips { // a message with skips is held whole
			if len(g.Items) == MaxItems {
				break
			}
			g.Items = append(g.Items, x.skip(m, sk))
		}
	}
	s.Groups = []Group{g}
	return s
}

func (x *explainer) skip(m *analyze.Message, sk analyze.Skip) Item {
	parts := []string{}
	if sk.Delivery >= 0 {
		parts = append(parts, fmt.Sprintf("%s reached %s at %s", m, sk.Member, secs(m.Deliveries[sk.Delivery].T)))
	}
	have := fmt.Sprintf("v%d", sk.Have)
	if sk.Have == 0 {
		have = "nothing yet"
	}
	parts = append(parts, fmt.Sprintf("%s had applied %s of %s, so %s neither applied nor acked v%d (skip at %s)", sk.Group, have, m.Key, sk.Member, m.Ver, secs(sk.T)))
	if sk.Next >= 0 {
		next := m.Deliveries[sk.Next]
		how := "again"
		if next.Redelivered {
			how = "redelivered"
			if next.Cause == analyze.CauseAckWait {
				how = "redelivered when its " + x.ackWait(sk.Group) + " ran out"
			}
		}
		p := fmt.Sprintf("it came back to %s at %s (%s)", next.Member, secs(next.T), how)
		if next.Done >= 0 {
			p += fmt.Sprintf(" and was done at %s", secs(m.Dones[next.Done].T))
		} else if next.Skip >= 0 {
			p += " and was skipped again"
		}
		parts = append(parts, p)
	} else {
		parts = append(parts, "it never came back before "+x.endClause())
	}
	return Item{Sentence: strings.Join(parts, "; ") + ".", Group: sk.Group, Key: m.Key, Messages: []string{m.ID}, Members: []string{sk.Member}, T: sk.T, Count: 1}
}

// finalState explains each key left wrong: which version was applied last,
// and how the older version came to be applied after the last one.
func (x *explainer) finalState() Section {
	fs := x.a.Summary.FinalState
	s := Section{Kind: "final-state", Title: "Keys left on the wrong version", Noun: "key", Total: fs.WrongKeys}
	if fs.WrongKeys == 0 {
		return s
	}
	g := Group{Cause: CauseReordered, Heading: "An older version was applied after the last one", Total: fs.WrongKeys}
	for _, w := range fs.Wrong {
		if len(g.Items) == MaxItems {
			break
		}
		g.Items = append(g.Items, x.wrongKey(w))
	}
	s.Groups = []Group{g}
	return s
}

func (x *explainer) wrongKey(w analyze.WrongKey) Item {
	var applied, lastMsg *analyze.Message
	for m := range x.a.All() {
		if m.Key == w.Key && m.Acked {
			if m.Ver == w.AppliedVer {
				applied = x.a.Keep(m)
			}
			if m.Ver == w.LastVer {
				lastMsg = x.a.Keep(m)
			}
		}
	}
	parts := []string{upperFirst(wrongText(w))}
	if lastMsg != nil {
		if d := lastDoneIn(lastMsg, w.Group); d != nil {
			parts = append(parts, fmt.Sprintf("v%d was applied at %s by %s", w.LastVer, secs(d.T), d.Member))
		} else {
			parts = append(parts, fmt.Sprintf("v%d was never applied", w.LastVer))
		}
	}
	ids := []string{}
	if applied != nil {
		if d := lastDoneIn(applied, w.Group); d != nil {
			parts = append(parts, fmt.Sprintf("then v%d at %s by %s, and nothing after it", w.AppliedVer, secs(d.T), d.Member))
		}
		upto := len(applied.Deliveries) - 1
		if st := x.travel(applied, w.Group, upto); len(st.parts) > 0 {
			parts = append(parts, "how v"+itoa(w.AppliedVer)+" came so late: "+strings.Join(st.parts, "; "))
		}
		ids = append(ids, applied.ID)
	}
	if lastMsg != nil {
		ids = append(ids, lastMsg.ID)
	}
	return Item{Sentence: strings.Join(parts, "; ") + ".", Group: w.Group, Key: w.Key, Messages: ids, T: x.a.End, Count: 1}
}

// lastDoneIn is m's last done in group g, or nil.
func lastDoneIn(m *analyze.Message, g string) *analyze.Done {
	var last *analyze.Done
	for i := range m.Dones {
		if d := &m.Dones[i]; d.Group == g && (last == nil || d.T >= last.T) {
			last = d
		}
	}
	return last
}
