//go:build unix

package run_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/simtest"
)

// The same scenario with members in this process and as child processes
// killed by real signals: each death's zombie window lies inside the
// bounds its kind predicts, in both modes. SIGKILL, a SIGTERM without a
// handler calling Close() and SIGSTOP leave the member listed until
// heartbeats fail; SIGTERM and SIGINT with the handler do not.
func TestProcessModeMatchesInProcess(t *testing.T) {
	const sample = 20 * time.Millisecond
	hb := analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2}
	cases := []struct {
		death      death.Kind
		closeOnSig bool
		recorded   death.Kind
		zombie     bool // the server keeps listing the dead member
	}{
		{death.Forced, true, death.Forced, true},
		{death.Hang, true, death.Hang, true},
		{death.Graceful, true, death.Graceful, false},
		{death.Interrupt, true, death.Interrupt, false},
		{death.Graceful, false, death.UnhandledTerm, true},
	}
	for _, mode := range []string{"in-process", "process"} {
		for _, c := range cases {
			name := fmt.Sprintf("%s/%s-close-%v", mode, c.death, c.closeOnSig)
			t.Run(name, func(t *testing.T) {
				a := simtest.Run(t, fmt.Sprintf(`
name: modes
duration: 12s
sample_interval: %v
server: {heartbeat: {interval: %v, timeout: %v, fail_count: %d}}
publishers: [{name: p, channel: c, count: 30, rate: 20, keys: 2}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 60ms, mode: %s, close_on_signal: %v}]
faults: [{at: 600ms, member: g-1, death: %s}]
`, sample, hb.Interval, hb.Timeout, hb.FailCount, mode, c.closeOnSig, c.death))
				d := onlyDeath(t, a)
				if d.Kind != c.recorded {
					t.Fatalf("recorded death %q, want %q", d.Kind, c.recorded)
				}
				checkZombie(t, d, sample, c.zombie)
				if a.Summary.Lost != 0 || a.Summary.Reason != history.ReasonDone {
					t.Errorf("lost %d, reason %s: want 0, done", a.Summary.Lost, a.Summary.Reason)
				}
			})
		}
	}
}

// A member process's events are placed on the run's clock where they
// happened: no delivery is stamped before the publish of its message, and
// none comes after the done it led to, in either kind of member.
func TestProcessEventsAfterTheirCause(t *testing.T) {
	a := simtest.Run(t, `
name: clocks
duration: 10s
publishers: [{name: p, channel: c, count: 60, rate: 60, keys: 3}]
listeners: [{group: g, channel: c, members: 3, ack_wait: 30s, process_time: 5ms, mode: process}]
`)
	for _, m := range a.List() {
		for _, d := range m.Deliveries {
			if d.T < m.PublishT {
				t.Errorf("%s delivered to %s at %v, %v before its publish", m, d.Member, ns(d.T), ns(m.PublishT-d.T))
			}
		}
		for _, dn := range m.Dones {
			if dn.Delivery >= 0 && dn.T < m.Deliveries[dn.Delivery].T {
				t.Errorf("%s done at %v before its delivery", m, ns(dn.T))
			}
		}
	}
	if a.Summary.Processed != 60 {
		t.Errorf("processed %d of 60", a.Summary.Processed)
	}
}
