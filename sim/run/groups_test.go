package run_test

import (
	"testing"
	"time"

	"github.com/stansim/stansim/sim/simtest"
)

// The only member of a group leaves and returns 1.5 s later. A non-durable
// group is deleted meanwhile: start new loses what was published in between,
// start all replays the channel (duplicates); a durable group loses nothing.
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
			if got := s.Duplicates > 0; got != c.dups {
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
				for _, m := range a.Messages {
					if m.FirstDone() == nil && (m.PublishT < d.T-inFlight || m.PublishT > d.Restart) {
						t.Errorf("%s published at %.3fs was lost though the group existed", m, float64(m.PublishT)/1e9)
					}
				}
			}
			if c.dups {
				for _, m := range a.Messages {
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
