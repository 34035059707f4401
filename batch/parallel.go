package batch

import (
	"runtime"

	"github.com/stansim/stansim/sim/scenario"
)

// The default parallelism: scenarios mostly sleep on timers (publish
// pacing, AckWait, heartbeats), so as many run at once as their expected
// CPU use lets the machine carry while keeping the timing each run
// measures: within cpuShare of the CPUs, assuming every run at once is the
// busiest of the batch, and at most maxParallel.
const (
	// deliveryCPU is the CPU time a delivered message costs a run: the
	// embedded server, the clients and the recorder together (stansim
	// bench measures about 20-26 µs on this project's machine).
	deliveryCPU = 25e-6
	// cpuShare leaves the rest of the CPUs to the runs' timers, the
	// monitoring samples and the rendering of the runs that finished.
	cpuShare = 0.5
	// maxParallel bounds what the estimate cannot see: each run holds its
	// own server (about 6 MiB, three ports) and renders its folder when it
	// ends, and many ending at once compete for the CPUs.
	maxParallel = 32
)

// DefaultParallel is how many scenarios (or sweep runs) go at once when
// Config.Parallel is 0.
func DefaultParallel(scs []scenario.Scenario) int {
	busiest := 0.0
	for i := range scs {
		busiest = max(busiest, cpuDemand(&scs[i]))
	}
	if busiest <= 0 {
		return maxParallel
	}
	return max(1, min(maxParallel, int(cpuShare*float64(runtime.NumCPU())/busiest)))
}

// cpuDemand is the CPUs a scenario keeps busy while it publishes: each
// publisher's rate times the groups that read its channel.
func cpuDemand(sc *scenario.Scenario) float64 {
	d := 0.0
	for _, p := range sc.Publishers {
		groups := 0
		for _, l := range sc.Listeners {
			if l.Channel == p.Channel {
				groups++
			}
		}
		d += p.Rate * float64(max(groups, 1)) * deliveryCPU
	}
	return d
}
