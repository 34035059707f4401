package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

func (x *explainer) outOfOrder() Section {
	s := Section{Kind: "out-of-order", Title: "Out-of-order pairs", Noun: "pair", Total: x.a.Summary.OutOfOrder.Inversions}
	// One item per message done late, with every newer message that
	// overtook it.
	type late struct {
		group string
		m     *analyze.Message
	}
	var order []late
	pairs := map[late][]*analyze.Inversion{}
	for i := range x.a.Inversions {
		inv := &x.a.Inversions[i]
		k := late{inv.Group, inv.Late}
		if _, ok := pairs[k]; !ok {
			order = append(order, k)
		}
		pairs[k] = append(pairs[k], inv)
	}
	gr := &grouper{a: x.a}
	for _, k := range order {
		ps := pairs[k]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].EarlyT < ps[j].EarlyT })
		m, first := k.m, ps[0]
		lateDone, earlyDone := m.FirstDoneIn(k.group), first.Early.FirstDoneIn(k.group)
		upto := -1
		if lateDone != nil {
			upto = int(lateDone.Delivery)
		}
		st := x.travel(m, k.group, upto)
		cause := st.cause
		if cause == "" && lateDone != nil && earlyDone != nil && lateDone.Member != earlyDone.Member {
			cause = CauseParallel
		}
		if cause == "" {
			cause = CauseOther
		}
		gr.add(cause, st.death, len(ps), func() Item {
			after := overtakers(ps)
			var sentence string
			switch {
			case len(st.parts) == 0:
				sentence = fmt.Sprintf("%s was done at %s, after %s", m, secs(first.LateT), after)
			case cause == CauseParallel:
				sentence = fmt.Sprintf("%s and was done there at %s, after %s", strings.Join(st.parts, "; "), secs(first.LateT), after)
			default:
				sentence = fmt.Sprintf("%s, after %s", strings.Join(st.parts, "; "), after)
			}
			ids := []string{m.ID}
			members := st.members
			for _, p := range ps {
				ids = append(ids, p.Early.ID)
				if d := p.Early.FirstDoneIn(k.group); d != nil {
					members = appendNew(members, d.Member)
				}
			}
			return Item{Sentence: sentence + ".", Group: k.group, Key: m.Key, Messages: ids, Members: members, T: first.LateT, Count: len(ps)}
		})
	}
	s.Groups = gr.result()
	return s
}

