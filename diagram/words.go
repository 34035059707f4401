package diagram

import (
	"fmt"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// This file holds the diagram's words for deaths. Every one is built from
// the death table (package death): no text here names a kind by itself, so
// a hang is never called a kill and an interrupt never "graceful".

// markText names a death beside its X and in the legend: what happened,
// then the scenario's word for it, or what the member looks like when
// frozen: "Close() (graceful)", "killed (forced)", "hung (frozen)".
func markText(k death.Kind) string {
	in, known := death.Lookup(k)
	switch {
	case !known:
		return death.Of(k).Noun
	case k.CallsClose():
		return "Close() (" + string(k) + ")"
	case in.Effect == death.EffectFreeze:
		return in.Noun + " (frozen)"
	}
	return in.Noun + " (" + string(k) + ")"
}

// deathClause completes "<member> <verb> at <t>" for a death without
// Close(): " without Close()" when the connection vanished, the table's
// description when the member froze.
func deathClause(k death.Kind) string {
	in := death.Of(k)
	switch {
	case k.CallsClose():
		return ""
	case in.Effect == death.EffectDrop:
		return " without Close()"
	}
	return " (" + in.How + ")"
}

// heartbeatText is the caption's reminder of the settings and the
// prediction for d: "(heartbeats every 0.3 s, 2 misses allowed: removal
// 0.6-0.9 s after the death)"; a frozen member's misses each wait out the
// timeout, so the timeout is named too. On JetStream it names the
// server's PINGs, or that a closed connection is noticed at once. Empty
// without a prediction.
func heartbeatText(d *analyze.Death, st analyze.Settings) string {
	w := d.Predicted
	if w == nil {
		return ""
	}
	if st.JetStream {
		if d.Kind.PeriodBy(st.Liveness()) == 0 {
			return " (JetStream: the closed connection is noticed at once)"
		}
		return fmt.Sprintf(" (JetStream pings every %s s, %d unanswered allowed: removal %s-%s s after the death)",
			trimSeconds(st.Ping.Interval.Seconds()), st.Ping.MaxOut, trimSeconds(w.Min.Seconds()), trimSeconds(w.Max.Seconds()))
	}
	hb := st.Heartbeat
	if hb.Interval <= 0 {
		return ""
	}
	every := "heartbeats every " + trimSeconds(hb.Interval.Seconds()) + " s"
	if p := d.Kind.Period(hb); p > hb.Interval {
		every += fmt.Sprintf(", each miss waiting out its %s s timeout", trimSeconds(hb.Timeout.Seconds()))
	}
	return fmt.Sprintf(" (%s, %d misses allowed: removal %s-%s s after the death)",
		every, hb.FailCount, trimSeconds(w.Min.Seconds()), trimSeconds(w.Max.Seconds()))
}

// backLabel is the note beside a restart or resume mark.
func (pv *panelView) backLabel(d *analyze.Death) string {
	if pv.resumed(d) {
		return "resumed at " + fmtSeconds(d.Restart) + " (same client id)"
	}
	return "back at " + fmtSeconds(d.Restart) + " (new client id)"
}

// backSentence is the caption's sentence about a restart or resume.
func (pv *panelView) backSentence(d *analyze.Death) string {
	if pv.resumed(d) {
		return fmt.Sprintf(" %s resumed at %s with the same client id.", d.Member, fmtSeconds(d.Restart))
	}
	return fmt.Sprintf(" %s came back at %s with a new client id.", d.Member, fmtSeconds(d.Restart))
}

// resumed reports whether the life after d's death is the same client
// (a frozen member thawed) rather than a restart.
func (pv *panelView) resumed(d *analyze.Death) bool {
	mb := pv.A.Member(d.Member)
	if mb == nil || d.Restart < 0 || d.Client == "" {
		return false
	}
	for _, sp := range mb.Spans {
		if sp.Up == d.Restart {
			return sp.Client == d.Client
		}
	}
	return false
}

// removalReason says why the server dropped a dead member that did not
// call Close(): its heartbeats failed (NATS Streaming); on JetStream the
// connection closed, or its PINGs went unanswered (a frozen member).
func removalReason(d *analyze.Death, st analyze.Settings) string {
	switch {
	case !st.JetStream:
		return "heartbeats failed"
	case d.Kind.PeriodBy(st.Liveness()) == 0:
		return "connection closed"
	}
	return "PINGs unanswered"
}
