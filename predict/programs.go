package predict

import (
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/scenario"
)

// HandOffUnknown is the hand-off of a death the replay does not model.
const HandOffUnknown = "unknown"

// ProgramRule says why only the zombie window is predicted for a member
// that is the scenario's own program.
const ProgramRule = "the member is the scenario's own program (mode: command): how long it processes a message and when it acks are its own, so only the zombie window (the server's side) is predicted"

// JetStreamRule says why only the zombie window is predicted on JetStream.
const JetStreamRule = "the replay models NATS Streaming's queue-group rules; on JetStream only the zombie window (the connection, or the server's PINGs for a frozen member) and what hands held messages over are predicted"

// JetStreamNakRule is the hand-off of a graceful death with on_close: nak.
const JetStreamNakRule = "on_close: nak: the member naks what it holds before it closes, so the server redelivers those messages at once"

// markUnmodelled keeps, for a death the replay does not model (a group of
// programs, or any group on JetStream), only what the server's settings
// decide; the replay's guesses are dropped, as are the group's figures and
// the scenario's inversion total.
func markUnmodelled(sc *scenario.Scenario, out *Scenario) {
	why := map[string]string{}
	for _, l := range sc.Listeners {
		switch {
		case sc.JetStream():
			why[l.Group] = JetStreamRule
		case l.Mode == scenario.ModeCommand:
			why[l.Group] = ProgramRule
		}
	}
	if len(why) == 0 {
		return
	}
	for i, d := range out.Deaths {
		rule, ok := why[d.Group]
		if !ok {
			continue
		}
		nd := Death{Member: d.Member, Group: d.Group, Death: d.Death, AtMs: d.AtMs,
			ZombieMs: d.ZombieMs, ZombieRule: d.ZombieRule, FailedHeartbeatMs: d.FailedHeartbeatMs,
			NotModelled: rule, HandOff: HandOffUnknown, HandOffRule: rule, HandOffCauses: []string{}, SentRule: rule}
		if sc.JetStream() {
			nd.FailedHeartbeatMs = nil
			jetStreamHandOff(sc, &nd)
		}
		out.Deaths[i] = nd
	}
	for i, g := range out.Groups {
		if rule, ok := why[g.Name]; ok {
			out.Groups[i] = Group{Name: g.Name, NotModelled: rule}
		}
	}
	out.Inversions, out.InversionsUnknown = Bounds{}, true
	if len(why) == len(sc.Listeners) {
		out.Replays = 0 // no figure left comes from a replay
	}
}

// jetStreamHandOff names what hands a JetStream death's held messages
// over: a nak at a graceful close with on_close: nak, else AckWait.
func jetStreamHandOff(sc *scenario.Scenario, d *Death) {
	l, _ := sc.ListenerOf(d.Member)
	if death.Kind(d.Death).CallsClose() && l.OnClose == scenario.OnCloseNak {
		d.HandOff, d.HandOffRule, d.HandOffCauses = CauseClose, JetStreamNakRule, []string{CauseClose}
		return
	}
	wait := l.AckWait
	if len(l.BackOff) > 0 {
		wait = l.BackOff[0] // the server uses the first step as AckWait
	}
	d.HandOff, d.HandOffCauses = CauseAckWait, []string{CauseAckWait}
	d.HandOffRule = "AckWait (" + short(wait) + ") after each held message's delivery (JetStream hands nothing over when it drops a member)"
}
