package report

import (
	"time"

	"github.com/stansim/stansim/sim/analyze"
)

// fit is how a measured zombie window compares with its prediction.
type fit int

const (
	fitUnknown fit = iota // no prediction, or never removed
	fitInside             // inside the predicted window
	fitNear               // outside it, by no more than sampling and scheduling explain
	fitOutside            // outside it by more
)

// fitOf compares d's measured window with d.Predicted (Death.Inside), with
// the analysis's margin: one sampling interval plus scheduling.
func fitOf(a *analyze.Analysis, d *analyze.Death) fit {
	switch {
	case d == nil || d.Predicted == nil || d.Removed < 0:
		return fitUnknown
	case d.Inside(0):
		return fitInside
	case d.Inside(a.Margin()):
		return fitNear
	}
	return fitOutside
}

// slack names what may explain a window just outside its prediction: "the
// sampling interval (50ms: a removal shows up to one sample late) and
// scheduling (about 100 ms)".
func slack(a *analyze.Analysis) string {
	sched := "scheduling (about " + durText(time.Duration(analyze.SchedulingMargin)) + ")"
	if a.Sample <= 0 {
		return sched
	}
	return "the sampling interval (" + time.Duration(a.Sample).String() + ": a removal shows up to one sample late) and " + sched
}
