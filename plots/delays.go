package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
)

// causes in drawing order.
var causes = []string{analyze.CauseClose, analyze.CauseRemoval, analyze.CauseAckWait}

// Delays draws the distribution of redelivery delays (publish -> the
// message's first redelivered delivery), as a histogram stacked by cause
// and as CDFs, with AckWait and, for each kind of death in the run, the
// removal window the analysis predicts for it (Death.Predicted: F·I to
// (F+1)·I after a forced kill, F·(I+T) to (F+1)·(I+T) after a hang) as
// references: counted from the death, so on this axis the delay of a
// message published at the death.
func Delays(a *analyze.Analysis, opt Options) (*Figure, error) {
	byCause := map[string][]float64{}
	var all []float64
	for m := range a.All() {
		if m.PublishT < 0 {
			continue
		}
		for _, d := range m.Deliveries {
			if d.Redelivered {
				ms := float64(d.T-m.PublishT) / 1e6
				byCause[d.Cause] = append(byCause[d.Cause], ms)
				all = append(all, ms)
				break
			}
		}
	}
	for _, c := range causes {
		sort.Float64s(byCause[c])
	}
	sort.Float64s(all)

	// References, in ms.
	type ref struct {
		ms    float64
		label string
	}
	var ackRefs []ref
	st := a.Settings
	if st.Known {
		groups := a.Groups()
		for _, g := range groups {
			gs, ok := st.Groups[g]
			if !ok || gs.AckWait <= 0 {
				continue
			}
			ms := float64(gs.AckWait) / 1e6
			dup := false
			for _, r := range ackRefs {
				dup = dup || r.ms == ms
			}
			if !dup {
				label := "AckWait " + fmtSecs(gs.AckWait.Seconds())
				if len(groups) > 1 {
					label += " (" + g + ")"
				}
				ackRefs = append(ackRefs, ref{ms, label})
			}
		}
	}
	bands := removalBands(a)
	bandHi := 0.0
	for _, b := range bands {
		bandHi = max(bandHi, b.hi)
	}
	// The axis spans the data and the removal window; an AckWait far
	// beyond them is named at the edge instead of squashing the data.
	xmax := max(bandHi, 1000)
	if len(all) > 0 {
		xmax = max(all[len(all)-1], bandHi)
	}
	var offScale []ref
	shown := ackRefs[:0:0]
	for _, r := range ackRefs {
		if len(all) > 0 && r.ms > 3*xmax {
			offScale = append(offScale, r)
			continue
		}
		shown = append(shown, r)
	}
	for _, r := range shown {
		xmax = max(xmax, r.ms)
	}
	ackRefs = shown
	xmax *= 1.08
	unit, div := "ms", 1.0
	if xmax > 5000 {
		unit, div = "s", 1000
	}
	xmax /= div
	xlabel := "delay from publish to redelivery (" + unit + ")"

	// Histogram, stacked by cause.
	step := niceStep(xmax, 30)
	nb := int(math.Ceil(xmax/step)) + 1
	hist := StackedBars{X0: 0, Width: step}
	for _, c := range causes {
		counts := make([]float64, nb)
		for _, v := range byCause[c] {
			counts[min(int(v/div/step), nb-1)]++
		}
		hist.Layers = append(hist.Layers, BarLayer{Counts: counts, Color: CauseColor(c)})
	}
	ymax := 1.0
	for i := range nb {
		s := 0.0
		for _, l := range hist.Layers {
			s += l.Counts[i]
		}
		ymax = max(ymax, s)
	}
	hp := newPanel(xlabel, "messages")
	hp.Add(grid(false, true))
	cp := newPanel(xlabel, "fraction of redelivered messages")
	cp.Add(grid(true, true))
	hl, cl := &LabelLayer{}, &LabelLayer{}
	for _, p := range []*plot.Plot{hp, cp} {
		for _, b := range bands {
			p.Add(Bands{b.band(div)})
		}
		for _, r := range ackRefs {
			p.Add(VLines{vline(r.ms/div, draw.LineStyle{Color: ColorInk, Width: 1, Dashes: []vg.Length{5, 3}})})
		}
	}
	hp.Add(hist)
	hp.Add(Ranger{XMin: 0, XMax: xmax, YMin: 0, YMax: math.Ceil(ymax * 1.25)})
	if ymax < 10 {
		hp.Y.Tick.Marker = integerTicks{}
	}
	cp.Add(Ranger{XMin: 0, XMax: xmax, YMin: 0, YMax: 1.12})
	cp.Y.Tick.Marker = fractionTicks{}
	hp.X.Tick.Marker, cp.X.Tick.Marker = niceTicks{N: 6}, niceTicks{N: 6}

	// CDFs: per cause, and all when several causes are present.
	present := 0
	for _, c := range causes {
		if len(byCause[c]) > 0 {
			present++
		}
	}
	for _, c := range causes {
		if len(byCause[c]) > 0 {
			cp.Add(cdfLine(byCause[c], div, xmax, draw.LineStyle{Color: CauseColor(c), Width: 1.6}))
		}
	}
	if present > 1 {
		cp.Add(cdfLine(all, div, xmax, draw.LineStyle{Color: ColorInk, Width: 1, Dashes: []vg.Length{2, 2}}))
	}
	for _, p := range []struct {
		l *LabelLayer
		y float64
	}{{hl, math.Ceil(ymax * 1.25)}, {cl, 1.12}} {
		for _, b := range bands {
			p.l.Labels = append(p.l.Labels, Label{X: (b.lo + b.hi) / 2 / div, Y: p.y, Text: b.label(len(bands)), Color: DeathColor(b.kind),
				Priority: 5, Sides: []Side{Below, BelowRight, BelowLeft, Below2}})
		}
		for _, r := range ackRefs {
			p.l.Labels = append(p.l.Labels, Label{X: r.ms / div, Y: p.y, Text: r.label, Priority: 6, Sides: []Side{BelowLeft, BelowRight}})
		}
		for i, r := range offScale {
			p.l.Labels = append(p.l.Labels, Label{X: xmax, Y: p.y * (1 - 0.08*float64(i)), Text: r.label + ": off scale", Priority: 7,
				Sides: []Side{BelowLeft}})
		}
	}
	hp.Add(hl)
	cp.Add(cl)
	if len(all) == 0 {
		hp.Add(Note{Text: "no redeliveries in this run"})
		cp.Add(Note{Text: "no redeliveries in this run"})
	}

	var legend []LegendEntry
	for _, c := range causes {
		if len(byCause[c]) > 0 {
			legend = append(legend, LegendEntry{Label: fmt.Sprintf("%s (%d)", causeText(c), len(byCause[c])), Thumb: boxThumb{Fill: CauseColor(c)}})
		}
	}
	if present > 1 {
		legend = append(legend, LegendEntry{Label: "all causes (CDF)", Thumb: lineThumb{Style: draw.LineStyle{Color: ColorInk, Width: 1, Dashes: []vg.Length{2, 2}}}})
	}
	if len(ackRefs) > 0 || len(offScale) > 0 {
		legend = append(legend, LegendEntry{Label: "AckWait", Thumb: lineThumb{Style: draw.LineStyle{Color: ColorInk, Width: 1, Dashes: []vg.Length{5, 3}}}})
	}
	for _, b := range bands {
		band := b.band(1)
		// The window is counted from the death; on this axis it is the
		// delay of a message published as the member died (one published
		// earlier waits longer for the same removal, one sent to the dead
		// member later waits less).
		legend = append(legend, LegendEntry{Label: removalText(b.kind, b.w) + ", the delay of a message published at the death",
			Thumb: boxThumb{Fill: band.Fill, Outline: band.Outline}})
	}
	return &Figure{
		Chart:    "delays",
		Title:    scenarioTitle(a, "redelivery delays"),
		Subtitle: withRunNote(a, delaysSubtitle(a, all)),
		Rows:     [][]*plot.Plot{{hp, cp}},
		Legend:   legend,
		Width:    10 * vg.Inch,
		Height:   4.8 * vg.Inch,
	}, nil
}

