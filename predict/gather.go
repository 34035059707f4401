package predict

import (
	"slices"
	"sort"
	"strings"

	"github.com/stansim/stansim/sim/scenario"
)

// gather folds the replays into bounds.
type gather struct {
	sc         *scenario.Scenario
	byFault    []*deathGather // by fault index; nil when no replay saw it
	byGroup    []*groupGather
	inversions Bounds
	invSet     bool
}

type deathGather struct {
	member, group        string
	t                    int64
	held, sent, unhanded Bounds
	heldSet, sentSet     bool
	unSet                bool
	handOff, redelivery  Bounds
	handSet, redSet      bool
	first                map[string]bool // cause of each replay's first hand-off
	causes               map[string]bool
}

type groupGather struct {
	name                     string
	inv, redeliv, dups, lost Bounds
	invS, redS, dupS, lostS  bool
}

func newGather(sc *scenario.Scenario) *gather {
	g := &gather{sc: sc, byFault: make([]*deathGather, len(sc.Faults))}
	for _, l := range sc.Listeners {
		g.byGroup = append(g.byGroup, &groupGather{name: l.Group})
	}
	return g
}

// add folds one replay in.
func (g *gather) add(e *engine) {
	for _, d := range e.deaths {
		i := slices.IndexFunc(e.sc.Faults, func(f scenario.Fault) bool { return f == d.f })
		dg := g.byFault[i]
		if dg == nil {
			dg = &deathGather{member: d.f.Member, group: d.life.sub.g.l.Group, t: d.t, first: map[string]bool{}, causes: map[string]bool{}}
			g.byFault[i] = dg
		}
		dg.held.widen(float64(len(d.held)), &dg.heldSet)
		dg.sent.widen(float64(len(d.sent)), &dg.sentSet)
		dg.unhanded.widen(float64(len(d.held)-len(d.handOff)), &dg.unSet)
		var first *handOff
		for seq, h := range d.handOff {
			dg.handOff.widen(ms(h.t-d.t), &dg.handSet)
			dg.redelivery.widen(ms(h.t-d.held[seq].publishT), &dg.redSet)
			dg.causes[h.cause] = true
			if first == nil || h.t < first.t {
				hh := h
				first = &hh
			}
		}
		if first != nil {
			dg.first[first.cause] = true
		} else if len(d.held) > 0 {
			dg.first["none"] = true
		}
	}
	total := 0
	for i, gr := range e.groups {
		inv := inversions(gr)
		total += inv
		gg := g.byGroup[i]
		gg.inv.widen(float64(inv), &gg.invS)
		gg.redeliv.widen(float64(gr.redelivered), &gg.redS)
		dups, lost := 0, 0
		for _, m := range gr.ch.msgs {
			switch n := gr.dones[m.seq]; {
			case n == 0:
				lost++
			case n > 1:
				dups++
			}
		}
		lost += unpublished(e, gr)
		gg.dups.widen(float64(dups), &gg.dupS)
		gg.lost.widen(float64(lost), &gg.lostS)
	}
	g.inversions.widen(float64(total), &g.invSet)
}

// unpublished counts the messages of the group's channel that the replay's
// end (the duration) cut off before they were published: lost too.
func unpublished(e *engine, gr *group) int {
	n := 0
	for _, p := range e.sc.Publishers {
		if p.Channel == gr.ch.name {
			n += p.Count
		}
	}
	return n - len(gr.ch.msgs)
}

// deaths turns the gathered deaths into predictions, in fault order.
func (g *gather) deaths(sc *scenario.Scenario) []Death {
	out := []Death{}
	for i, dg := range g.byFault {
		if dg == nil {
			continue
		}
		f := sc.Faults[i]
		l, _ := sc.ListenerOf(f.Member)
		d := Death{Member: f.Member, Group: dg.group, Death: string(actual(sc, f)), AtMs: ms(dg.t),
			Held: dg.held, Sent: dg.sent, NotHandedOff: dg.unhanded,
			HandOffRule: handOffRule(sc, f, l), SentRule: sentRule(sc, f, l)}
		if w, ok := zombie(sc, f); ok {
			d.ZombieMs, d.ZombieRule = Bounds{ms(int64(w.Min)), ms(int64(w.Max))}, w.Rule
			if p := actual(sc, f).PeriodBy(sc.Liveness()); p > 0 {
				d.FailedHeartbeatMs = &Bounds{0, ms(int64(p))}
			}
		}
		if dg.handSet {
			h, r := dg.handOff, dg.redelivery
			d.HandOffMs, d.HeldRedeliveryMs = &h, &r
		}
		d.HandOff, d.HandOffCauses = firstCause(dg.first), causeList(dg.causes)
		if dg.held.Max == 0 {
			d.HandOff = "nothing held"
		}
		out = append(out, d)
	}
	return out
}

// causeList lists the causes seen, in a fixed order.
func causeList(seen map[string]bool) []string {
	out := []string{}
	for _, c := range []string{CauseClose, CauseAckWait, CauseRemoval, CauseReplay} {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// firstCause names the replays' first hand-off: one cause, or "a or b".
func firstCause(seen map[string]bool) string {
	var cs []string
	for _, c := range []string{CauseClose, CauseAckWait, CauseRemoval, CauseReplay, "none"} {
		if seen[c] {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return "none"
	}
	return strings.Join(cs, " or ")
}

func (g *gather) groups() []Group {
	out := []Group{}
	for _, gg := range g.byGroup {
		out = append(out, Group{Name: gg.name, Inversions: gg.inv, Redelivered: gg.redeliv, Duplicates: gg.dups, Lost: gg.lost})
	}
	return out
}

// inversions counts, over the first done of each message and per key,
// pairs done in the wrong version order (summary.json's inversions).
func inversions(gr *group) int {
	byKey := map[string][]*msg{}
	for _, m := range gr.ch.msgs {
		if _, ok := gr.firstDone[m.seq]; ok {
			byKey[m.key] = append(byKey[m.key], m)
		}
	}
	n := 0
	for _, ms := range byKey {
		sort.Slice(ms, func(i, j int) bool { return ms[i].ver < ms[j].ver })
		ts := make([]int64, len(ms))
		for i, m := range ms {
			ts[i] = gr.firstDone[m.seq]
		}
		n += countInversions(ts, make([]int64, len(ts)))
	}
	return n
}

// countInversions counts pairs i < j with ts[i] > ts[j] by merge sort,
// sorting ts; buf is scratch of the same length.
func countInversions(ts, buf []int64) int {
	if len(ts) < 2 {
		return 0
	}
	mid := len(ts) / 2
	n := countInversions(ts[:mid], buf[:mid]) + countInversions(ts[mid:], buf[mid:])
	i, j, k := 0, mid, 0
	for i < mid && j < len(ts) {
		if ts[j] < ts[i] {
			n += mid - i
			buf[k] = ts[j]
			j++
		} else {
			buf[k] = ts[i]
			i++
		}
		k++
	}
	k += copy(buf[k:], ts[i:mid])
	copy(buf[k:], ts[j:])
	copy(ts, buf)
	return n
}

// ms converts nanoseconds to milliseconds, to the microsecond.
func ms(ns int64) float64 { return float64(ns/1000) / 1000 }
