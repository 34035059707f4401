package plots

import (
	"cmp"
	"slices"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// TestInversionLinksInTheirGroup: two groups read one channel; "first"
// does v1 then v2, "second" v2 then v1. The one inversion is second's, so
// its link joins second's two points (v1 at publish rank 1, done rank 2;
// v2 at 2, 1), not first's, which are in order.
func TestInversionLinksInTheirGroup(t *testing.T) {
	var l history.Log
	add := func(e history.Event) { l.Events = append(l.Events, e) }
	const ms = int64(1e6)
	for v := 1; v <= 2; v++ {
		id := []string{"", "p-1", "p-2"}[v]
		t0 := int64(v) * ms
		add(history.Event{T: t0, Ev: history.KindPublish, ID: id, Pub: "p", Channel: "c", Key: "p-k1", Ver: v})
		add(history.Event{T: t0, Ev: history.KindPublishAck, ID: id})
		for _, g := range []string{"first", "second"} {
			add(history.Event{T: t0 + ms, Ev: history.KindDeliver, ID: id, Key: "p-k1", Ver: v, Member: g + "-1", Group: g, Seq: uint64(v),
				Redelivered: history.Bool(false), Redeliveries: history.Int(0)})
		}
	}
	done := func(t int64, id string, v int, g string) {
		add(history.Event{T: t, Ev: history.KindDone, ID: id, Key: "p-k1", Ver: v, Member: g + "-1", Group: g, Redeliveries: history.Int(0)})
	}
	done(10*ms, "p-1", 1, "first")
	done(11*ms, "p-2", 2, "second")
	done(12*ms, "p-2", 2, "first")
	done(13*ms, "p-1", 1, "second")
	a := analyze.Analyze(&l)
	if len(a.Inversions) != 1 || a.Inversions[0].Group != "second" {
		t.Fatalf("inversions %+v: want one, in second", a.Inversions)
	}
	links := inversionLinks(a, orderPoints(a))
	want := Segment{From: [2]float64{1, 2}, To: [2]float64{2, 1}}
	if len(links) != 1 || links[0].From != want.From || links[0].To != want.To {
		t.Errorf("links %+v, want %+v (second's points)", links, want)
	}
}

// TestOrderRanksBySortedWalk: the ranks the nearsort walk gives, starting
// from a window of one place (so every reordered history retries), are
// the ranks a full sort by (first done, publish rank) gives, in every
// group of every fixture.
func TestOrderRanksBySortedWalk(t *testing.T) {
	retried := 0
	for _, name := range []string{"forced-kill", "graceful", "interrupted", "version-check"} {
		a := load(t, name)
		ps := orderPointsFrom(a, 1)
		for g, group := range ps.groups {
			var ts []int64
			for m := range a.BySeq() {
				if m.Seq == 0 {
					continue
				}
				for _, d := range m.Dones {
					if d.Group == group {
						ts = append(ts, d.T)
						break
					}
				}
			}
			pts := ps.pts[ps.start[g]:ps.start[g+1]]
			if len(pts) != len(ts) {
				t.Fatalf("%s/%s: %d points, %d first dones", name, group, len(pts), len(ts))
			}
			idx := make([]int, len(ts))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(i, j int) int { return cmp.Compare(ts[i], ts[j]) })
			for r, i := range idx {
				if int(pts[i].rank()) != r+1 {
					t.Fatalf("%s/%s: point %d ranked %d, want %d", name, group, i+1, pts[i].rank(), r+1)
				}
				if i != r {
					retried++
				}
			}
		}
	}
	if retried == 0 {
		t.Fatal("no fixture was done out of publish order: the windows were never too small")
	}
}
