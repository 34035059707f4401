package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Band is a shaded rectangle in data coordinates. A NaN Y0 or Y1 extends
// the band to the bottom or top of the data area (a time span).
type Band struct {
	X0, X1, Y0, Y1 float64
	Fill           color.NRGBA // translucent fills must be NRGBA
	Outline        draw.LineStyle
}

// Bands is a plotter of shaded rectangles, clipped to the data area.
// Bands do not widen the axes.
type Bands []Band

// Plot implements plot.Plotter.
func (bs Bands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range bs {
		x0, x1 := trX(b.X0), trX(b.X1)
		y0, y1 := c.Min.Y, c.Max.Y
		if !math.IsNaN(b.Y0) {
			y0 = trY(b.Y0)
		}
		if !math.IsNaN(b.Y1) {
			y1 = trY(b.Y1)
		}
		// Keep even an instant visible: at least half a point wide.
		if x1-x0 < 0.5 {
			x1 = x0 + 0.5
		}
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(b.Fill, pts)
		if b.Outline.Color != nil && b.Outline.Width > 0 {
			c.StrokeLines(b.Outline, c.ClipLinesXY(append(pts, pts[0]))...)
		}
	}
}

// VLine is a vertical reference line at X across the data area (or from
// Y0 to Y1 when both are set; NaN = full height).
type VLine struct {
	X      float64
	Y0, Y1 float64
	Style  draw.LineStyle
}

// VLines is a plotter of vertical reference lines.
type VLines []VLine

// Plot implements plot.Plotter.
func (ls VLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, l := range ls {
		x := trX(l.X)
		if !c.ContainsX(x) {
			continue
		}
		y0, y1 := c.Min.Y, c.Max.Y
		if !math.IsNaN(l.Y0) {
			y0 = trY(l.Y0)
		}
		if !math.IsNaN(l.Y1) {
			y1 = trY(l.Y1)
		}
		c.StrokeLines(l.Style, c.ClipLinesXY([]vg.Point{{X: x, Y: y0}, {X: x, Y: y1}})...)
	}
}

// vline is a full-height VLine.
func vline(x float64, sty draw.LineStyle) VLine {
	return VLine{X: x, Y0: math.NaN(), Y1: math.NaN(), Style: sty}
}

// span is a full-height Band.
func span(x0, x1 float64, fill color.NRGBA) Band {
	return Band{X0: x0, X1: x1, Y0: math.NaN(), Y1: math.NaN(), Fill: fill}
}

// Ranger widens the axes to a fixed range (a plotter that draws nothing).
type Ranger struct{ XMin, XMax, YMin, YMax float64 }

// Plot implements plot.Plotter; it draws nothing.
func (Ranger) Plot(draw.Canvas, *plot.Plot) {}

// DataRange implements plot.DataRanger.
func (r Ranger) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.XMin, r.XMax, r.YMin, r.YMax
}
