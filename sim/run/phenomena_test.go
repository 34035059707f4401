package run_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/simtest"
)

// Margins for a shared, noisy machine. They only widen upper bounds of
// delays the server decides; lower bounds come from the settings.
const (
	schedMargin  = 400 * time.Millisecond // scheduling noise, -race slowdowns
	earlyRedeliv = 15 * time.Millisecond  // the server redelivers up to 15 ms early
)

func ns(d int64) time.Duration { return time.Duration(d) }

// heldBy lists the messages member got before t and had not finished by t.
func heldBy(a *analyze.Analysis, member string, t int64) []*analyze.Message {
	var held []*analyze.Message
	for _, m := range a.List() {
		got, finished := false, false
		for _, d := range m.Deliveries {
			if d.Member == member && d.T <= t {
				got = true
			}
		}
		for _, d := range m.Dones {
			if d.Member == member && d.T <= t {
				finished = true
			}
		}
		if got && !finished {
			held = append(held, m)
		}
	}
	return held
}

// firstDeliveryTo is the first delivery of m to member at or after t.
func firstDeliveryTo(m *analyze.Message, member string, t int64) *analyze.Delivery {
	for i := range m.Deliveries {
		if d := &m.Deliveries[i]; d.Member == member && d.T >= t {
			return d
		}
	}
	return nil
}

func onlyDeath(t *testing.T, a *analyze.Analysis) *analyze.Death {
	t.Helper()
	if len(a.Deaths) != 1 {
		t.Fatalf("deaths = %d, want 1", len(a.Deaths))
	}
	return a.Deaths[0]
}

// zombieThreshold is how long a member must stay listed after its death to
// count as a zombie subscription (a Close() is dropped well within it).
const zombieThreshold = 300 * time.Millisecond

// checkZombie asserts that the server dropped d's member within the window
// its kind predicts (one sample and the scheduling margin of slack), and
// that it was a zombie, listed past zombieThreshold, exactly when zombie.
func checkZombie(t *testing.T, d *analyze.Death, sample time.Duration, zombie bool) {
	t.Helper()
	if d.Removed < 0 || d.Predicted == nil {
		t.Fatalf("%s: removed %d, predicted %v: want it dropped, with a prediction", d.Member, d.Removed, d.Predicted)
	}
	listed, w := ns(d.Removed-d.T), *d.Predicted
	if err := simtest.Within(d.Member+"'s zombie window", listed, w.Min-sample, w.Max+sample+schedMargin); err != nil {
		t.Error(err)
	}
	if got := listed > zombieThreshold; got != zombie {
		t.Errorf("%s listed %v after its %s: zombie = %v, want %v", d.Member, listed, d.Kind, got, zombie)
	}
}

// A member that calls Close(): the server drops it at once and hands its
// unacknowledged messages to the other member about 100 ms later.
func TestGracefulHandsOffAtOnce(t *testing.T) {
	t.Parallel()
	a := simtest.Run(t, `
name: graceful
duration: 15s
sample_interval: 20ms
publishers: [{name: p, channel: c, count: 30, rate: 20, keys: 3}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 150ms}]
faults: [{at: 600ms, member: g-1, death: graceful}]
`)
	d := onlyDeath(t, a)
	held := heldBy(a, "g-1", d.T)
	if len(held) == 0 {
		t.Fatal("g-1 held no message when it closed: the scenario no longer exercises the hand-off")
	}
	limit := 500 * time.Millisecond
	for _, m := range held {
		dl := firstDeliveryTo(m, "g-2", d.T)
		if dl == nil {
			t.Errorf("%s held by g-1 never reached g-2", m)
			continue
		}
		if err := simtest.Within("hand-off of "+m.String(), ns(dl.T-d.T), 0, limit); err != nil {
			t.Error(err)
		}
		if !dl.Redelivered {
			t.Errorf("%s reached g-2 without the redelivered flag", m)
		}
	}
	if d.Removed < 0 {
		t.Fatal("the server still listed g-1 at the end")
	}
	if err := simtest.Within("zombie window", ns(d.Removed-d.T), 0, limit); err != nil {
		t.Error(err)
	}
	if a.Summary.Reason != history.ReasonDone || a.Summary.Lost != 0 {
		t.Errorf("reason %s, lost %d: want done, 0", a.Summary.Reason, a.Summary.Lost)
	}
}

