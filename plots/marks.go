package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Mark is one glyph at a data point.
type Mark struct {
	X, Y  float64
	Style draw.GlyphStyle
}

// Marks is a plotter of individually styled glyphs; glyphs whose centre
// is outside the data area are skipped.
type Marks []Mark

// Plot implements plot.Plotter.
func (ms Marks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, m := range ms {
		pt := vg.Point{X: trX(m.X), Y: trY(m.Y)}
		if c.Contains(pt) {
			c.DrawGlyphNoClip(m.Style, pt)
		}
	}
}

// Seg is a horizontal segment from X0 to X1 at height Y.
type Seg struct {
	X0, X1, Y float64
	Style     draw.LineStyle
}

// Segs is a plotter of horizontal segments, clipped to the data area.
type Segs []Seg

// Plot implements plot.Plotter.
func (ss Segs) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, s := range ss {
		y := trY(s.Y)
		c.StrokeLines(s.Style, c.ClipLinesXY([]vg.Point{{X: trX(s.X0), Y: y}, {X: trX(s.X1), Y: y}})...)
	}
}

// Ticks is a plotter of short vertical marks (±Half points) at data
// points: light background traffic.
type Ticks struct {
	XYs   [][2]float64
	Half  vg.Length
	Style draw.LineStyle
}

// Plot implements plot.Plotter.
func (t Ticks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, xy := range t.XYs {
		x, y := trX(xy[0]), trY(xy[1])
		if !c.ContainsX(x) {
			continue
		}
		c.StrokeLine2(t.Style, x, y-t.Half, x, y+t.Half)
	}
}

// crossGlyph is a bold X (forced death).
type crossGlyph struct{}

func (crossGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	ls := draw.LineStyle{Color: sty.Color, Width: max(r/2.2, 1.2)}
	c.StrokeLine2(ls, pt.X-r, pt.Y-r, pt.X+r, pt.Y+r)
	c.StrokeLine2(ls, pt.X-r, pt.Y+r, pt.X+r, pt.Y-r)
}

// ringGlyph is a thick ring (out-of-order highlight).
type ringGlyph struct{ Width vg.Length }

func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.Width})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 6.283185307179586)
	p.Close()
	c.Stroke(p)
}

// barGlyph is a short vertical bar (removal by the server).
type barGlyph struct{}

func (barGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: 2}, pt.X, pt.Y-sty.Radius, pt.X, pt.Y+sty.Radius)
}

// Segment is a straight line between two data points.
type Segment struct {
	From, To [2]float64
	Style    draw.LineStyle
}

// Segments is a plotter of straight lines, clipped to the data area.
type Segments []Segment

// Plot implements plot.Plotter.
func (ss Segments) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, s := range ss {
		c.StrokeLines(s.Style, c.ClipLinesXY([]vg.Point{{X: trX(s.From[0]), Y: trY(s.From[1])}, {X: trX(s.To[0]), Y: trY(s.To[1])}})...)
	}
}
