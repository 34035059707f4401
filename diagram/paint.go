package diagram

import (
	"image/color"
	"math"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fonts is the diagram's own font cache (Liberation Sans, metric-compatible
// with Arial and Helvetica), so measuring and drawing never depend on
// another package's global settings.
var fonts = font.NewCache(liberation.Collection())

var (
	sans     = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
)

// textStyle is one text style: face, size and colour. Bold text is drawn
// in the regular face on PDF (vgpdf cannot find a bold face it registered).
type textStyle struct {
	Size  vg.Length
	Bold  bool
	Color color.Color
}

func (s textStyle) style(pdf bool) text.Style {
	f := sans
	if s.Bold && !pdf {
		f = sansBold
	}
	f.Size = s.Size
	return text.Style{Color: s.Color, Font: f, Handler: text.Plain{Fonts: fonts}}
}

// width is the width of one line of txt (measured in the bold face when
// bold, so PDF, drawn regular, only gets narrower).
func (s textStyle) width(txt string) vg.Length {
	return s.style(false).Width(txt)
}

// lineHeight is the distance between baselines.
func (s textStyle) lineHeight() vg.Length {
	e := s.style(false).FontExtents()
	return e.Height
}

// ascent is the height above the baseline.
func (s textStyle) ascent() vg.Length { return s.style(false).FontExtents().Ascent }

// descent is the depth below the baseline (positive).
func (s textStyle) descent() vg.Length { return s.style(false).FontExtents().Descent }

// box is the size of a block of lines.
func (s textStyle) box(lines []string) (w, h vg.Length) {
	for _, l := range lines {
		w = max(w, s.width(l))
	}
	return w, s.lineHeight() * vg.Length(len(lines))
}

// painter draws onto a draw.Canvas in figure coordinates: points, origin
// at the top left, y growing downwards (the layout's convention).
type painter struct {
	c draw.Canvas
	h vg.Length // canvas height, to flip y
	// pdf draws bold text in the regular face (see textStyle.style); the
	// PDF's colours and text encoding are package render's business.
	pdf bool
}

func (p *painter) pt(x, y vg.Length) vg.Point { return vg.Point{X: x, Y: p.h - y} }

func (p *painter) line(sty draw.LineStyle, pts ...vg.Point) {
	if len(pts) < 2 || sty.Color == nil || sty.Width <= 0 {
		return
	}
	flipped := make([]vg.Point, len(pts))
	for i, q := range pts {
		flipped[i] = p.pt(q.X, q.Y)
	}
	p.c.StrokeLines(sty, flipped)
}

func (p *painter) polygon(c color.Color, pts ...vg.Point) {
	flipped := make([]vg.Point, len(pts))
	for i, q := range pts {
		flipped[i] = p.pt(q.X, q.Y)
	}
	p.c.FillPolygon(c, flipped)
}

func (p *painter) rect(c color.Color, r rect) {
	p.polygon(c, vg.Point{X: r.x0, Y: r.y0}, vg.Point{X: r.x1, Y: r.y0}, vg.Point{X: r.x1, Y: r.y1}, vg.Point{X: r.x0, Y: r.y1})
}

func (p *painter) rectOutline(sty draw.LineStyle, r rect) {
	p.line(sty, vg.Point{X: r.x0, Y: r.y0}, vg.Point{X: r.x1, Y: r.y0}, vg.Point{X: r.x1, Y: r.y1}, vg.Point{X: r.x0, Y: r.y1}, vg.Point{X: r.x0, Y: r.y0})
}

// circle fills (fill != nil) and strokes (sty.Color != nil) a circle.
func (p *painter) circle(center vg.Point, r vg.Length, fill color.Color, sty draw.LineStyle) {
	const n = 36
	pts := make([]vg.Point, 0, n+1)
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / n
		pts = append(pts, vg.Point{X: center.X + r*vg.Length(math.Cos(a)), Y: center.Y + r*vg.Length(math.Sin(a))})
	}
	if fill != nil {
		p.polygon(fill, pts[:n]...)
	}
	p.line(sty, pts...)
}

// text draws lines of text with their top-left corner (xalign 0), top
// centre (0.5) or top right (1) at (x, y).
func (p *painter) text(s textStyle, x, y vg.Length, xalign float64, txt string) {
	lines := strings.Split(txt, "\n")
	st := s.style(p.pdf)
	st.XAlign = draw.XAlignment(-xalign)
	st.YAlign = draw.YTop
	for i, l := range lines {
		p.c.FillText(st, p.pt(x, y+s.lineHeight()*vg.Length(i)), l)
	}
}

// vtext draws one line rotated a quarter turn anticlockwise, centred on (x, y).
func (p *painter) vtext(s textStyle, x, y vg.Length, txt string) {
	st := s.style(p.pdf)
	st.Rotation = math.Pi / 2
	st.XAlign = draw.XCenter
	st.YAlign = draw.YCenter
	p.c.FillText(st, p.pt(x, y), txt)
}

// arrow draws a straight arrow from a to b with a filled head at b.
func (p *painter) arrow(sty draw.LineStyle, a, b vg.Point, head vg.Length) {
	d := math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))
	if d == 0 {
		return
	}
	ux, uy := float64(b.X-a.X)/d, float64(b.Y-a.Y)/d
	// Stop the shaft inside the head so a dashed or thick shaft does not
	// poke through the tip.
	end := b
	if d > float64(head) {
		end = vg.Point{X: b.X - vg.Length(ux*float64(head)*0.7), Y: b.Y - vg.Length(uy*float64(head)*0.7)}
	}
	p.line(sty, a, end)
	half := float64(head) * 0.42
	base := vg.Point{X: b.X - vg.Length(ux*float64(head)), Y: b.Y - vg.Length(uy*float64(head))}
	p.polygon(sty.Color,
		b,
		vg.Point{X: base.X - vg.Length(uy*half), Y: base.Y + vg.Length(ux*half)},
		vg.Point{X: base.X + vg.Length(uy*half), Y: base.Y - vg.Length(ux*half)},
	)
}

// cross draws an X of half-size r centred on c.
func (p *painter) cross(c vg.Point, r vg.Length, sty draw.LineStyle) {
	p.line(sty, vg.Point{X: c.X - r, Y: c.Y - r}, vg.Point{X: c.X + r, Y: c.Y + r})
	p.line(sty, vg.Point{X: c.X - r, Y: c.Y + r}, vg.Point{X: c.X + r, Y: c.Y - r})
}

// rect is an axis-aligned rectangle in figure coordinates (y down).
type rect struct{ x0, y0, x1, y1 vg.Length }

func (r rect) overlaps(o rect) bool {
	return r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1
}

func (r rect) inset(d vg.Length) rect { return rect{r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d} }

func (r rect) within(o rect) bool {
	return r.x0 >= o.x0 && r.x1 <= o.x1 && r.y0 >= o.y0 && r.y1 <= o.y1
}

func lineStyle(c color.Color, w vg.Length, dashes ...vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: w, Dashes: dashes}
}
