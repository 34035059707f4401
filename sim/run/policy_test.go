package run_test

import (
	"testing"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/simtest"
)

// One key, a forced kill of a member holding a message, its redelivery after
// the newer versions were done. Two groups read the same channel and lose a
// member at the same moment: the naive group applies the old version last
// and ends wrong; the version-check group skips what comes too early, lets
// AckWait bring it back, applies every version in order and ends right.
func TestVersionCheckKeepsTheFinalStateRight(t *testing.T) {
	t.Parallel()
	a := simtest.Run(t, `
name: version-check
duration: 30s
sample_interval: 20ms
server: {heartbeat: {interval: 1s, timeout: 1s, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 8, rate: 5, keys: 1}]
listeners:
  - {group: naive, channel: ticket.updated, members: 2, ack_wait: 2s, max_inflight: 1, process_time: 390ms}
  - {group: checked, channel: ticket.updated, members: 2, ack_wait: 2s, max_inflight: 1, process_time: 390ms, policy: version-check}
faults:
  - {at: 1300ms, member: naive-2, death: forced}
  - {at: 1300ms, member: checked-2, death: forced}
`)
	naive, checked := a.Summary.Groups["naive"], a.Summary.Groups["checked"]
	// Recount straight from the history lines: the version of each group's
	// last done line, and the skips.
	lastDone := map[string]history.Event{}
	skipped := map[string]bool{}
	doneIn := map[string]map[string]bool{"naive": {}, "checked": {}}
	for _, e := range a.Log.Events {
		switch e.Ev {
		case history.KindDone:
			lastDone[e.Group] = e
			doneIn[e.Group][e.ID] = true
		case history.KindSkip:
			if e.Group != "checked" || e.Have == nil || e.Ver == *e.Have+1 {
				t.Errorf("skip %+v: only the version-check group skips, and only a version that is not the next", e)
			}
			skipped[e.ID] = true
		}
	}
	if v := lastDone["naive"].Ver; v == 8 || naive.FinalState.WrongKeys != 1 || naive.FinalState.Wrong[0].AppliedVer != v || naive.FinalState.Wrong[0].LastVer != 8 {
		t.Errorf("naive: last done v%d, final state %+v: want a wrong key that applied v%d, not v8", v, naive.FinalState, v)
	}
	if naive.OutOfOrder.Inversions == 0 {
		t.Error("naive: no inversion; the scenario did not reorder")
	}
	if v := lastDone["checked"].Ver; v != 8 || checked.FinalState.WrongKeys != 0 {
		t.Errorf("checked: last done v%d, final state %+v: want v8 and no wrong key", v, checked.FinalState)
	}
	if checked.OutOfOrder.Inversions != 0 || checked.Lost != 0 || checked.Processed != 8 {
		t.Errorf("checked: inversions %d, lost %d, processed %d: want 0, 0, 8", checked.OutOfOrder.Inversions, checked.Lost, checked.Processed)
	}
	if len(skipped) == 0 || checked.Skips == 0 {
		t.Fatalf("checked: no skip (summary skips %d)", checked.Skips)
	}
	for id := range skipped {
		if !doneIn["checked"][id] {
			t.Errorf("%s was skipped and never done by the version-check group", id)
		}
	}
	if a.Summary.Reason != history.ReasonDone {
		t.Errorf("reason %s, want done", a.Summary.Reason)
	}
}
