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

// jsScenario is two members of one JetStream group, one of which dies at
// 1.5 s; ack_wait 2s, pings every 1 s with 2 allowed unanswered.
func jsScenario(name, mode, death, extra string) string {
	return fmt.Sprintf(`
name: %s
broker: jetstream
duration: 20s
sample_interval: 20ms
server: {ping: {interval: 1s, max_out: 2}}
publishers: [{name: p, channel: c, count: 60, rate: 30, keys: 3}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 2s, max_inflight: 16, process_time: 80ms, mode: %s%s}]
faults: [{at: 1500ms, member: g-1, death: %s}]
`, name, mode, extra, death)
}

// firstOtherDelivery is m's first delivery to a member other than dead's,
// after dead's death.
func firstOtherDelivery(m *analyze.Message, d *analyze.Death) *analyze.Delivery {
	for i := range m.Deliveries {
		if dl := &m.Deliveries[i]; dl.Member != d.Member && dl.T > d.T {
			return dl
		}
	}
	return nil
}

// On JetStream the server drops a killed member within milliseconds (no
// heartbeats to fail), but its held messages reach the other member only
// when AckWait runs out from their delivery, flagged by their delivery
// count; with on_close: nak a graceful death hands them over at once.
func TestJetStreamHandOff(t *testing.T) {
	const ackWait = 2 * time.Second
	cases := []struct {
		name, mode, death, extra string
		recorded                 death.Kind
		atOnce                   bool // handed over within a few hundred ms, not after AckWait
	}{
		{"forced", "in-process", "forced", "", death.Forced, false},
		{"sigkill", "process", "forced", "", death.Forced, false},
		{"graceful", "in-process", "graceful", "", death.Graceful, false},
		{"graceful-nak", "in-process", "graceful", ", on_close: nak", death.Graceful, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := simtest.Run(t, jsScenario("js-"+c.name, c.mode, c.death, c.extra))
			d := onlyDeath(t, a)
			if d.Kind != c.recorded || d.Removed < 0 {
				t.Fatalf("death %s removed at %d: want %s, removed", d.Kind, d.Removed, c.recorded)
			}
			if listed := ns(d.Removed - d.T); listed > zombieThreshold {
				t.Errorf("listed %v after the death: JetStream notices a closed connection at once", listed)
			}
			if len(d.Held) == 0 {
				t.Fatal("the dead member held nothing: the scenario shows no hand-off")
			}
			for _, m := range d.Held {
				dl := firstOtherDelivery(m, d)
				if dl == nil {
					t.Errorf("%s never reached the other member", m)
					continue
				}
				if !dl.Redelivered || dl.Redeliveries < 1 {
					t.Errorf("%s reached %s without a delivery count above 1", m, dl.Member)
				}
				if c.atOnce {
					if err := simtest.Within("hand-off of "+m.String(), ns(dl.T-d.T), 0, 300*time.Millisecond+schedMargin); err != nil {
						t.Error(err)
					}
					continue
				}
				if err := simtest.AckWaitRedelivery("redelivery of "+m.String(), m.PublishT, m.Deliveries[0].T, dl.T, ackWait, earlyRedeliv, schedMargin); err != nil {
					t.Error(err)
				}
			}
			if a.Summary.Lost != 0 || a.Summary.Reason != history.ReasonDone {
				t.Errorf("lost %d, reason %s", a.Summary.Lost, a.Summary.Reason)
			}
		})
	}
}

// A frozen JetStream member stays connected until the server's PINGs go
// unanswered, [max_out·P, (max_out+2)·P], and the server goes on pushing
// it messages meanwhile: they reach the live member only as redeliveries.
func TestJetStreamHang(t *testing.T) {
	const sample = 20 * time.Millisecond
	a := simtest.Run(t, jsScenario("js-hang", "in-process", "hang", ""))
	d := onlyDeath(t, a)
	if d.Kind != death.Hang || d.Removed < 0 || d.Predicted == nil {
		t.Fatalf("death %+v", d)
	}
	w := *d.Predicted
	if w.Min != 2*time.Second || w.Max != 4*time.Second {
		t.Fatalf("predicted %v, want max_out·P to (max_out+2)·P = 2s to 4s", w)
	}
	if err := simtest.Within("zombie window", ns(d.Removed-d.T), w.Min-sample, w.Max+sample+schedMargin); err != nil {
		t.Error(err)
	}
	sentToHung := 0
	for _, m := range a.List() {
		if m.PublishT <= d.T || m.PublishT >= d.Removed {
			continue
		}
		if len(m.Deliveries) > 0 && m.Deliveries[0].Member != d.Member && m.Deliveries[0].Redelivered {
			sentToHung++ // its first copy we saw was already a redelivery
		}
	}
	if sentToHung == 0 {
		t.Error("no message published during the hang went to the hung member first")
	}
	if a.Summary.Lost != 0 {
		t.Errorf("lost %d", a.Summary.Lost)
	}
}
