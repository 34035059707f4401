package analyze

import (
	"testing"
	"time"
)

// The predicted removal after a death depends on how the member died.
func TestRemovalWindowFor(t *testing.T) {
	hb := Heartbeat{Interval: 250 * time.Millisecond, Timeout: 100 * time.Millisecond, FailCount: 2}
	cases := []struct {
		kind   string
		lo, hi time.Duration
	}{
		{"forced", 500 * time.Millisecond, 750 * time.Millisecond},
		{"hang", 700 * time.Millisecond, 1050 * time.Millisecond},
		{"graceful", 0, 0},
	}
	for _, c := range cases {
		if lo, hi := hb.RemovalWindowFor(c.kind); lo != c.lo || hi != c.hi {
			t.Errorf("%s: %v..%v, want %v..%v", c.kind, lo, hi, c.lo, c.hi)
		}
	}
}
