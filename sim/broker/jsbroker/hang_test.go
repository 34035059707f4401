package jsbroker_test

import (
	"testing"
	"time"

	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/death"
)

// TestHangStaysListedUntilPingsFail: a frozen member a stays connected
// until the server's PINGs fail, which takes between max_out and
// max_out+2 ping intervals (processPingTimer closes the connection on the
// tick that would exceed max_out outstanding PINGs, and the first tick
// after the freeze may be skipped because it heard from a within the last
// interval). Meanwhile the server keeps handing messages to a: a push
// member is sent its share until it is dropped, a pull member only what
// its last request (at most MaxInflight, at most PullWait old) asks for.
// They pile up as ack pending and reach the live member b only as
// redeliveries, a whole number of AckWaits after they were sent.
func TestHangStaysListedUntilPingsFail(t *testing.T) {
	const early, later = 20, 10 // sent at once after the freeze; after PullWait
	for _, pull := range []bool{false, true} {
		name := map[bool]string{false: "push", true: "pull"}[pull]
		t.Run(name, func(t *testing.T) {
			b := start(t, "memory")
			sub := group()
			sub.Pull = pull
			a, _ := join(t, b, "a", sub, false)
			_, rb := join(t, b, "b", sub, false)

			frozen := time.Now()
			a.Die(death.EffectFreeze)
			sent := publish(t, b, sub.Channel, "h", early, 10*time.Millisecond)
			time.Sleep(ackWait / 20) // b's acks of its own share land
			pendingInHang := ackPending(t, b)
			time.Sleep(time.Until(frozen.Add(jsbroker.PullWait + prompt)))
			for body, at := range publish(t, b, sub.Channel, "later", later, 10*time.Millisecond) {
				sent[body] = at
			}

			lo, hi := maxOut*ping, (maxOut+2)*ping
			listed := unlistedAfter(t, b, "a", frozen, hi+hangMargin)
			t.Logf("hung a listed for %v; predicted [%v, %v]", listed.Round(time.Millisecond), lo, hi)
			if err := within("hung member listed", listed, lo, hi+hangMargin); err != nil {
				t.Error(err)
			}

			rb.waitFor(t, "b", early+later, hi+hangMargin+ackWait+late)
			viaA := map[string]int{}
			var offset spread
			for body, d := range rb.first() {
				if !d.redelivered {
					continue
				}
				viaA[body[:len(body)-len(lastToken(body))]]++
				// Each earlier delivery went to the hung member and waited one AckWait.
				wait := time.Duration(d.redeliveries) * ackWait
				offset.add(d.at.Sub(sent[body]) - wait)
				if err := within(body+" reached b after being sent", d.at.Sub(sent[body]), wait-early, wait+late); err != nil {
					t.Error(err)
				}
			}
			t.Logf("went to hung a first: %d of %d sent at once, %d of %d sent after PullWait; ack pending %d during the hang; b got them k·AckWait + %v after they were sent",
				viaA["h-"], early, viaA["later-"], later, pendingInHang, offset)
			if viaA["h-"] == 0 {
				// A pull member's request, sent as it joined, was waiting.
				t.Errorf("no message sent during the hang went to the hung member")
			}
			if pendingInHang < viaA["h-"] {
				t.Errorf("ack pending during the hang = %d, want >= %d (those handed to the hung member)", pendingInHang, viaA["h-"])
			}
			if pull && viaA["later-"] > 0 {
				t.Errorf("%d sent after PullWait went to the hung pull member: its last request should have expired", viaA["later-"])
			}
			if pull && viaA["h-"] > sub.MaxInflight {
				t.Errorf("%d went to the hung pull member, more than one request's MaxInflight %d", viaA["h-"], sub.MaxInflight)
			}
		})
	}
}

// lastToken is what follows the last '-' of a test body ("h-3" -> "3").
func lastToken(body string) string {
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] == '-' {
			return body[i+1:]
		}
	}
	return body
}

// TestThawResumesTheHungMember: thawed before its PINGs fail, a frozen
// member is still the same connection and gets the messages the server
// pushed to it while it was frozen, first deliveries all.
func TestThawResumesTheHungMember(t *testing.T) {
	const n = 4
	b := start(t, "memory")
	a, ra := join(t, b, "a", group(), false)
	a.Die(death.EffectFreeze)
	publish(t, b, group().Channel, "t", n, 0)
	time.Sleep(ackWait / 10)
	if got := len(ra.deliveries()); got != 0 {
		t.Fatalf("frozen member handled %d messages", got)
	}
	a.Thaw()
	ra.waitFor(t, "thawed a", n, prompt)
	for _, d := range ra.deliveries() {
		if d.redelivered {
			t.Errorf("%s redelivered: the thaw came long before AckWait", d.body)
		}
	}
	if v, err := b.Snapshot(t.Context()); err != nil || !v.Lists("a") {
		t.Errorf("thawed a not listed: %v, %v", v.Clients, err)
	}
}
