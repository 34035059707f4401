package jsbroker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/death"
)

// TestDeathHandsOffHeldMessages: member a holds five unacked messages, b
// joins, a dies (the forced kill of a pull member is in pull_test.go). Whatever the death, the server stops listing a at once
// (no heartbeats are involved: the TCP close or the goodbye says it).
// Only a nak moves a's messages to b at once; after a forced kill or a
// plain graceful close they wait out the AckWait that started when they
// were delivered to a.
func TestDeathHandsOffHeldMessages(t *testing.T) {
	const held = 5
	cases := []struct {
		name   string
		effect death.Effect
		nak    bool
		pull   bool
		// atOnce: b gets them promptly after the death; else AckWait after
		// a got them.
		atOnce bool
	}{
		{"forced kill", death.EffectDrop, false, false, false},
		{"graceful close with nak", death.EffectClose, true, false, true},
		{"graceful close without nak", death.EffectClose, false, false, false},
		{"pull member's graceful close with nak", death.EffectClose, true, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := start(t, "memory")
			sub := group()
			sub.NakOnClose, sub.Pull = tc.nak, tc.pull
			a, ra := join(t, b, "a", sub, true)
			publish(t, b, sub.Channel, "m", held, 0)
			ra.waitFor(t, "a", held, ackWait/4)
			_, rb := join(t, b, "b", sub, false)

			died := time.Now()
			a.Die(tc.effect)
			gone := unlistedAfter(t, b, "a", died, prompt)
			t.Logf("a unlisted %v after the death", gone.Round(time.Millisecond))

			rb.waitFor(t, "b", held, ackWait+late)
			firstAtA := ra.first()
			var sinceFirst, sinceDeath spread
			for _, d := range rb.deliveries() {
				sinceFirst.add(d.at.Sub(firstAtA[d.body].at))
				sinceDeath.add(d.at.Sub(died))
				if !d.redelivered || d.redeliveries != 1 {
					t.Errorf("b got %s with redelivered=%v redeliveries=%d, want true, 1", d.body, d.redelivered, d.redeliveries)
				}
				if err := handOff(tc.atOnce, d.at.Sub(died), d.at.Sub(firstAtA[d.body].at)); err != nil {
					t.Errorf("%s: %v", d.body, err)
				}
			}
			t.Logf("b got them %v after a did (AckWait %v), %v after the death", sinceFirst, ackWait, sinceDeath)
		})
	}
}

// handOff checks when b got a held message: promptly after the death, or
// AckWait after a got it.
func handOff(atOnce bool, sinceDeath, sinceFirst time.Duration) error {
	if atOnce {
		return within("redelivery after the death", sinceDeath, 0, prompt)
	}
	if err := within("redelivery after the first delivery", sinceFirst, ackWait-early, ackWait+late); err != nil {
		return fmt.Errorf("%w (%v after the death)", err, sinceDeath.Round(time.Millisecond))
	}
	return nil
}
