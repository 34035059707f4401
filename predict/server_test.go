package predict

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/scenario"
)

// testGroup is a group of n members (each with its life) in an engine at
// time 0, with max_inflight mi and AckWait 10 s.
func testGroup(n, mi int) (*engine, *group) {
	sc := &scenario.Scenario{Duration: time.Minute}
	e := &engine{sc: sc, end: int64(time.Minute), lives: map[string]*life{}}
	ch := &channel{name: "c"}
	g := newGroup(e, scenario.Listener{Group: "g", Channel: "c", Members: n, MaxInflight: mi, AckWait: 10 * time.Second,
		ProcessTime: scenario.Dist{Kind: scenario.DistFixed, Fixed: time.Hour}}, ch)
	ch.readers = []*group{g}
	e.groups = []*group{g}
	for i := range n {
		e.join(g, "g-"+itoa(i+1), 0)
	}
	return e, g
}

func names(subs []*sub) []string {
	var out []string
	for _, s := range subs {
		out = append(out, s.life.member)
	}
	return out
}

// findBestQueueSub's rule: fewest unacknowledged among members neither
// stalled nor with a failed heartbeat, ties to list order, else the first;
// a chosen first member moves to the end of the list.
func TestFindBest(t *testing.T) {
	tests := []struct {
		name     string
		pending  []int
		stalled  []bool
		failed   []bool
		want     string
		wantList []string
	}{
		{"fewest wins", []int{2, 1, 3}, nil, nil, "g-2", []string{"g-1", "g-2", "g-3"}},
		{"tie to list order, first moves last", []int{1, 1, 1}, nil, nil, "g-1", []string{"g-2", "g-3", "g-1"}},
		{"stalled skipped", []int{0, 2, 3}, []bool{true, false, false}, nil, "g-2", []string{"g-1", "g-2", "g-3"}},
		{"failed heartbeat skipped though fewest", []int{0, 5, 3}, nil, []bool{true, false, false}, "g-3", []string{"g-1", "g-2", "g-3"}},
		{"none eligible: the first", []int{0, 5}, []bool{false, true}, []bool{true, false}, "g-1", []string{"g-2", "g-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g := testGroup(len(tc.pending), 100)
			for i, s := range g.subs {
				for k := range tc.pending[i] {
					s.pending[uint64(100*i+k+1)] = 0
				}
				s.stalled = len(tc.stalled) > i && tc.stalled[i]
				s.failedHB = len(tc.failed) > i && tc.failed[i]
			}
			if got := g.findBest(); got.life.member != tc.want {
				t.Errorf("picked %s, want %s", got.life.member, tc.want)
			}
			if got := names(g.subs); !slices.Equal(got, tc.wantList) {
				t.Errorf("list %v, want %v", got, tc.wantList)
			}
		})
	}
}

// New messages alternate over idle members and stop at max_inflight each.
func TestSendAvailableStallsAtMaxInflight(t *testing.T) {
	e, g := testGroup(2, 2)
	for i := range 6 {
		e.publish(g.ch, &msg{id: itoa(i), key: "k", ver: i + 1})
	}
	var got []int
	for _, s := range g.subs {
		got = append(got, len(s.pending))
	}
	if !slices.Equal(got, []int{2, 2}) || g.lastSent != 4 || g.stalled != 2 {
		t.Errorf("pending %v, lastSent %d, stalled %d; want [2 2], 4, 2", got, g.lastSent, g.stalled)
	}
	// An ack unstalls its member, which takes the next message at once.
	s := g.subs[0]
	seq := s.sortedPending()[0]
	g.ack(s, seq, true)
	if len(s.pending) != 2 || g.lastSent != 5 {
		t.Errorf("after an ack: pending %d, lastSent %d; want 2, 5", len(s.pending), g.lastSent)
	}
}

// A member that leaves hands its unacknowledged messages round-robin to
// the others, redelivered 100 ms later; AckWait expiry moves a message to
// the best member and acks it for the old holder.
func TestRemoveAndExpire(t *testing.T) {
	e, g := testGroup(3, 10)
	leaving := g.subs[0]
	for _, seq := range []uint64{1, 2, 3} {
		m := &msg{seq: seq, key: "k", ver: int(seq)}
		g.ch.msgs = append(g.ch.msgs, m)
		leaving.pending[seq] = int64(seq)
	}
	g.lastSent = 3
	g.remove(leaving)
	a, b := g.subs[0], g.subs[1]
	if _, ok := a.pending[1]; !ok || len(a.pending) != 2 || len(b.pending) != 1 {
		t.Fatalf("transfer: %v %v", a.pending, b.pending)
	}
	if a.timerAt != int64(removalRedelivery) || b.timerAt != int64(removalRedelivery) {
		t.Errorf("redelivery timers at %d, %d; want %d", a.timerAt, b.timerAt, removalRedelivery)
	}
	// b's message has expired; the best member is b itself (fewest): it is
	// sent again to b, which keeps it.
	e.now = int64(removalRedelivery)
	e.expire(b)
	if len(b.life.queue) != 1 || !b.life.queue[0].redelivered {
		t.Errorf("b's queue after expiry: %+v", b.life.queue)
	}
	// a holds two; expiry sends each to the member with fewer: one moves to
	// b and is acked for a.
	e.expire(a)
	if len(a.pending)+len(b.pending) != 3 || len(b.pending) != 2 {
		t.Errorf("after a's expiry: a %v, b %v", a.pending, b.pending)
	}
}

// countInversions agrees with counting every pair.
func TestCountInversions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		ts := make([]int64, n)
		for i := range ts {
			ts[i] = r.Int64N(10) // with ties, which are not inversions
		}
		want := 0
		for i := range ts {
			for j := i + 1; j < n; j++ {
				if ts[i] > ts[j] {
					want++
				}
			}
		}
		if got := countInversions(slices.Clone(ts), make([]int64, n)); got != want {
			t.Fatalf("%v: %d inversions, want %d", ts, got, want)
		}
	}
}
