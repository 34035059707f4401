package run_test

import (
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/simtest"
)

// The only member of a group leaves and returns 1.5 s later. A non-durable
// group is deleted meanwhile: start new loses what was published in between,
// start all replays the channel (duplicates); a durable group loses nothing.
// A durable group may do a message twice, but only one whose ack was still
// on its way when the member closed: done before the close, and redelivered
// once it rejoined (the server had not taken the ack; on a loaded machine
// that is several messages).
func TestGroupLeftEmptyAndRejoined(t *testing.T) {
	t.Parallel()
	const body = `
duration: 6s
publishers: [{name: p, channel: c, count: 60, rate: 20, keys: 3}]
faults: [{at: 800ms, member: g-1, death: graceful, restart_after: 1500ms}]
`
	cases := []struct {
		name     string
		listener string
		lost     bool
		dups     bool
	}{
		{"nondurable-new", `listeners: [{group: g, channel: c, process_time: 5ms, start: new}]`, true, false},
		{"nondurable-all", `listeners: [{group: g, channel: c, process_time: 5ms, start: all}]`, false, true},
		{"durable", `listeners: [{group: g, channel: c, durable: d, process_time: 5ms, start: new}]`, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := simtest.Run(t, "name: "+c.name+"\n"+c.listener+body)
			s := a.Summary
			if s.Published != 60 {
				t.Fatalf("published %d, want 60", s.Published)
			}
			if got := s.Lost > 0; got != c.lost {
				t.Errorf("lost = %d, want lost messages: %v", s.Lost, c.lost)
			}
			if c.name == "durable" {
				ackedInFlight(t, a)
			} else if got := s.Duplicates > 0; got != c.dups {
				t.Errorf("duplicates = %d, want duplicates: %v", s.Duplicates, c.dups)
			}
			if c.lost {
				// What is lost is what was published while the group was gone,
				// or in flight to the member when it closed.
				d := a.Deaths[0]
				if d.Restart < 0 {
					t.Fatal("no restart recorded")
				}
				inFlight := int64(100 * time.Millisecond)
				for _, m := range a.List() {
					if m.FirstDone() == nil && (m.PublishT < d.T-inFlight || m.PublishT > d.Restart) {
						t.Errorf("%s published at %.3fs was lost though the group existed", m, float64(m.PublishT)/1e9)
					}
				}
			}
			if c.dups {
				for _, m := range a.List() {
					if len(m.Dones) > 1 {
						for _, dl := range m.Deliveries {
							if dl.Redelivered {
								t.Errorf("%s: replayed copy flagged redelivered", m)
							}
						}
					}
				}
			}
		})
	}
}

// ackedInFlight checks that each message group g did twice was done
// before the member's close and done again from a redelivered copy after
// it rejoined.
func ackedInFlight(t *testing.T, a *analyze.Analysis) {
	t.Helper()
	d := a.Deaths[0]
	for _, m := range a.List() {
		if m.DoneCount("g") < 2 {
			continue
		}
		if first := m.FirstDoneIn("g"); first.T > d.T {
			t.Errorf("%s was done twice, first at %.3fs, after the close at %.3fs", m, float64(first.T)/1e9, float64(d.T)/1e9)
		}
		for _, dn := range m.Dones[1:] {
			if dn.Delivery < 0 || !m.Deliveries[dn.Delivery].Redelivered || m.Deliveries[dn.Delivery].T < d.Restart {
				t.Errorf("%s was done again at %.3fs, not from a copy redelivered after the rejoin at %.3fs", m, float64(dn.T)/1e9, float64(d.Restart)/1e9)
			}
		}
	}
}

// Two groups read one channel, a fast one and a slow one. The run ends only
// when both have done every message; when the slow one cannot finish within
// duration, its losses show in its own figures and at the top level.
func TestRunWaitsForEveryGroup(t *testing.T) {
	t.Parallel()
	const body = `
publishers: [{name: p, channel: c, count: 40, rate: 40, keys: 4}]
listeners:
  - {group: fast, channel: c, members: 1, process_time: 1ms}
  - {group: slow, channel: c, members: 1, process_time: 60ms}
`
	cases := []struct {
		name, duration string
		finish         bool
	}{
		{"slow-finishes", "10s", true},
		{"slow-cut-short", "1500ms", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := simtest.Run(t, "name: "+c.name+"\nduration: "+c.duration+body)
			s := a.Summary
			fast, slow := s.Groups["fast"], s.Groups["slow"]
			if fast == nil || slow == nil {
				t.Fatalf("groups %v: want fast and slow", s.Groups)
			}
			if s.Published != 40 || fast.Published != 40 || slow.Published != 40 {
				t.Fatalf("published %d (fast %d, slow %d), want 40 each", s.Published, fast.Published, slow.Published)
			}
			if fast.Processed != 40 {
				t.Errorf("fast processed %d, want 40", fast.Processed)
			}
			if c.finish {
				if s.Reason != history.ReasonDone || slow.Processed != 40 || s.Processed != 40 || s.Lost != 0 {
					t.Errorf("reason %s, slow processed %d, top processed %d lost %d: want done, 40, 40, 0", s.Reason, slow.Processed, s.Processed, s.Lost)
				}
				return
			}
			if s.Reason != history.ReasonTimeout || slow.Lost == 0 {
				t.Fatalf("reason %s, slow lost %d: want timeout and losses (60ms x 40 > 1.5s)", s.Reason, slow.Lost)
			}
			if s.Lost != slow.Lost || s.Processed != slow.Processed || slow.Processed+slow.Lost != 40 {
				t.Errorf("top processed %d lost %d; slow processed %d lost %d: the top level must count the slow group's losses", s.Processed, s.Lost, slow.Processed, slow.Lost)
			}
		})
	}
}
