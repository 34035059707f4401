package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SweepHeatMap draws the figure over the grid's two axes as two heat maps
// side by side on one colour scale: the mean of each cell's runs
// (labelled mean and, with several runs, their range) and the middle of
// the predicted range (labelled with the range).
func SweepHeatMap(g SweepGrid) (*Figure, error) {
	rows, cols := len(g.Cells), 0
	if rows > 0 {
		cols = len(g.Cells[0])
	}
	measured, predicted := newHeatGrid(rows, cols), newHeatGrid(rows, cols)
	var mLabels, pLabels cellTexts
	lo, hi := math.Inf(1), math.Inf(-1)
	for y, row := range g.Cells {
		for x, c := range row {
			mean, mlo, mhi := c.stats()
			measured.z[y][x], predicted.z[y][x] = mean, c.mid()
			for _, v := range []float64{mean, c.mid()} {
				if !math.IsNaN(v) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
			text := fmtFigure(mean)
			if len(c.Measured) > 1 && mhi > mlo {
				text += "\n(" + rangeText(mlo, mhi) + ")"
			}
			mLabels = append(mLabels, cellText{X: float64(x), Y: float64(y), Text: text})
			pt := "–"
			if c.Predicted != nil {
				pt = rangeText(c.Predicted[0], c.Predicted[1])
			}
			pLabels = append(pLabels, cellText{X: float64(x), Y: float64(y), Text: pt})
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if hi <= lo {
		hi = lo + 1
	}
	pal := heatPalette()
	ylabel := axisTitle(g.Y)
	if g.Y.Path == "" {
		ylabel = ""
	}
	var panels []*plot.Plot
	for i, z := range []heatGrid{measured, predicted} {
		p := newPanel(axisTitle(g.X), ylabel)
		p.Title.Text = []string{"measured (mean of runs)", "predicted (middle of range)"}[i]
		hm := plotter.NewHeatMap(z, pal)
		hm.Min, hm.Max = lo, hi
		hm.Underflow, hm.Overflow = pal.Colors()[0], pal.Colors()[len(pal.Colors())-1]
		hm.NaN = ColorGrid
		p.Add(hm)
		labels := []cellTexts{mLabels, pLabels}[i]
		labels.shade(z, lo, hi)
		p.Add(labels)
		p.X.Tick.Marker = valueTicks(g.X.Values)
		p.Y.Tick.Marker = valueTicks(g.Y.Values)
		p.X.Padding, p.Y.Padding = 0, 0
		if g.Y.Path == "" {
			p.Y.Tick.Marker = plot.ConstantTicks{}
		}
		panels = append(panels, p)
	}
	legend := []LegendEntry{
		{Label: "lowest " + fmtFigure(lo), Thumb: boxThumb{Fill: pal.Colors()[0]}},
		{Label: "highest " + fmtFigure(hi), Thumb: boxThumb{Fill: pal.Colors()[len(pal.Colors())-1]}},
		{Label: "no value", Thumb: boxThumb{Fill: ColorGrid}},
	}
	return &Figure{
		Chart:    "sweep-heatmap",
		Title:    g.Name + ": " + g.Label,
		Subtitle: sweepSubtitle(g, "Measured beside predicted"),
		Rows:     [][]*plot.Plot{panels},
		Legend:   legend,
		Width:    10 * vg.Inch,
		Height:   vg.Length(max(3.2, 1.4+0.7*float64(rows))) * vg.Inch,
	}, nil
}

// heatPalette is ColorBrewer's sequential yellow-green-blue (colour-blind
// safe, light to dark).
func heatPalette() palette.Palette {
	p, err := brewer.GetPalette(brewer.TypeSequential, "YlGnBu", 9)
	if err != nil {
		panic(err)
	}
	return p
}

// heatGrid is a [y][x] grid at integer positions (values evenly spaced in
// the order written).
type heatGrid struct{ z [][]float64 }

func newHeatGrid(rows, cols int) heatGrid {
	z := make([][]float64, rows)
	for i := range z {
		z[i] = make([]float64, cols)
	}
	return heatGrid{z}
}

func (g heatGrid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g heatGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

// valueTicks labels positions 0, 1, ... with the values as written.
func valueTicks(vals []string) plot.ConstantTicks {
	ts := make(plot.ConstantTicks, len(vals))
	for i, v := range vals {
		ts[i] = plot.Tick{Value: float64(i), Label: v}
	}
	return ts
}

// cellText is a label centred on a heat-map cell.
type cellText struct {
	X, Y  float64
	Text  string
	Color color.Color
}

// cellTexts draws labels centred at data coordinates.
type cellTexts []cellText

// shade picks black or white text for each label by its cell's colour.
func (ts cellTexts) shade(z heatGrid, lo, hi float64) {
	for i, t := range ts {
		v := z.z[int(t.Y)][int(t.X)]
		ts[i].Color = ColorInk
		if !math.IsNaN(v) && (v-lo)/(hi-lo) > 0.55 {
			ts[i].Color = colorWhite
		}
	}
}

// Plot implements plot.Plotter.
func (ts cellTexts) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, t := range ts {
		st := textStyle(Sans, sizeLabel+0.5, t.Color)
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		c.FillText(st, vg.Point{X: trX(t.X), Y: trY(t.Y)}, t.Text)
	}
}
