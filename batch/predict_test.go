package batch

import (
	"testing"

	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/simtest"
)

// The lesson's shape (two members, one killed, AckWait far beyond the
// heartbeats, so the server's removal hands its messages over) with short
// settings, run against the real server: the predictor, from the settings
// alone, bounds what the run measured. The report's own check (report.Checks)
// compares them, with its tolerances: a zombie window within one sample
// interval plus scheduling, a delay within scheduling, a count within one
// message.
func TestPredictorAgainstARun(t *testing.T) {
	const shape = `name: lesson-short
duration: 20s
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 30, rate: 10, keys: 3}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: 150ms}]
faults: [{at: 1050ms, member: orders-1, death: forced}]
`
	p := predict.Predict(simtest.Scenario(t, shape))
	if d := p.Deaths[0]; d.HandOff != predict.CauseRemoval && d.HandOff != "nothing held" {
		t.Fatalf("predicted hand-off %q, want removal (AckWait 30s, window 0.5 to 0.75 s)", d.HandOff)
	}
	a := simtest.Run(t, shape)
	checks := report.Checks(a)
	if len(checks) != 1 {
		t.Fatalf("%d checks", len(checks))
	}
	for _, r := range checks[0].Rows {
		t.Logf("%-45s measured %-20s predicted %-30s %s", r.Label, r.Measured, r.Predicted, r.Fit)
		if r.Fit == "outside" {
			t.Errorf("%s: measured %s, predicted %s: %s", r.Label, r.Measured, r.Predicted, r.Note)
		}
	}
}
