package predict

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/stansim/stansim/sim/scenario"
)

// processMode is how a variant draws processing times.
type processMode int

const (
	processDraw processMode = iota // from the distribution, with the variant's seed
	processLow                     // a uniform distribution's minimum every time
	processHigh                    // its maximum every time
)

// variant is one replay's unknowns: where in the death table's window each
// removal falls (phase 0 = the window's minimum, 1 = its maximum; the first
// failed heartbeat comes the same fraction of one heartbeat period after the
// death), and the processing times.
type variant struct {
	phase   float64
	process processMode
	seed    uint64
	// latency is the run's own small delays: added to every processing time
	// (the worker's ack, done line and timer), to the server's timers (they
	// fire late), to a Close() (its round trip, twice) and, halved, to a
	// fault (its timer fires late too).
	latency int64
	// faultsFirst runs a fault before a publish due at the same instant.
	faultsFirst bool
	// rotate starts each group's member list that many places on: which
	// member the server's rotating list favours on a tie depends on every
	// earlier pick, down to the order the members subscribed in.
	rotate int
}

// rng is a member life's own stream of processing times.
func (v variant) rng(member string, n int) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", member, n)
	return rand.New(rand.NewPCG(v.seed, h.Sum64()))
}

// Replays are bounded by budget: messages times groups times variants.
const budget = 1_000_000

// phases, draws and latencies of a full set of variants. The latency (0 to
// 2 ms) decides close races between a member's ack and a redelivery, and
// so which member the server picks.
var (
	phases    = []float64{0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1}
	draws     = 4
	latencies = []int64{0, int64(time.Millisecond), int64(2 * time.Millisecond)}
)

// variants lists the replays behind a scenario's bounds: every phase, and
// for random processing times a few draws (and a uniform distribution's
// extremes). A scenario too large for the budget gets fewer.
func variants(sc *scenario.Scenario) []variant {
	uniform, random := false, false
	for _, l := range sc.Listeners {
		switch l.ProcessTime.Kind {
		case scenario.DistUniform:
			uniform, random = true, true
		case scenario.DistExponential:
			random = true
		}
	}
	var modes []variant
	if random {
		for s := 1; s <= draws; s++ {
			modes = append(modes, variant{process: processDraw, seed: uint64(s)})
		}
	} else {
		modes = []variant{{process: processDraw, seed: 1}}
	}
	if uniform {
		modes = append(modes, variant{process: processLow}, variant{process: processHigh})
	}
	ph := phases
	work := messages(sc) * max(len(sc.Listeners), 1)
	if work*len(ph)*len(modes) > budget {
		ph, modes = []float64{0, 0.5, 1}, modes[:min(len(modes), 2)]
	}
	if work*len(ph)*len(modes) > budget {
		ph, modes = []float64{0.5}, modes[:1]
	}
	lats := latencies
	if work*len(ph)*len(modes)*len(lats) > budget {
		lats = lats[:1]
	}
	orders := []bool{false}
	if faultAtPublish(sc) {
		orders = append(orders, true)
	}
	rots := []int{0, 1}
	if work*len(ph)*len(modes)*len(lats)*len(orders)*len(rots) > budget {
		rots = rots[:1]
	}
	var out []variant
	for _, p := range ph {
		for _, m := range modes {
			for _, l := range lats {
				for _, first := range orders {
					for _, r := range rots {
						m.phase, m.latency, m.faultsFirst, m.rotate = p, l, first, r
						out = append(out, m)
					}
				}
			}
		}
	}
	return out
}

func messages(sc *scenario.Scenario) int {
	n := 0
	for _, p := range sc.Publishers {
		n += p.Count
	}
	return n
}

// faultAtPublish reports whether a fault is due at the instant a message is:
// the run's two timers race, so either may go first.
func faultAtPublish(sc *scenario.Scenario) bool {
	for _, f := range sc.Faults {
		for _, p := range sc.Publishers {
			i := f.At.Seconds() * p.Rate
			if r := math.Round(i); math.Abs(i-r) < 1e-6 && r < float64(p.Count) {
				return true
			}
		}
	}
	return false
}
