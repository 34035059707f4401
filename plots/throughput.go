package plots

import (
	"fmt"
	"math"
	"sort"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// Throughput draws publish and done rates over time (binned) and, below,
// the end-to-end latency (publish to first done) of the messages
// published in each bin: p50, p90 and max. Deaths, zombie windows and
// restarts are overlaid on both panels.
func Throughput(a *analyze.Analysis, opt Options) (*Figure, error) {
	end := runEnd(a)
	// About 8 messages per bin on average, 15 to 120 bins.
	bins := min(max(a.NumMessages()/8, 15), 120)
	step := int64(niceStep(float64(end), bins))
	step = max(step, int64(time.Millisecond))
	nb := max(int((end+step-1)/step), 1)
	pub := make([]float64, nb)
	done := make([]float64, nb)
	lat := make([][]float64, nb)
	bin := func(t int64) int { return min(max(int(t/step), 0), nb-1) }
	published, finished := 0, 0
	for m := range a.All() {
		if m.PublishT < 0 {
			continue
		}
		published++
		pub[bin(m.PublishT)]++
		for _, d := range m.Dones {
			done[bin(d.T)]++
			finished++
		}
		if f := m.FirstDone(); f != nil {
			b := bin(m.PublishT)
			lat[b] = append(lat[b], max(float64(f.T-m.PublishT)/1e6, 0.01))
		}
	}
	// Rates per bin; the last bin is cut at the end of the run.
	perSec := make([]float64, nb)
	for i := range perSec {
		perSec[i] = 1 / secs(min(step, end-int64(i)*step))
	}
	rate := func(counts []float64) plotter.XYs {
		xys := make(plotter.XYs, 0, nb+1)
		for i, n := range counts {
			xys = append(xys, plotter.XY{X: secs(int64(i) * step), Y: n * perSec[i]})
		}
		return append(xys, plotter.XY{X: secs(end), Y: counts[nb-1] * perSec[nb-1]})
	}
	xmax := secs(end)

	rp := newPanel("", "messages per second")
	rp.Add(grid(true, true))
	lp := newPanel("run time (s)", "publish to first done (ms)")
	lp.Add(grid(true, true))
	faultLabels := overlayFaults(a, []*plot.Plot{rp, lp})
	pubLine := stepLine(rate(pub), draw.LineStyle{Color: ColorInk, Width: 1.2})
	doneLine := stepLine(rate(done), draw.LineStyle{Color: ColorDone, Width: 1.6})
	rp.Add(pubLine, doneLine)
	rmax := 1.0
	for i := range nb {
		rmax = max(rmax, pub[i]*perSec[i], done[i]*perSec[i])
	}
	rp.Add(Ranger{XMin: 0, XMax: xmax, YMin: 0, YMax: rmax * 1.18})
	rp.X.Tick.Marker, lp.X.Tick.Marker, rp.Y.Tick.Marker = niceTicks{N: 10}, niceTicks{N: 10}, niceTicks{N: 5}
	rp.Add(&LabelLayer{Labels: faultLabels(rmax * 1.18)})
	if published == 0 {
		rp.Add(Note{Text: "no messages published in this run"})
	}

	// Latency quantiles per bin.
	qs := [3]plotter.XYs{}
	lo, hi := math.Inf(1), 0.0
	for i, l := range lat {
		x0 := secs(int64(i) * step)
		if len(l) == 0 {
			for k := range qs {
				qs[k] = append(qs[k], plotter.XY{X: x0, Y: nan})
			}
			continue
		}
		sort.Float64s(l)
		v := [3]float64{analyze.Percentile(l, 50), analyze.Percentile(l, 90), l[len(l)-1]}
		for k := range qs {
			qs[k] = append(qs[k], plotter.XY{X: x0, Y: v[k]}, plotter.XY{X: min(x0+secs(step), xmax), Y: v[k]})
		}
		lo, hi = min(lo, v[0]), max(hi, v[2])
	}
	styles := [3]draw.LineStyle{
		{Color: ColorDeliver, Width: 1.6},
		{Color: ColorAckWait, Width: 1.4},
		{Color: ColorOutOfOrder, Width: 1.1},
	}
	for k := len(qs) - 1; k >= 0; k-- { // p50 on top
		for _, seg := range splitNaN(qs[k]) {
			l, _ := plotter.NewLine(seg)
			l.LineStyle = styles[k]
			lp.Add(l)
		}
	}
	if hi == 0 {
		lo, hi = 1, 10
		lp.Add(Note{Text: "no messages done in this run"})
	}
	if hi/lo > 30 {
		lp.Y.Scale = plot.LogScale{}
		lp.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		lp.Add(Ranger{XMin: 0, XMax: xmax, YMin: math.Pow(10, math.Floor(math.Log10(lo))), YMax: math.Pow(10, math.Ceil(math.Log10(hi*1.5)))})
	} else {
		lp.Add(Ranger{XMin: 0, XMax: xmax, YMin: 0, YMax: hi * 1.15})
		lp.Y.Tick.Marker = niceTicks{N: 5}
	}

	legend := []LegendEntry{
		{Label: "published", Thumb: lineThumb{Style: pubLine.LineStyle}},
		{Label: "done", Thumb: lineThumb{Style: doneLine.LineStyle}},
		{Label: "latency p50", Thumb: lineThumb{Style: styles[0]}},
		{Label: "p90", Thumb: lineThumb{Style: styles[1]}},
		{Label: "max", Thumb: lineThumb{Style: styles[2]}},
	}
	legend = append(legend, faultLegend(a)...)
	sub := fmt.Sprintf("%d published, %d done lines, in %s bins; latency by publish time.", published, finished, fmtDur(time.Duration(step)))
	if a.Summary.Redelivered == 0 {
		sub += " No redeliveries in this run."
	} else {
		sub += fmt.Sprintf(" %d redelivered.", a.Summary.Redelivered)
	}
	return &Figure{
		Chart:      "throughput",
		Title:      scenarioTitle(a, "throughput and latency"),
		Subtitle:   withRunNote(a, sub),
		Rows:       [][]*plot.Plot{{rp}, {lp}},
		RowWeights: []float64{1, 1.1},
		Legend:     legend,
		Width:      10 * vg.Inch,
		Height:     6.6 * vg.Inch,
	}, nil
}

// overlayFaults adds deaths (vertical lines), zombie windows (bands) and
// restarts to each plot, and returns a function giving the labels for a
// panel whose top is at y.
func overlayFaults(a *analyze.Analysis, ps []*plot.Plot) func(y float64) []Label {
	for _, p := range ps {
		for _, d := range a.Deaths {
			to := d.Removed
			if to < 0 {
				to = a.End
			}
			if to > d.T {
				p.Add(Bands{span(secs(d.T), secs(to), Alpha(ColorForced, 36))})
			}
			p.Add(VLines{vline(secs(d.T), deathLine(d.Kind, 1.2, 4, 2))})
			if d.Restart >= 0 {
				p.Add(VLines{vline(secs(d.Restart), draw.LineStyle{Color: ColorDone, Width: 1.2, Dashes: []vg.Length{1.5, 2}})})
			}
		}
	}
	return func(y float64) []Label {
		var ls []Label
		for _, d := range a.Deaths {
			ls = append(ls, Label{X: secs(d.T), Y: y, Text: d.Member + " " + d.Info().Noun, Color: DeathColor(d.Kind), Bold: true,
				Priority: 10, Sides: []Side{BelowRight, BelowLeft, Below2}})
			if d.Restart >= 0 {
				ls = append(ls, Label{X: secs(d.Restart), Y: y, Text: d.Member + " " + comeback(a, d) + "s", Color: ColorDone, Bold: true,
					Priority: 9, Sides: []Side{BelowRight, BelowLeft, Below2}})
			}
		}
		return ls
	}
}

// faultLegend names each kind of death present (from the death table, in
// death.Sorted order), the zombie windows and the restarts or resumes.
func faultLegend(a *analyze.Analysis) []LegendEntry {
	es := deathLegend(a, func(k death.Kind) LegendEntry {
		return LegendEntry{Thumb: lineThumb{Style: deathLine(k, 1.2, 4, 2)}}
	})
	zombie, back := false, map[string]bool{}
	for _, d := range a.Deaths {
		zombie = zombie || d.Removed < 0 || d.Removed > d.T
		if d.Restart >= 0 {
			back[comeback(a, d)] = true
		}
	}
	if zombie {
		es = append(es, LegendEntry{Label: "until the server drops it", Thumb: boxThumb{Fill: Alpha(ColorForced, 36)}})
	}
	for _, b := range []string{"restart", "resume"} {
		if back[b] {
			es = append(es, LegendEntry{Label: b, Thumb: lineThumb{Style: draw.LineStyle{Color: ColorDone, Width: 1.2, Dashes: []vg.Length{1.5, 2}}}})
		}
	}
	return es
}
