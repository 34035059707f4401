package report

import (
	"fmt"
	"html/template"
	"math"
	textTemplate "text/template"
	"time"

	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/analyze"
)

// This file sets the predictor's numbers (package predict, from the
// settings alone) beside what the analysis measured for each death: the
// zombie window, the messages it held, the messages sent to it while dead,
// and the hand-off and redelivery delay of the held ones.

// The "predictions" templates (templates/predict.*.tmpl) show Checks in
// report.html and report.md.
func init() {
	template.Must(reportHTML.New("predict.html.tmpl").Parse(mustRead("predict.html.tmpl")))
	textTemplate.Must(reportMD.New("predict.md.tmpl").Parse(mustRead("predict.md.tmpl")))
}

// DeathCheck is one death's predictions beside its measured figures.
type DeathCheck struct {
	Member, Death string
	At            string
	Rows          []CheckRow
	// Note says why some figures are not predicted ("" when all are).
	Note string
}

// CheckRow is one figure of a death: measured, predicted, and how they fit.
type CheckRow struct {
	Field     string // sweep.csv's column: zombie_ms, held, sent_to_dead, handoff_ms, held_redelivery_ms
	Label     string
	Measured  string
	Predicted string
	Fit       string // inside | near | outside | unknown
	Note      string // what may explain a value outside its bounds
	// Got is the measured range (one value for a count); Want the bounds.
	Got  [2]float64
	Want predict.Bounds
	Has  bool // both measured and predicted
}

// Measured is what the analysis shows of one death, in the predictor's
// terms: counts, and per held message its next delivery after the death.
type Measured struct {
	Zombie  *float64 // ms; nil while still listed
	Held    int
	Sent    int
	HandOff []float64 // ms from the death, one per held message handed off
	Publish []float64 // ms from publish to that delivery
}

// Measure reads one death's figures from the analysis: the hand-off of a
// held message is its first delivery after the death that the analysis
// links to the death (Delivery.After).
func Measure(a *analyze.Analysis, d *analyze.Death) Measured {
	m := Measured{Held: len(d.Held), Sent: len(d.Sent)}
	if d.Removed >= 0 {
		z := analyze.Ms(d.Listed())
		m.Zombie = &z
	}
	for _, msg := range d.Held {
		for _, dl := range msg.Deliveries {
			if dl.After == d && dl.T > d.T {
				m.HandOff = append(m.HandOff, analyze.Ms(dl.T-d.T))
				m.Publish = append(m.Publish, analyze.Ms(dl.T-msg.PublishT))
				break
			}
		}
	}
	return m
}

// reportReplays is what a report spends on the predictor, in message
// replays (predict.Work, about 2 µs each): every scenario of the default
// batch costs under 15,000; a run of a million events, 1,500,000 (seconds).
// Beyond it the report shows the zombie window alone and says why.
const reportReplays = 100_000

// Checks compares each death of the run with the predictor's replay of the
// run's own settings (within reportReplays: a larger run gets the zombie
// window alone, its Note saying why); nil when the history does not carry
// them.
func Checks(a *analyze.Analysis) []DeathCheck {
	if a.Log == nil || a.Log.Start == nil {
		return nil
	}
	p, ok := predict.ResolvedWithin(a.Log.Start.Resolved, reportReplays)
	if !ok {
		return nil
	}
	var out []DeathCheck
	used := map[int]bool{}
	for _, d := range a.Deaths {
		i := matchDeath(p.Deaths, d, used)
		if i < 0 {
			continue
		}
		used[i] = true
		out = append(out, check(a, d, p.Deaths[i]))
	}
	return out
}

// matchDeath finds the prediction of the fault behind d: same member,
// nearest time.
func matchDeath(ps []predict.Death, d *analyze.Death, used map[int]bool) int {
	best, bestGap := -1, math.Inf(1)
	for i, p := range ps {
		if used[i] || p.Member != d.Member {
			continue
		}
		if gap := math.Abs(p.AtMs - analyze.Ms(d.T)); gap < bestGap {
			best, bestGap = i, gap
		}
	}
	return best
}

// Tolerances for a measured value just outside its bounds.
const (
	countSlack = 1 // a message on the wire at the death, or a tie between an ack and a delivery
)