func delaysSubtitle(a *analyze.Analysis, all []float64) string {
	var parts []string
	if len(all) == 0 {
		parts = append(parts, "No redeliveries in this run.")
	} else {
		q := analyze.NewQuantiles(all)
		parts = append(parts, fmt.Sprintf("%d %s redelivered; delay from publish to %s first redelivery: p50 %s, p90 %s, max %s.",
			len(all), plural(len(all), "message", "messages"), plural(len(all), "its", "their"), fmtMs(*q.P50), fmtMs(*q.P90), fmtMs(*q.Max)))
	}
	if st := a.Settings; st.Known {
		if s := heartbeatText(a); s != "" {
			parts = append(parts, s)
		}
	} else {
		parts = append(parts, "Settings unknown: no reference lines.")
	}
	return strings.Join(parts, " ")
}

func fmtMs(ms float64) string {
	if ms >= 10000 {
		return fmtSecs(ms / 1000)
	}
	return trimFloat(ms, 0) + " ms"
}

func fmtDur(d time.Duration) string { return fmtMs(float64(d) / 1e6) }

// cdfLine is the empirical CDF of sorted values (in ms, divided by div)
// as a step line from 0 to xmax.
func cdfLine(sorted []float64, div, xmax float64, sty draw.LineStyle) *plotter.Line {
	n := float64(len(sorted))
	xys := make(plotter.XYs, 0, min(len(sorted), 2000)+2)
	xys = append(xys, plotter.XY{X: 0, Y: 0})
	// Thin very long inputs to at most ~2000 steps (exact at the ends).
	stride := max(1, len(sorted)/2000)
	for i := 0; i < len(sorted); i += stride {
		xys = append(xys, plotter.XY{X: sorted[i] / div, Y: float64(i+1) / n})
	}
	xys = append(xys, plotter.XY{X: sorted[len(sorted)-1] / div, Y: 1}, plotter.XY{X: xmax, Y: 1})
	l, _ := plotter.NewLine(xys)
	l.StepStyle = plotter.PostStep
	l.LineStyle = sty
	return l
}

// StackedBars is a histogram of equal-width bins whose layers stack.
type StackedBars struct {
	X0, Width float64
	Layers    []BarLayer
}

// BarLayer is one stacked layer of counts per bin.
type BarLayer struct {
	Counts []float64
	Color  color.NRGBA
}

// Plot implements plot.Plotter.
func (b StackedBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if len(b.Layers) == 0 {
		return
	}
	base := make([]float64, len(b.Layers[0].Counts))
	for _, l := range b.Layers {
		for i, n := range l.Counts {
			if n == 0 {
				continue
			}
			x0, x1 := trX(b.X0+float64(i)*b.Width), trX(b.X0+float64(i+1)*b.Width)
			y0, y1 := trY(base[i]), trY(base[i]+n)
			pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
			c.FillPolygon(l.Color, c.ClipPolygonXY(pts))
			c.StrokeLines(draw.LineStyle{Color: colorWhite, Width: 0.5}, c.ClipLinesXY(append(pts, pts[0]))...)
			base[i] += n
		}
	}
}

// plural picks the singular or plural word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