// overtakers says which newer messages were done first: "#18 (k v5) was
// done at 1.30 s", or for several "#18 (k v5) was done at 1.30 s, #19 (k v6)
// at 1.40 s and #20 (k v7) at 1.50 s".
func overtakers(ps []*analyze.Inversion) string {
	const show = 4
	var list []string
	for i, p := range ps {
		if i == show {
			break
		}
		if i == 0 {
			list = append(list, fmt.Sprintf("%s was done at %s", p.Early, secs(p.EarlyT)))
		} else {
			list = append(list, fmt.Sprintf("%s at %s", p.Early, secs(p.EarlyT)))
		}
	}
	if len(ps) > show {
		return strings.Join(list, ", ") + fmt.Sprintf(" and %s", count(len(ps)-show, "other newer message"))
	}
	if len(list) == 1 {
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(append([]string(nil), list...), s)
}

func (x *explainer) duplicates() Section {
	s := Section{Kind: "duplicates", Title: "Duplicates", Noun: "message", Total: x.a.Summary.Duplicates}
	gr := &grouper{a: x.a}
	for m := range x.a.All() {
		if !m.Acked {
			continue
		}
		g, dones := duplicateGroup(m)
		if g == "" {
			continue
		}
		// A message done twice is held whole (no reused view): m and
		// dones stay valid in the items below.
		upto := -1
		var ackErr *analyze.Done
		for _, d := range dones {
			upto = max(upto, int(d.Delivery))
			if d.AckErr != "" && ackErr == nil {
				ackErr = d
			}
		}
		st := x.travel(m, g, upto)
		cause := st.cause
		if ackErr != nil && cause != CauseDeath {
			cause = CauseAckError
		}
		if cause == "" {
			cause = CauseOther
		}
		gr.add(cause, st.death, 1, func() Item {
			var dl []string
			for i, d := range dones {
				w := "by"
				if i > 0 {
					w = "again by"
				}
				dl = append(dl, fmt.Sprintf("%s %s at %s", w, d.Member, secs(d.T)))
			}
			parts := append(st.parts, fmt.Sprintf("%s was done %s: %s", short(m), times(len(dones)), strings.Join(dl, ", ")))
			if len(st.parts) == 0 {
				parts = []string{fmt.Sprintf("%s was done %s in %s: %s", m, times(len(dones)), g, strings.Join(dl, ", "))}
			}
			if ackErr != nil {
				parts = append(parts, fmt.Sprintf("the ack %s sent at %s failed (%s)", ackErr.Member, secs(ackErr.T), ackErr.AckErr))
			}
			members := st.members
			for _, d := range dones {
				members = appendNew(members, d.Member)
			}
			return Item{Sentence: strings.Join(parts, "; ") + ".", Group: g, Key: m.Key, Messages: []string{m.ID}, Members: members, T: dones[len(dones)-1].T}
		})
	}
	s.Groups = gr.result()
	return s
}

// duplicateGroup returns the first group that finished m twice or more, and
// that group's dones.
func duplicateGroup(m *analyze.Message) (string, []*analyze.Done) {
	count := map[string]int{}
	for _, d := range m.Dones {
		count[d.Group]++
	}
	for _, d := range m.Dones {
		if count[d.Group] > 1 {
			var ds []*analyze.Done
			for i := range m.Dones {
				if m.Dones[i].Group == d.Group {
					ds = append(ds, &m.Dones[i])
				}
			}
			return d.Group, ds
		}
	}
	return "", nil
}

// lost explains every message some group reading its channel never did:
// who last had it (the analysis's Death.Held, or a send to a dead member in
// Message.Unseen) and why it never came back.
func (x *explainer) lost() Section {
	s := Section{Kind: "lost", Title: "Lost messages", Noun: "message", Total: x.a.Summary.Lost}
	gr := &grouper{a: x.a}
	for m := range x.a.All() {
		if !m.Acked || x.a.ProcessedByAll(m) {
			continue
		}
		m = x.a.Keep(m) // the items keep it
		x.lostIn(gr, m, x.lostGroup(m))
	}
	s.Groups = gr.result()
	return s
}

// lostGroup is the first group reading m's channel that never did m, or ""
// when no group reads it.
func (x *explainer) lostGroup(m *analyze.Message) string {
	for _, g := range x.a.Readers(m.Channel) {
		if m.FirstDoneIn(g) == nil {
			return g
		}
	}
	return ""
}

// lostIn explains m, lost to group g.
func (x *explainer) lostIn(gr *grouper, m *analyze.Message, g string) {
	end := x.endClause()
	last := lastDeliveryIn(m, g)
	holder := holderDeath(x.a, m, g, last)
	if last < 0 && holder == nil {
		gr.add(CauseUndelivered, nil, 1, func() Item {
			return Item{Sentence: fmt.Sprintf("%s was published at %s and never delivered%s%s.", m, secs(m.PublishT), x.toGroup(m, g), x.whyUndelivered(m)),
				Group: g, Key: m.Key, Messages: []string{m.ID}, T: x.a.End}
		})
		return
	}
	st := x.travel(m, g, last)
	if holder == nil {
		gr.add(CauseUnfinished, nil, 1, func() Item {
			dl := m.Deliveries[last]
			parts := append(st.parts, fmt.Sprintf("%s was still processing it when %s", dl.Member, end))
			return Item{Sentence: strings.Join(parts, "; ") + ".", Group: g, Key: m.Key, Messages: []string{m.ID}, Members: st.members, T: x.a.End}
		})
		return
	}
	gr.add(CauseDeath, holder, 1, func() Item {
		if last < 0 {
			x.sentDead(st, m, holder)
		} else if !st.told[holder] {
			st.add("%s %s at %s", holder.Member, holder.Info().Verb, secs(holder.T))
			st.member(holder.Member)
		}
		parts := st.parts
		if !holder.Kind.CallsClose() {
			parts = append(parts, removalPart(holder))
		}
		parts = append(parts, "it was never handed off before "+end)
		return Item{Sentence: strings.Join(parts, "; ") + ".", Group: g, Key: m.Key, Messages: []string{m.ID}, Members: st.members, T: x.a.End}
	})
}

// whyUndelivered says why a message no member received was never
// delivered, when the history tells.
func (x *explainer) whyUndelivered(m *analyze.Message) string {
	switch {
	case x.a.Log.Reason() != history.ReasonDone:
		return " before " + x.endClause()
	case !x.anyoneUp(m.PublishT):
		return ": no listener was up then"
	}
	return ""
}

// toGroup names the group a message was lost to when its channel has
// several readers: " to audit".
func (x *explainer) toGroup(m *analyze.Message, g string) string {
	if g == "" || len(x.a.Readers(m.Channel)) < 2 {
		return ""
	}
	return " to " + g
}

// lastDeliveryIn is the index of m's last delivery in group g, or -1.
func lastDeliveryIn(m *analyze.Message, g string) int {
	for k := len(m.Deliveries) - 1; k >= 0; k-- {
		if m.Deliveries[k].Group == g {
			return k
		}
	}
	return -1
}

// holderDeath is the death that last had m in group g, as the analysis
// derived it: the death of the member that held its last copy there
// (Death.Held), or, when the group never showed a copy, the death of the
// dead member the server last sent it to (Message.Unseen). nil when the
// last holder did not die.
func holderDeath(a *analyze.Analysis, m *analyze.Message, g string, last int) *analyze.Death {
	if last >= 0 {
		dl := &m.Deliveries[last]
		for _, d := range a.Deaths {
			if d.Group == g && d.Member == dl.Member && d.T >= dl.T && slices.Contains(d.Held, m) {
				return d
			}
		}
		return nil
	}
	var found *analyze.Death
	for _, u := range m.Unseen {
		if u.Death != nil && u.Death.Group == g {
			found = u.Death
		}
	}
	return found
}

// anyoneUp reports whether some member was up (and not dead) at t.
func (x *explainer) anyoneUp(t int64) bool {
	for _, mb := range x.a.Members {
		for _, sp := range mb.Spans {
			if sp.Up <= t && (sp.Down < 0 || sp.Down > t) {
				return true
			}
		}
	}
	return false
}