func check(a *analyze.Analysis, d *analyze.Death, p predict.Death) DeathCheck {
	m := Measure(a, d)
	c := DeathCheck{Member: d.Member, Death: d.Info().Label, At: secs(d.T)}
	zr := CheckRow{Field: "zombie_ms", Label: "Zombie window", Measured: "still listed at the end", Predicted: msRange(p.ZombieMs) + " (" + p.ZombieRule + ")", Want: p.ZombieMs}
	if m.Zombie != nil && p.ZombieRule != "" {
		zr.Measured, zr.Got, zr.Has = msText(*m.Zombie), [2]float64{*m.Zombie, *m.Zombie}, true
	}
	c.Rows = append(c.Rows, fitTime(zr, float64(a.Margin())/1e6, slack(a)))
	if p.NotModelled != "" {
		c.Note = "Only the zombie window is predicted: " + p.NotModelled + "."
		return c
	}
	c.Rows = append(c.Rows,
		fitCount(CheckRow{Field: "held", Label: "Messages held", Want: p.Held}, m.Held),
		fitCount(CheckRow{Field: "sent_to_dead", Label: "Sent while dead", Want: p.Sent}, m.Sent))
	sched := float64(analyze.SchedulingMargin) / 1e6
	hr := CheckRow{Field: "handoff_ms", Label: "Hand-off after the death (" + p.HandOff + ")", Measured: "–", Predicted: "–"}
	rr := CheckRow{Field: "held_redelivery_ms", Label: "Publish to redelivery of held messages", Measured: "–", Predicted: "–"}
	if p.HandOffMs != nil {
		hr.Want, rr.Want = *p.HandOffMs, *p.HeldRedeliveryMs
		hr.Predicted, rr.Predicted = msRange(*p.HandOffMs), msRange(*p.HeldRedeliveryMs)
	}
	if len(m.HandOff) > 0 {
		hr.Got, rr.Got = span(m.HandOff), span(m.Publish)
		hr.Measured, rr.Measured = msRange(predict.Bounds{Min: hr.Got[0], Max: hr.Got[1]}), msRange(predict.Bounds{Min: rr.Got[0], Max: rr.Got[1]})
		hr.Has, rr.Has = p.HandOffMs != nil, p.HandOffMs != nil
	}
	schedText := "scheduling (about " + durText(time.Duration(analyze.SchedulingMargin)) + ")"
	c.Rows = append(c.Rows, fitTime(hr, sched, schedText), fitTime(rr, sched, schedText))
	return c
}

// fitCount places a measured count against its bounds.
func fitCount(r CheckRow, got int) CheckRow {
	r.Measured, r.Predicted = itoa(got), r.Want.String()
	r.Got, r.Has = [2]float64{float64(got), float64(got)}, true
	switch {
	case r.Want.Contains(float64(got), 0):
		r.Fit = "inside"
	case r.Want.Contains(float64(got), countSlack):
		r.Fit = "near"
		r.Note = "One message off: a message on its way to the member when it died, or an ack and a delivery that came in the other order, moves one message."
	default:
		r.Fit = "outside"
		r.Note = "More than one message off: the server saw the members' unacknowledged counts differently from the replay (a slow worker, a delayed ack, a heartbeat at another moment); the timeline shows which messages went where."
	}
	return r
}

// fitTime places a measured range of times against its bounds, with margin
// (ms) for what explain names.
func fitTime(r CheckRow, margin float64, explain string) CheckRow {
	switch {
	case !r.Has:
		r.Fit = "unknown"
	case r.Want.Contains(r.Got[0], 0) && r.Want.Contains(r.Got[1], 0):
		r.Fit = "inside"
	case r.Want.Contains(r.Got[0], margin) && r.Want.Contains(r.Got[1], margin):
		r.Fit = "near"
		r.Note = "Just outside the predicted range, by no more than " + explain + " can explain."
	default:
		r.Fit = "outside"
		r.Note = "Outside the predicted range by more than " + explain + " can explain: the run's timers or the machine were slower than the model assumes, or the server picked other members than the replay."
	}
	return r
}

func span(xs []float64) [2]float64 {
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return [2]float64{lo, hi}
}

// msRange is "2.00 s" or "2.00 s to 2.31 s".
func msRange(b predict.Bounds) string {
	if b.Min == b.Max {
		return msText(b.Min)
	}
	return fmt.Sprintf("%s to %s", msText(b.Min), msText(b.Max))
}
