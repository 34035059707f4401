package jsbroker_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/history"
)

// TestSnapshotShowsAStalledGroup: MaxAckPending is the whole consumer's.
// Member a holds two messages with MaxAckPending 2: the group's one listed
// subscription shows them pending and stalled, and member b gets nothing
// until a acks.
func TestSnapshotShowsAStalledGroup(t *testing.T) {
	b := start(t, "file")
	sub := group()
	sub.MaxAckPending = 2
	_, ra := join(t, b, "a", sub, true)
	publish(t, b, sub.Channel, "s", 3, 0)
	ra.waitFor(t, "a", 2, ackWait/4)
	_, rb := join(t, b, "b", sub, false)

	want := history.Sub{Channel: sub.Channel, Group: sub.Group, Durable: true, Pending: 2, LastSent: 2, Stalled: true}
	checkFor(t, ackWait/4, poll, func() error {
		v, err := b.Snapshot(context.Background())
		if err != nil {
			return err
		}
		if !slices.Equal(v.Clients, []string{"a", "b"}) {
			return fmt.Errorf("clients %v, want [a b]", v.Clients)
		}
		if len(v.Subs) != 1 || v.Subs[0] != want {
			return fmt.Errorf("subs %+v, want [%+v]", v.Subs, want)
		}
		return nil
	})
	cs, err := b.Consumers(context.Background())
	if err != nil || len(cs) != 1 {
		t.Fatalf("consumers %+v, %v", cs, err)
	}
	if c := cs[0]; c.Pending != 1 || c.AckPending != 2 || !c.Stalled() || c.Pull || c.Name != "workers" || c.Stream != "orders_eu" {
		t.Errorf("consumer %+v, want 1 pending, 2 ack pending, stalled, push, named workers on stream orders_eu", c)
	}
	time.Sleep(ackWait / 4)
	if got := rb.deliveries(); len(got) != 0 {
		t.Fatalf("b got %d while the group was stalled", len(got))
	}

	ra.mu.Lock()
	held := append(ra.msgs[:0:0], ra.msgs...)
	ra.mu.Unlock()
	ra.hold.Store(false)
	for _, m := range held {
		if err := m.Ack(); err != nil {
			t.Fatalf("ack: %v", err)
		}
	}
	checkFor(t, ackWait/4, poll, func() error {
		if got := len(ra.first()) + len(rb.first()); got < 3 {
			return fmt.Errorf("%d of 3 delivered after the acks", got)
		}
		return nil
	})
}

// TestPublisherAcksEachOnce: every publish ack comes exactly once, without
// error, and a closed publisher refuses more.
func TestPublisherAcksEachOnce(t *testing.T) {
	const n = 200
	b := start(t, "memory")
	p, err := b.Publisher("pub")
	if err != nil {
		t.Fatal(err)
	}
	acks := make([]int, n)
	errs := make(chan error, n)
	for i := range n {
		if err := p.PublishAsync("orders.eu", []byte("p"), func(err error) { acks[i]++; errs <- err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("ack: %v", err)
		}
	}
	for i, c := range acks {
		if c != 1 {
			t.Errorf("message %d acked %d times", i, c)
		}
	}
	if err := p.PublishAsync("orders.eu", []byte("late"), func(error) {}); err == nil {
		t.Error("a closed publisher accepted a message")
	}
}

// TestVersions names the broker and its two libraries.
func TestVersions(t *testing.T) {
	b := start(t, "memory")
	v := b.Versions()
	for k, want := range map[string]string{
		"broker":                            "jetstream",
		"github.com/nats-io/nats-server/v2": "v2.9.24",
		"github.com/nats-io/nats.go":        "v1.31.0",
	} {
		if v[k] != want {
			t.Errorf("Versions()[%q] = %q, want %q", k, v[k], want)
		}
	}
}

// BenchmarkSnapshot: the run polls Snapshot every ~100 ms.
func BenchmarkSnapshot(b *testing.B) {
	br, err := jsbroker.Start(context.Background(), jsbroker.Config{Dir: b.TempDir(), NoLog: true})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Shutdown()
	for i, g := range []string{"g1", "g1", "g2", "g2"} {
		sub := group()
		sub.Group = g
		m, err := br.Member(fmt.Sprintf("m%d", i), sub, func(m broker.Msg) { _ = m.Ack() })
		if err != nil {
			b.Fatal(err)
		}
		defer m.Release()
	}
	for b.Loop() {
		if _, err := br.Snapshot(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
