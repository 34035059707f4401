package run

import (
	"math"
	"time"
)

// clockPair reads CLOCK_MONOTONIC and time.Now() as one instant, so that a
// member process's CLOCK_MONOTONIC stamps land on the run's clock where
// they happened. Two plain reads in a row can straddle a preemption (tens
// of milliseconds on a loaded machine) and would shift every event of a
// member process by the gap, before the publish that caused it; so the
// pair is read between two monotonic readings, again until they are close,
// and the midpoint is kept.
func clockPair() (int64, time.Time) {
	const tight = 20 * time.Microsecond
	best, mono, at := int64(math.MaxInt64), int64(0), time.Time{}
	for range 200 {
		a := monotonic()
		t := time.Now()
		b := monotonic()
		if b-a < best {
			best, mono, at = b-a, a+(b-a)/2, t
		}
		if best <= int64(tight) {
			break
		}
	}
	return mono, at
}
