package diagram

import (
	"math"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/plots"
)

// timeWindow is the time span every panel of a figure shows, and its scale.
type timeWindow struct {
	From, To int64   // run nanoseconds
	Scale    float64 // points per second
	Step     float64 // tick step in seconds
}

const (
	padBefore = int64(150e6) // time shown before t = 0
	padAfter  = int64(350e6) // time shown after the last event
)

// newWindow chooses one window for all panels: from just before t = 0 to
// just after the last event of any panel, with a scale that keeps
// consecutive publish labels apart.
func newWindow(pvs []*panelView) timeWindow {
	w := timeWindow{From: -padBefore}
	minGap := math.Inf(1)
	for _, pv := range pvs {
		w.To = max(w.To, pv.Content+padAfter)
		var last int64 = -1
		for _, mv := range pv.Msgs {
			t := mv.M.PublishT
			if t < 0 {
				continue
			}
			if last >= 0 && t > last {
				minGap = min(minGap, float64(t-last)/1e9)
			}
			last = t
		}
	}
	span := float64(w.To-w.From) / 1e9
	// Room between two publishes for a label and a redelivered arrow
	// nudged below a first delivery.
	need := float64(styLabel.lineHeight()+minArrowSep+6) / minGap
	w.Scale = max(minScale, need)
	if limit := float64(maxTimeH) / span; w.Scale > limit {
		w.Scale = max(limit, 20)
	}
	w.Step = 10
	for _, s := range []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300} {
		if s*w.Scale >= 38 {
			w.Step = s
			break
		}
	}
	return w
}

// height is the length of the window on the page.
func (w timeWindow) height() vg.Length {
	return vg.Length(float64(w.To-w.From) / 1e9 * w.Scale)
}

// offset is where time t falls, from the window's top.
func (w timeWindow) offset(t int64) vg.Length {
	return vg.Length(float64(t-w.From) / 1e9 * w.Scale)
}

// placer puts labels where nothing else is: each label tries its
// candidate positions in order and takes the first that overlaps no
// obstacle and no earlier label and stays inside the bounds.
type placer struct {
	bounds rect
	taken  []rect
}

// block marks r as occupied.
func (pl *placer) block(r rect) { pl.taken = append(pl.taken, r) }

// free reports whether r fits.
func (pl *placer) free(r rect) bool {
	if !r.within(pl.bounds) {
		return false
	}
	for _, t := range pl.taken {
		if r.overlaps(t) {
			return false
		}
	}
	return true
}

// place picks the first free candidate (top-left corners) for a w x h box;
// when none is free it takes the first and reports clear = false (the
// caller gives the label a white background).
func (pl *placer) place(w, h vg.Length, cands []vg.Point) (at vg.Point, clear bool) {
	for _, c := range cands {
		r := rect{c.X, c.Y, c.X + w, c.Y + h}
		if pl.free(r.inset(-1)) {
			pl.block(r)
			return c, true
		}
	}
	c := cands[0]
	pl.block(rect{c.X, c.Y, c.X + w, c.Y + h})
	return c, false
}

// wrap breaks txt into lines no wider than width, keeping each number
// with its unit.
func wrap(s textStyle, txt string, width vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(txt, "\n") {
		lines = append(lines, plots.WrapWords(glueUnits(strings.Fields(para)), width, s.width)...)
	}
	return lines
}

// glueUnits joins a unit to its number ("2.61", "s." -> "2.61 s.") so a
// line never breaks between them.
func glueUnits(words []string) []string {
	var out []string
	for _, w := range words {
		unit := strings.TrimRight(w, ".,;:)")
		if n := len(out); n > 0 && (unit == "s" || unit == "ms") {
			if last := out[n-1]; last != "" && last[len(last)-1] >= '0' && last[len(last)-1] <= '9' {
				out[n-1] += " " + w
				continue
			}
		}
		out = append(out, w)
	}
	return out
}
