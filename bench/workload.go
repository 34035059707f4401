package bench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stansim/stansim/sim/scenario"
)

// Workload is what both runs do: one publisher sends Messages messages
// (Keys keys, versions counting up per key) at Rate to Channel, and a queue
// group of Members members with MaxInflight acks each one by hand, at once
// (process_time 0), no faults. The memory store and the scenario defaults
// for everything else (heartbeats, AckWait 30 s, sampling).
type Workload struct {
	Messages    int
	Members     int
	MaxInflight int
	Keys        int
	Rate        float64 // messages a second; the scenario file's maximum
}

// DefaultWorkload is issue 10's: 100,000 messages, 4 members,
// max_inflight 1024, published as fast as a scenario may (100,000/s).
func DefaultWorkload() Workload {
	return Workload{Messages: 100_000, Members: 4, MaxInflight: 1024, Keys: 50, Rate: 100_000}
}

// The names both runs use.
const (
	channel   = "c"
	group     = "g"
	publisher = "p"
)

// Scenario is the workload as a stansim scenario.
func (w Workload) Scenario() (*scenario.Scenario, error) {
	yaml := fmt.Sprintf(`name: bench
description: stansim bench's recorded workload.
duration: 10m
publishers: [{name: %s, channel: %s, count: %d, rate: %g, keys: %d}]
listeners: [{group: %s, channel: %s, members: %d, max_inflight: %d}]
`, publisher, channel, w.Messages, w.Rate, w.Keys, group, channel, w.Members, w.MaxInflight)
	sc, err := scenario.ParseScenario("bench.yaml", []byte(yaml))
	if err != nil {
		return nil, fmt.Errorf("bench scenario: %w", err)
	}
	return sc, nil
}

// payload appends message i's body as sim/run's publisher sends it,
// {"id":"p-1","key":"p-k1","ver":1}, built without reflection as a lean
// stan.go program would build it.
func payload(dst []byte, i, key, ver int) []byte {
	dst = append(dst, `{"id":"`+publisher+`-`...)
	dst = strconv.AppendInt(dst, int64(i+1), 10)
	dst = append(dst, `","key":"`+publisher+`-k`...)
	dst = strconv.AppendInt(dst, int64(key+1), 10)
	dst = append(dst, `","ver":`...)
	dst = strconv.AppendInt(dst, int64(ver), 10)
	return append(dst, '}')
}

// due is when message i is to be published, as sim/run's publisher paces.
func due(zero time.Time, i int, rate float64) time.Time {
	return zero.Add(time.Duration(float64(i) * float64(time.Second) / rate))
}
