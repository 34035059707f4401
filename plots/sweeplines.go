package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// seriesColors are the palette colours of the line chart's series, one per
// value of the second axis (yellow left out: poor contrast on white).
var seriesColors = []color.NRGBA{ColorDeliver, ColorAckWait, ColorDone, ColorGraceful, ColorForced, ColorOutOfOrder, ColorInk}

// SweepLines draws the figure of every run over the first axis: a dot per
// run, a line through each cell's mean (one line per value of the second
// axis), and beside each point the predicted range as a bar.
func SweepLines(g SweepGrid) (*Figure, error) {
	p := newPanel(g.X.Path, g.Label)
	p.Add(grid(false, true))
	n := len(g.Cells)
	var legend []LegendEntry
	lo, hi := math.Inf(1), math.Inf(-1)
	width := 0.7 / float64(max(n, 1)) // each series' slot within an x position
	for y, row := range g.Cells {
		col := seriesColors[y%len(seriesColors)]
		off := (float64(y) - float64(n-1)/2) * width
		var means plotter.XYs // NaN where a cell has no run: the line breaks
		var dots plotter.XYs
		var bars Bands
		for x, c := range row {
			mean, _, _ := c.stats()
			means = append(means, plotter.XY{X: float64(x) + off, Y: mean})
			for _, v := range c.Measured {
				dots = append(dots, plotter.XY{X: float64(x) + off, Y: v})
				lo, hi = min(lo, v), max(hi, v)
			}
			if pr := c.Predicted; pr != nil {
				bx := float64(x) + off + width*0.3
				bars = append(bars, Band{X0: bx - width*0.12, X1: bx + width*0.12, Y0: pr[0], Y1: max(pr[1], pr[0]),
					Fill: translucent(col, 0x55), Outline: draw.LineStyle{Color: col, Width: 0.8}})
				lo, hi = min(lo, pr[0]), max(hi, pr[1])
			}
		}
		p.Add(bars)
		for _, run := range splitNaN(means) {
			if len(run) < 2 {
				continue
			}
			l, err := plotter.NewLine(run)
			if err != nil {
				return nil, err
			}
			l.LineStyle = draw.LineStyle{Color: col, Width: 1.4}
			p.Add(l)
		}
		if len(dots) > 0 {
			s, err := plotter.NewScatter(dots)
			if err != nil {
				return nil, err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: 2.6, Shape: draw.CircleGlyph{}}
			p.Add(s)
		}
		label := "measured runs and their mean"
		if g.Y.Path != "" {
			label = axisTitle(g.Y) + " " + g.Y.Values[y]
		}
		legend = append(legend, LegendEntry{Label: label, Thumb: multiThumb{
			lineThumb{Style: draw.LineStyle{Color: col, Width: 1.4}},
			glyphThumb{Style: draw.GlyphStyle{Color: col, Radius: 2.6, Shape: draw.CircleGlyph{}}}}})
	}
	legend = append(legend, LegendEntry{Label: "predicted range (bar beside each point)",
		Thumb: boxThumb{Fill: translucent(ColorInkLight, 0x55), Outline: draw.LineStyle{Color: ColorInkLight, Width: 0.8}}})
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
		p.Add(Note{Text: "no run has this figure"})
	}
	pad := max((hi-lo)*0.08, 1)
	p.Add(Ranger{XMin: -0.5, XMax: float64(len(g.X.Values)) - 0.5, YMin: max(0, lo-pad), YMax: hi + pad})
	p.X.Tick.Marker = valueTicks(g.X.Values)
	p.Y.Tick.Marker = niceTicks{N: 6}
	return &Figure{
		Chart:    "sweep-lines",
		Title:    g.Name + ": " + g.Label,
		Subtitle: sweepSubtitle(g, "Every run beside the predicted range"),
		Rows:     [][]*plot.Plot{{p}},
		Legend:   legend,
		Width:    10 * vg.Inch,
		Height:   4.6 * vg.Inch,
	}, nil
}

// translucent is c with alpha a (non-premultiplied, as Bands want).
func translucent(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }
