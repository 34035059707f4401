package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// integerTicks marks whole numbers only (counts).
type integerTicks struct{}

// Ticks implements plot.Ticker.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := math.Max(1, math.Round(niceStep(hi-lo, 5)))
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return ts
}

// fractionTicks marks 0 to 100 % in quarters.
type fractionTicks struct{}

// Ticks implements plot.Ticker.
func (fractionTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if v >= lo && v <= hi {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(int(v*100)) + " %"})
		}
	}
	return ts
}

// niceTicks marks 1-2-5 steps with about n labels, formatted compactly,
// plus unlabelled minor ticks in between.
type niceTicks struct{ N int }

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	n := t.N
	if n <= 0 {
		n = 6
	}
	step := niceStep(hi-lo, n)
	prec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ts []plot.Tick
	first := math.Ceil(lo / step)
	if m := (first - 0.5) * step; m >= lo {
		ts = append(ts, plot.Tick{Value: m})
	}
	for i := first; i*step <= hi+step*1e-9; i++ {
		v := i * step
		label := strconv.FormatFloat(v, 'f', prec, 64)
		if i == 0 {
			v, label = 0, strconv.FormatFloat(0, 'f', prec, 64)
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
		if m := v + step/2; m <= hi {
			ts = append(ts, plot.Tick{Value: m})
		}
	}
	return ts
}
