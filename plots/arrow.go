package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Arrow is one arrow in data coordinates, from (X0, Y0) to (X1, Y1).
type Arrow struct {
	X0, Y0, X1, Y1 float64
	Color          color.Color
	Width          vg.Length   // 0 = 0.8 pt
	Dashes         []vg.Length // nil = solid
}

// Arrows is a plotter of straight arrows with filled heads. Parts outside
// the data area are clipped; a head is drawn only when its tip is inside.
type Arrows []Arrow

// Plot implements plot.Plotter.
func (as Arrows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, a := range as {
		w := a.Width
		if w == 0 {
			w = 0.8
		}
		from := vg.Point{X: trX(a.X0), Y: trY(a.Y0)}
		to := vg.Point{X: trX(a.X1), Y: trY(a.Y1)}
		// Stop the shaft at the base of the head so that thick or dashed
		// shafts do not poke through the tip.
		end := to
		if d := dist(from, to); d > headLen(w) {
			end = lerp(from, to, 1-float64(headLen(w)*0.8/d))
		}
		sty := draw.LineStyle{Color: a.Color, Width: w, Dashes: a.Dashes}
		c.StrokeLines(sty, c.ClipLinesXY([]vg.Point{from, end})...)
		if c.Contains(to) {
			drawHead(c, from, to, a.Color, w)
		}
	}
}

func headLen(w vg.Length) vg.Length { return 4.5 + 1.5*w }

// drawHead draws a filled triangular arrow head with its tip at to,
// pointing along from -> to.
func drawHead(c draw.Canvas, from, to vg.Point, clr color.Color, w vg.Length) {
	d := dist(from, to)
	if d == 0 {
		return
	}
	l := headLen(w)
	ux, uy := float64(to.X-from.X)/float64(d), float64(to.Y-from.Y)/float64(d)
	half := float64(l) * 0.38
	base := vg.Point{X: to.X - vg.Length(ux*float64(l)), Y: to.Y - vg.Length(uy*float64(l))}
	p1 := vg.Point{X: base.X - vg.Length(uy*half), Y: base.Y + vg.Length(ux*half)}
	p2 := vg.Point{X: base.X + vg.Length(uy*half), Y: base.Y - vg.Length(ux*half)}
	c.FillPolygon(clr, []vg.Point{to, p1, p2})
}

func dist(a, b vg.Point) vg.Length {
	return vg.Length(math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y)))
}

func lerp(a, b vg.Point, t float64) vg.Point {
	return vg.Point{X: a.X + vg.Length(t)*(b.X-a.X), Y: a.Y + vg.Length(t)*(b.Y-a.Y)}
}
