package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// The predicted removal windows the delays chart draws: one per kind of
// death in the run, each from the analysis's prediction for that kind.

// removalBand is one kind's predicted removal window, in ms.
type removalBand struct {
	kind   death.Kind
	w      death.Window
	lo, hi float64
}

// removalBands lists the predicted windows of the kinds of death in the
// run, in death.Sorted order. A kind that calls Close() is left out: its
// member is dropped at once, so a band near 0 ms would say nothing about a
// redelivery's delay.
func removalBands(a *analyze.Analysis) []removalBand {
	if a.Settings.JetStream {
		// JetStream hands nothing over when it drops a member: no
		// redelivery waits for a removal, so its window would mislead.
		return nil
	}
	var bs []removalBand
	for _, k := range deathKinds(a) {
		w := predictionOf(a, k)
		if w == nil || k.CallsClose() {
			continue
		}
		bs = append(bs, removalBand{kind: k, w: *w, lo: float64(w.Min) / 1e6, hi: float64(w.Max) / 1e6})
	}
	return bs
}

// band is the shaded span (x in ms divided by div); a hang's is outlined
// dashed so that it stands apart from a forced kill's.
func (b removalBand) band(div float64) Band {
	bd := span(b.lo/div, b.hi/div, Alpha(DeathColor(b.kind), 40))
	if death.Of(b.kind).Role == death.RoleHang {
		bd.Outline = draw.LineStyle{Color: Alpha(DeathColor(b.kind), 160), Width: 0.6, Dashes: []vg.Length{3, 2}}
	}
	return bd
}

// label is the band's name on the panel: "removal", or "removal (hung)"
// when several kinds' bands share the chart.
func (b removalBand) label(bands int) string {
	if bands > 1 {
		return "removal (" + death.Of(b.kind).Noun + ")"
	}
	return "removal"
}

// heartbeatText states the heartbeat settings and the predicted removal
// after each kind of death in the run, e.g. "Heartbeats every 250 ms,
// timeout 250 ms, 2 failures: removal 1000 ms to 1500 ms after a hang
// (frozen)."; "" when the heartbeats are unknown.
func heartbeatText(a *analyze.Analysis) string {
	if a.Settings.JetStream {
		p := a.Settings.Ping
		s := fmt.Sprintf("JetStream: no heartbeats; PINGs every %s, %d unanswered allowed; held messages wait AckWait from their delivery, whenever the server drops their member", fmtDur(p.Interval), p.MaxOut)
		if a.Settings.NakOnClose() {
			s += " (unless a graceful death naks them: on_close nak)"
		}
		return s + "."
	}
	hb := a.Settings.Heartbeat
	if hb.Interval <= 0 {
		return ""
	}
	s := fmt.Sprintf("Heartbeats every %s", fmtDur(hb.Interval))
	if hb.Timeout > 0 {
		s += ", timeout " + fmtDur(hb.Timeout)
	}
	s += fmt.Sprintf(", %d failures", hb.FailCount)
	var clauses []string
	for _, k := range deathKinds(a) {
		w := predictionOf(a, k)
		switch {
		case w == nil:
			continue
		case k.CallsClose():
			clauses = append(clauses, fmt.Sprintf("removal %s after %s", w.Rule, afterA(k)))
		default:
			clauses = append(clauses, fmt.Sprintf("removal %s to %s after %s", fmtDur(w.Min), fmtDur(w.Max), afterA(k)))
		}
	}
	if len(clauses) > 0 {
		s += ": " + strings.Join(clauses, "; ")
	}
	return s + "."
}
