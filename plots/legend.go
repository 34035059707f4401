package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LegendEntry is one legend item: a small picture and its label.
type LegendEntry struct {
	Label string
	Thumb plot.Thumbnailer
}

var (
	colorWhite   = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	subtitleGrey = color.NRGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xFF}
)

const (
	thumbW   = vg.Length(22)
	thumbH   = vg.Length(9)
	entryGap = vg.Length(16)
)

// drawLegend lays entries out in centred rows along the bottom of area,
// wrapping when a row is full, and returns the height used. With draw
// false it only measures.
func drawLegend(c draw.Canvas, entries []LegendEntry, area draw.Canvas, doDraw bool) vg.Length {
	st := textStyle(Sans, sizeLegend, ColorInk)
	st.YAlign = draw.YCenter
	rowH := max(thumbH, st.Height("Hg")) + 4
	width := area.Max.X - area.Min.X
	entryW := func(e LegendEntry) vg.Length { return thumbW + 5 + st.Width(e.Label) }
	// Split into rows.
	var rows [][]LegendEntry
	var cur []LegendEntry
	var w vg.Length
	for _, e := range entries {
		ew := entryW(e)
		if len(cur) > 0 && w+entryGap+ew > width {
			rows = append(rows, cur)
			cur, w = nil, 0
		}
		if len(cur) > 0 {
			w += entryGap
		}
		cur = append(cur, e)
		w += ew
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	h := rowH * vg.Length(len(rows))
	if !doDraw {
		return h
	}
	y := area.Min.Y + h - rowH/2
	for _, row := range rows {
		var rw vg.Length
		for i, e := range row {
			if i > 0 {
				rw += entryGap
			}
			rw += entryW(e)
		}
		x := area.Min.X + (width-rw)/2
		for _, e := range row {
			tc := c
			tc.Min = vg.Point{X: x, Y: y - thumbH/2}
			tc.Max = vg.Point{X: x + thumbW, Y: y + thumbH/2}
			if e.Thumb != nil {
				e.Thumb.Thumbnail(&tc)
			}
			c.FillText(st, vg.Point{X: x + thumbW + 5, Y: y}, e.Label)
			x += entryW(e) + entryGap
		}
		y -= rowH
	}
	return h
}

// lineThumb draws a horizontal line (optionally dashed) with an optional
// arrow head.
type lineThumb struct {
	Style draw.LineStyle
	Arrow bool
}

func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	x1 := c.Max.X
	if t.Arrow {
		x1 -= 1
	}
	c.StrokeLine2(t.Style, c.Min.X, y, x1, y)
	if t.Arrow {
		drawHead(*c, vg.Point{X: c.Min.X, Y: y}, vg.Point{X: c.Max.X, Y: y}, t.Style.Color, t.Style.Width)
	}
}

// glyphThumb draws one glyph in the middle.
type glyphThumb struct{ Style draw.GlyphStyle }

func (t glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyphNoClip(t.Style, c.Center()) }

// boxThumb draws a filled box with an optional outline.
type boxThumb struct {
	Fill    color.Color
	Outline draw.LineStyle
}

func (t boxThumb) Thumbnail(c *draw.Canvas) {
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X + 2, Y: c.Min.Y}, Max: vg.Point{X: c.Max.X - 2, Y: c.Max.Y}}
	pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
	c.FillPolygon(t.Fill, pts)
	if t.Outline.Color != nil && t.Outline.Width > 0 {
		c.StrokeLines(t.Outline, append(pts, pts[0]))
	}
}

// multiThumb draws several thumbnails on top of each other.
type multiThumb []plot.Thumbnailer

func (t multiThumb) Thumbnail(c *draw.Canvas) {
	for _, x := range t {
		x.Thumbnail(c)
	}
}