// A member that dies without Close() stays listed until heartbeats fail.
// Forced (connection closed, SIGKILL): each heartbeat fails at once, so the
// server drops it between F·I and (F+1)·I. Hang (connection open and silent,
// SIGSTOP): each waits its timeout, F·(I+T) to (F+1)·(I+T). Either way the
// removal, not AckWait (30s), hands the held messages over.
func TestRemovalFollowsHeartbeats(t *testing.T) {
	const sample = 20 * time.Millisecond
	hb := analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2}
	for _, kind := range []death.Kind{death.Forced, death.Hang} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			a := simtest.Run(t, fmt.Sprintf(`
name: %s
duration: 15s
sample_interval: %v
server: {heartbeat: {interval: %v, timeout: %v, fail_count: %d}}
publishers: [{name: p, channel: c, count: 40, rate: 20, keys: 2}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 120ms}]
faults: [{at: 700ms, member: g-1, death: %s}]
`, kind, sample, hb.Interval, hb.Timeout, hb.FailCount, kind))
			d := onlyDeath(t, a)
			if d.Kind != kind {
				t.Fatalf("death kind %q, want %q", d.Kind, kind)
			}
			if d.Removed < 0 {
				t.Fatal("the server still listed g-1 at the end")
			}
			w, _ := kind.Removal(hb)
			if d.Predicted == nil || *d.Predicted != w {
				t.Errorf("predicted %v, want %v from the death table", d.Predicted, w)
			}
			if err := simtest.Within("zombie window", ns(d.Removed-d.T), w.Min-sample, w.Max+sample+schedMargin); err != nil {
				t.Error(err)
			}
			for _, m := range d.Held {
				if !slices.Contains(heldBy(a, "g-1", d.T), m) {
					t.Errorf("analysis says g-1 held %s; the recount does not", m)
				}
			}
			held := heldBy(a, "g-1", d.T)
			if len(held) == 0 {
				t.Fatal("g-1 held no message when it died")
			}
			for _, m := range held {
				dl := firstDeliveryTo(m, "g-2", d.T)
				if dl == nil {
					t.Errorf("%s held by g-1 never reached g-2", m)
					continue
				}
				if err := simtest.Within("hand-off of "+m.String(), ns(dl.T-d.T), ns(d.Removed-d.T)-sample, ns(d.Removed-d.T)+schedMargin); err != nil {
					t.Error(err)
				}
				if dl.Cause != analyze.CauseRemoval {
					t.Errorf("%s: cause %q, want %q", m, dl.Cause, analyze.CauseRemoval)
				}
			}
			if a.Summary.Lost != 0 || a.Summary.Reason != history.ReasonDone {
				t.Errorf("lost %d, reason %s: want 0, done", a.Summary.Lost, a.Summary.Reason)
			}
		})
	}
}

// With slow heartbeats the dead member stays listed; AckWait decides: a
// message it held is redelivered about AckWait after its first delivery.
func TestForcedWithSlowHeartbeatsWaitsForAckWait(t *testing.T) {
	t.Parallel()
	const ackWait = time.Second
	a := simtest.Run(t, `
name: ackwait
duration: 4s
server: {heartbeat: {interval: 5s, timeout: 5s, fail_count: 2}}
publishers: [{name: p, channel: c, count: 30, rate: 20, keys: 2}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 1s, process_time: 120ms}]
faults: [{at: 700ms, member: g-1, death: forced}]
`)
	d := onlyDeath(t, a)
	if d.Removed >= 0 {
		t.Fatalf("the server dropped g-1 after %v, before heartbeats could fail", ns(d.Removed-d.T))
	}
	held := heldBy(a, "g-1", d.T)
	if len(held) == 0 {
		t.Fatal("g-1 held no message when it died")
	}
	checked := 0
	for _, m := range held {
		first := firstDeliveryTo(m, "g-1", 0)
		dl := firstDeliveryTo(m, "g-2", d.T)
		if dl == nil {
			continue // redelivered to the dead member again: unseen
		}
		checked++
		// The redelivery comes at a whole number of AckWaits after the first
		// delivery (the first may go back to the dead member).
		wait := ns(dl.T - first.T)
		k := (wait + ackWait/2) / ackWait
		if k < 1 {
			k = 1
		}
		if err := simtest.Within("redelivery of "+m.String(), wait, k*ackWait-earlyRedeliv, k*ackWait+schedMargin); err != nil {
			t.Error(err)
		}
		if !dl.Redelivered || dl.Cause != analyze.CauseAckWait {
			t.Errorf("%s: redelivered=%v cause=%q, want true, %q", m, dl.Redelivered, dl.Cause, analyze.CauseAckWait)
		}
	}
	if checked == 0 {
		t.Fatal("no message held by g-1 reached g-2 within the run")
	}
}

