package jsbroker_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
)

// The settings every test runs with; each tolerance below is derived from
// them, never from how fast the machine is.
const (
	ackWait = 2 * time.Second
	ping    = time.Second // server PingInterval P
	maxOut  = 2           // server MaxPingsOut
)

// Tolerances.
const (
	// early: a redelivery never comes more than this before its AckWait.
	early = ackWait / 20
	// late: a redelivery comes at most this long after its AckWait.
	late = ackWait / 4
	// prompt: what "at once" means (a dropped connection unlisted, a
	// nak's redelivery): well under one ping interval, so no PING was
	// involved.
	prompt = ping / 2
	// hangMargin: the hang's listed time may exceed its predicted window
	// by this (polling, the first PING's 20% jitter).
	hangMargin = ping / 4
	// poll is how often the tests read the monitoring endpoint.
	poll = 10 * time.Millisecond
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs a broker with the tests' ping settings; Shutdown at cleanup.
func start(t *testing.T, store string) *jsbroker.Broker {
	t.Helper()
	b, err := jsbroker.Start(context.Background(), jsbroker.Config{
		Dir: t.TempDir(), Store: store, PingInterval: ping, MaxPingsOut: maxOut,
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(b.Shutdown)
	return b
}

// group is the tests' queue group: AckWait 2s, room for everything.
func group() broker.Sub {
	return broker.Sub{Channel: "orders.eu", Group: "workers", AckWait: ackWait, MaxInflight: 10, MaxAckPending: 100}
}

// delivery is one message as a test member saw it.
type delivery struct {
	at           time.Time
	seq          uint64
	body         string
	redelivered  bool
	redeliveries int
}

// recorder is a test member's handler: it records every delivery and
// acks it unless holding.
type recorder struct {
	hold atomic.Bool
	mu   sync.Mutex
	got  []delivery
	msgs []broker.Msg
}

func (r *recorder) deliver(m broker.Msg) {
	r.mu.Lock()
	r.got = append(r.got, delivery{at: time.Now(), seq: m.Seq(), body: string(m.Data()),
		redelivered: m.Redelivered(), redeliveries: m.Redeliveries()})
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	if !r.hold.Load() {
		_ = m.Ack()
	}
}

// deliveries is a copy of what the member has seen so far.
func (r *recorder) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// first maps each body to its first delivery.
func (r *recorder) first() map[string]delivery {
	out := map[string]delivery{}
	for _, d := range r.deliveries() {
		if _, ok := out[d.body]; !ok {
			out[d.body] = d
		}
	}
	return out
}

// waitFor waits until the member has seen n distinct bodies.
func (r *recorder) waitFor(t *testing.T, what string, n int, within time.Duration) {
	t.Helper()
	checkFor(t, within, poll, func() error {
		if got := len(r.first()); got < n {
			return fmt.Errorf("%s has %d distinct messages, want %d", what, got, n)
		}
		return nil
	})
}

// join connects a member with a recorder; released at cleanup.
func join(t *testing.T, b *jsbroker.Broker, client string, sub broker.Sub, hold bool) (broker.Member, *recorder) {
	t.Helper()
	r := &recorder{}
	r.hold.Store(hold)
	m, err := b.Member(client, sub, r.deliver)
	if err != nil {
		t.Fatalf("member %s: %v", client, err)
	}
	t.Cleanup(m.Release)
	return m, r
}

// publish sends n messages "<prefix>-<i>" and waits for every publish ack;
// it returns when each was sent.
func publish(t *testing.T, b *jsbroker.Broker, channel, prefix string, n int, gap time.Duration) map[string]time.Time {
	t.Helper()
	p, err := b.Publisher("pub-" + prefix)
	if err != nil {
		t.Fatalf("publisher: %v", err)
	}
	defer p.Close()
	sent := map[string]time.Time{}
	acks := make(chan error, n)
	for i := range n {
		body := fmt.Sprintf("%s-%d", prefix, i)
		sent[body] = time.Now()
		if err := p.PublishAsync(channel, []byte(body), func(err error) { acks <- err }); err != nil {
			t.Fatalf("publish %s: %v", body, err)
		}
		if gap > 0 {
			time.Sleep(gap)
		}
	}
	for range n {
		select {
		case err := <-acks:
			if err != nil {
				t.Fatalf("publish ack: %v", err)
			}
		case <-time.After(ackWait):
			t.Fatalf("publish acks missing after %v", ackWait)
		}
	}
	return sent
}

// unlistedAfter polls Snapshot until client is no longer listed and
// returns how long after since that was; it fails after within.
func unlistedAfter(t *testing.T, b *jsbroker.Broker, client string, since time.Time, within time.Duration) time.Duration {
	t.Helper()
	var at time.Time
	checkFor(t, within, poll, func() error {
		v, err := b.Snapshot(context.Background())
		if err != nil {
			return err
		}
		if v.Lists(client) {
			return fmt.Errorf("%s still listed (%v)", client, v.Clients)
		}
		at = time.Now()
		return nil
	})
	return at.Sub(since)
}

// checkFor polls f every interval until it returns nil or total has
// passed, then fails with f's last error (simtest.CheckFor, which this
// package cannot import: simtest imports the run, which imports brokers).
func checkFor(t *testing.T, total, interval time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", total, err)
		}
		time.Sleep(interval)
	}
}

// within reports an error unless lo <= got <= hi (simtest.Within).
func within(what string, got, lo, hi time.Duration) error {
	if got < lo || got > hi {
		return fmt.Errorf("%s = %v, want within [%v, %v]", what, got, lo, hi)
	}
	return nil
}

// spread is the range of some durations, for the log.
type spread struct {
	n      int
	lo, hi time.Duration
}

func (s *spread) add(d time.Duration) {
	if s.n == 0 || d < s.lo {
		s.lo = d
	}
	if s.n == 0 || d > s.hi {
		s.hi = d
	}
	s.n++
}

func (s spread) String() string {
	return fmt.Sprintf("%v..%v", s.lo.Round(time.Millisecond), s.hi.Round(time.Millisecond))
}

// ackPending is the test group's ack-pending count now.
func ackPending(t *testing.T, b *jsbroker.Broker) int {
	t.Helper()
	cs, err := b.Consumers(context.Background())
	if err != nil || len(cs) != 1 {
		t.Fatalf("consumers: %+v, %v; want one", cs, err)
	}
	return cs[0].AckPending
}
