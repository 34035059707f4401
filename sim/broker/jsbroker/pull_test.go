package jsbroker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/death"
)

// TestPullMembersShareAndHandOff: two pull members of one group share the
// work, each message once; then a holds what it fetched and is killed:
// the server drops it at once and its messages reach b AckWait after a
// fetched them.
func TestPullMembersShareAndHandOff(t *testing.T) {
	const n, perMember = 20, 3
	b := start(t, "memory")
	sub := group()
	sub.Pull, sub.MaxInflight = true, perMember
	a, ra := join(t, b, "a", sub, false)
	_, rb := join(t, b, "b", sub, false)

	publish(t, b, sub.Channel, "w", n, 5*time.Millisecond)
	checkFor(t, ackWait/4, poll, func() error {
		if got := len(ra.deliveries()) + len(rb.deliveries()); got < n {
			return fmt.Errorf("%d deliveries, want %d", got, n)
		}
		return nil
	})
	na, nb := len(ra.deliveries()), len(rb.deliveries())
	t.Logf("a got %d, b got %d of %d", na, nb, n)
	if na == 0 || nb == 0 || na+nb != n {
		t.Fatalf("a got %d, b got %d: want both some, %d in all, each once", na, nb, n)
	}

	// a now holds what it fetches, up to its MaxInflight.
	ra.hold.Store(true)
	for i := 0; countHeld(ra, na) < perMember && i < 10*perMember; i++ {
		publish(t, b, sub.Channel, fmt.Sprintf("x%d", i), 1, 0)
		time.Sleep(ackWait / 20)
	}
	held := ra.deliveries()[na:]
	if len(held) == 0 {
		t.Fatal("a fetched nothing to hold")
	}
	if len(held) > perMember {
		t.Errorf("a holds %d, more than its MaxInflight %d", len(held), perMember)
	}
	died := time.Now()
	a.Die(death.EffectDrop)
	gone := unlistedAfter(t, b, "a", died, prompt)

	var sinceFirst spread
	for _, h := range held {
		checkFor(t, ackWait+late, poll, func() error {
			if _, ok := rb.first()[h.body]; !ok {
				return fmt.Errorf("b has not got %s", h.body)
			}
			return nil
		})
		d := rb.first()[h.body]
		sinceFirst.add(d.at.Sub(h.at))
		if !d.redelivered {
			t.Errorf("b got %s not marked redelivered", h.body)
		}
		if err := within(h.body+" reached b after a fetched it", d.at.Sub(h.at), ackWait-early, ackWait+late); err != nil {
			t.Error(err)
		}
	}
	t.Logf("a held %d, unlisted %v after the kill; b got them %v after a did (AckWait %v)",
		len(held), gone.Round(time.Millisecond), sinceFirst, ackWait)
}

// countHeld is how many deliveries the recorder got after the first skip.
func countHeld(r *recorder, skip int) int { return len(r.deliveries()) - skip }