// One key, a forced death: messages are done out of version order, and the
// summary's count matches a brute-force recount of the history.
func TestForcedKillReordersOneKey(t *testing.T) {
	t.Parallel()
	a := simtest.Run(t, `
name: reorder
duration: 10s
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: p, channel: c, count: 40, rate: 25, keys: 1}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 60ms}]
faults: [{at: 600ms, member: g-1, death: forced}]
`)
	got := a.Summary.OutOfOrder.Inversions
	if got == 0 {
		t.Fatal("no inversions after a forced kill on a single key")
	}
	if want := bruteInversions(a.Log.Events); got != want {
		t.Errorf("inversions = %d, brute-force recount = %d", got, want)
	}
	if a.Summary.OutOfOrder.KeysAffected != 1 {
		t.Errorf("keys affected = %d, want 1", a.Summary.OutOfOrder.KeysAffected)
	}
}

// bruteInversions recounts out-of-order pairs straight from the events:
// first done of each id, in time order, pairs with decreasing versions.
func bruteInversions(evs []history.Event) int {
	seen := map[string]bool{}
	byKey := map[string][]int{}
	for _, e := range evs {
		if e.Ev != history.KindDone || seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		byKey[e.Key] = append(byKey[e.Key], e.Ver)
	}
	n := 0
	for _, vs := range byKey {
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				if vs[i] > vs[j] {
					n++
				}
			}
		}
	}
	return n
}

// A hung member resumed after the server dropped it goes on with what it
// had buffered (SIGCONT): the messages the group handed to another member
// meanwhile are done twice, and the history shows it alive again.
func TestResumedHangDoesHeldMessagesTwice(t *testing.T) {
	for _, mode := range []string{"in-process", "process"} {
		t.Run(mode, func(t *testing.T) { resumedHang(t, mode) })
	}
}

func resumedHang(t *testing.T, mode string) {
	a := simtest.Run(t, `
name: resumed-hang
duration: 15s
sample_interval: 20ms
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: p, channel: c, count: 40, rate: 20, keys: 2}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 120ms, mode: `+mode+`}]
faults: [{at: 700ms, member: g-1, death: hang, resume_after: 2500ms}]
`)
	d := onlyDeath(t, a)
	if d.Kind != death.Hang || d.Removed < 0 || d.Removed > d.T+int64(2500*time.Millisecond) {
		t.Fatalf("death %+v: want a hang the server dropped before the resume", d)
	}
	if want := d.T + int64(2500*time.Millisecond); d.Restart < want-int64(schedMargin) || d.Restart > want+int64(schedMargin) {
		t.Errorf("resumed at %v, want about %v", ns(d.Restart), ns(want))
	}
	if len(d.Held) == 0 {
		t.Fatal("g-1 held nothing when it hung")
	}
	twice := 0
	for _, m := range d.Held {
		if m.DoneCount("g") >= 2 {
			twice++
			if !slices.ContainsFunc(m.Dones, func(dn analyze.Done) bool { return dn.Member == "g-1" && dn.T >= d.Restart }) {
				t.Errorf("%s: dones %+v, want one by g-1 after the resume", m, m.Dones)
			}
		}
	}
	if twice == 0 || a.Summary.Duplicates < twice {
		t.Errorf("%d held messages done twice, duplicates %d: want the resumed member to redo what the group handed off", twice, a.Summary.Duplicates)
	}
}
