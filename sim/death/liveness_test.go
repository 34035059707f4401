package death

import (
	"testing"
	"time"
)

// JetStream's removal: at once after Close() or a vanished connection, and
// max_out·P to (max_out+2)·P for a frozen one (measured 2.46 s for P = 1 s,
// max_out 2); NATS Streaming's is the heartbeat rule, unchanged.
func TestRemovalBy(t *testing.T) {
	js := Liveness{JetStream: true, Ping: Ping{Interval: time.Second, MaxOut: 2}}
	stan := Liveness{Heartbeat: Heartbeat{Interval: time.Second, Timeout: time.Second, FailCount: 2}}
	cases := []struct {
		l        Liveness
		k        Kind
		min, max time.Duration
	}{
		{js, Graceful, 0, 200 * time.Millisecond},
		{js, Forced, 0, 200 * time.Millisecond},
		{js, UnhandledTerm, 0, 200 * time.Millisecond},
		{js, Hang, 2 * time.Second, 4 * time.Second},
		{stan, Forced, 2 * time.Second, 3 * time.Second},
		{stan, Hang, 4 * time.Second, 6 * time.Second},
	}
	for _, c := range cases {
		w, ok := c.k.RemovalBy(c.l)
		if !ok || w.Min != c.min || w.Max != c.max {
			t.Errorf("%s (jetstream %v): %v, %v; want [%v, %v]", c.k, c.l.JetStream, w, ok, c.min, c.max)
		}
	}
	if _, ok := Hang.RemovalBy(Liveness{JetStream: true}); ok {
		t.Error("a hang is predicted on JetStream without ping settings")
	}
	if p := Forced.PeriodBy(js); p != 0 {
		t.Errorf("a vanished JetStream connection has a check period %v", p)
	}
}
