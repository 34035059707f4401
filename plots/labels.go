package plots

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Label is a text annotation anchored at a data point.
type Label struct {
	X, Y     float64 // anchor, data coordinates
	Text     string
	Color    color.Color // nil = ink
	Bold     bool
	Priority int // higher is placed first; ties keep insertion order
	// Sides restricts the candidate positions (nil = all, above first).
	Sides []Side
}

// Side is a label position relative to its anchor.
type Side int

// Label positions, tried in this order by default.
const (
	Above Side = iota
	AboveRight
	AboveLeft
	Right
	Left
	Below
	BelowRight
	BelowLeft
	Above2 // one line higher, with a leader line
	Below2
	Center
)

var defaultSides = []Side{Above, AboveRight, AboveLeft, Right, Left, Below, BelowRight, BelowLeft, Above2, Below2}

// Obstacle is an area labels must not cover: a box of half-size R points
// around a data point.
type Obstacle struct {
	X, Y float64
	R    vg.Length
}

// LabelLayer places labels so that none overlaps another, an obstacle or
// the edge of the data area: each label takes the first free candidate
// position; a label with no free position is dropped (and counted in a
// small note when Note is set). Add it to a plot last.
type LabelLayer struct {
	Labels    []Label
	Obstacles []Obstacle
	Note      bool
}

const labelPad = vg.Length(1.5)

// placed is a label given its box.
type placed struct {
	lb     Label
	st     draw.TextStyle
	r      vg.Rectangle
	leader bool
	ax, ay vg.Length
}

// Plot implements plot.Plotter.
func (l *LabelLayer) Plot(c draw.Canvas, p *plot.Plot) {
	ps, dropped := l.place(c, p, nil)
	var note func()
	if l.Note && dropped > 0 {
		// Reserve a corner for the note (the one costing the fewest
		// labels), then place the labels again around it.
		st := textStyle(Sans, sizeLabel-0.5, subtitleGrey)
		w, h := st.Width(hiddenNote(dropped+9))+2*labelPad, st.Height("Hg")+2*labelPad
		best := -1
		for _, r := range corners(c.Rectangle, w, h) {
			ps2, n := l.place(c, p, &r)
			if best < 0 || n < best {
				best, ps = n, ps2
				r := r
				note = nil
				if n > 0 {
					note = func() { drawLabel(c, st, r, hiddenNote(n)) }
				}
			}
		}
	}
	defer func() {
		if note != nil {
			note()
		}
	}()
	for _, q := range ps {
		if q.leader {
			ly := q.r.Min.Y
			if q.ay > q.r.Max.Y {
				ly = q.r.Max.Y
			}
			c.StrokeLine2(draw.LineStyle{Color: ColorInkLight, Width: 0.4}, q.ax, q.ay, q.ax, ly)
		}
		drawLabel(c, q.st, q.r, q.lb.Text)
	}
}

func hiddenNote(n int) string {
	if n == 1 {
		return "1 label hidden to avoid overlap"
	}
	return fmt.Sprintf("%d labels hidden to avoid overlap", n)
}

// corners lists w×h boxes in the data area's corners, bottom right first.
func corners(r vg.Rectangle, w, h vg.Length) []vg.Rectangle {
	box := func(x, y vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
	}
	return []vg.Rectangle{
		box(r.Max.X-w-2, r.Min.Y+2), box(r.Max.X-w-2, r.Max.Y-h-2),
		box(r.Min.X+2, r.Min.Y+2), box(r.Min.X+2, r.Max.Y-h-2),
	}
}

// place gives each label the first free candidate box, in priority order,
// keeping clear of obstacles, earlier labels and reserved.
func (l *LabelLayer) place(c draw.Canvas, p *plot.Plot, reserved *vg.Rectangle) ([]placed, int) {
	trX, trY := p.Transforms(&c)
	var taken []vg.Rectangle
	if reserved != nil {
		taken = append(taken, *reserved)
	}
	for _, o := range l.Obstacles {
		x, y := trX(o.X), trY(o.Y)
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: x - o.R, Y: y - o.R}, Max: vg.Point{X: x + o.R, Y: y + o.R}})
	}
	order := make([]int, len(l.Labels))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return l.Labels[order[i]].Priority > l.Labels[order[j]].Priority })
	var out []placed
	dropped := 0
	for _, i := range order {
		lb := l.Labels[i]
		st := labelStyle(c, lb)
		w, h := st.Width(lb.Text)+2*labelPad, st.Height(lb.Text)+2*labelPad
		ax, ay := trX(lb.X), trY(lb.Y)
		if !c.Contains(vg.Point{X: ax, Y: ay}) {
			continue
		}
		sides := lb.Sides
		if sides == nil {
			sides = defaultSides
		}
		ok := false
		for _, s := range sides {
			r := candidate(s, ax, ay, w, h)
			if !inside(c.Rectangle, r) || overlapsAny(r, taken) {
				continue
			}
			taken = append(taken, r)
			out = append(out, placed{lb: lb, st: st, r: r, leader: s == Above2 || s == Below2, ax: ax, ay: ay})
			ok = true
			break
		}
		if !ok {
			dropped++
		}
	}
	return out, dropped
}

func labelStyle(c draw.Canvas, lb Label) draw.TextStyle {
	f := Sans
	if lb.Bold {
		f = boldFace(c)
	}
	clr := lb.Color
	if clr == nil {
		clr = ColorInk
	}
	st := textStyle(f, sizeLabel, clr)
	return st
}

// drawLabel draws txt on a translucent white plate filling r.
func drawLabel(c draw.Canvas, st draw.TextStyle, r vg.Rectangle, txt string) {
	c.FillPolygon(labelPlate, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	st.XAlign, st.YAlign = draw.XLeft, draw.YBottom
	c.FillText(st, vg.Point{X: r.Min.X + labelPad, Y: r.Min.Y + labelPad + st.FontExtents().Descent*0.3}, txt)
}

var labelPlate = color.NRGBA{R: 255, G: 255, B: 255, A: 215}

// candidate returns the box of a w×h label at side s of anchor (ax, ay).
func candidate(s Side, ax, ay, w, h vg.Length) vg.Rectangle {
	const gap = 3
	var x, y vg.Length // bottom-left corner
	switch s {
	case Above:
		x, y = ax-w/2, ay+gap
	case AboveRight:
		x, y = ax+gap, ay+gap
	case AboveLeft:
		x, y = ax-gap-w, ay+gap
	case Right:
		x, y = ax+gap+2, ay-h/2
	case Left:
		x, y = ax-gap-2-w, ay-h/2
	case Below:
		x, y = ax-w/2, ay-gap-h
	case BelowRight:
		x, y = ax+gap, ay-gap-h
	case BelowLeft:
		x, y = ax-gap-w, ay-gap-h
	case Above2:
		x, y = ax-w/2, ay+gap+h+2
	case Below2:
		x, y = ax-w/2, ay-gap-2*h-2
	case Center:
		x, y = ax-w/2, ay-h/2
	}
	return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
}

func inside(outer, r vg.Rectangle) bool {
	return r.Min.X >= outer.Min.X && r.Max.X <= outer.Max.X && r.Min.Y >= outer.Min.Y && r.Max.Y <= outer.Max.Y
}

func overlapsAny(r vg.Rectangle, rs []vg.Rectangle) bool {
	for _, o := range rs {
		if r.Min.X < o.Max.X && o.Min.X < r.Max.X && r.Min.Y < o.Max.Y && o.Min.Y < r.Max.Y {
			return true
		}
	}
	return false
}

// Note is a plotter that writes a message in the middle of the data area,
// e.g. "no redeliveries in this run", or in its top-left corner (TopLeft)
// when the middle may hold data.
type Note struct {
	Text    string
	TopLeft bool
}

// Plot implements plot.Plotter.
func (n Note) Plot(c draw.Canvas, _ *plot.Plot) {
	if n.Text == "" {
		return
	}
	st := textStyle(Sans, sizeAxis, subtitleGrey)
	st.Font = font.From(Sans, sizeAxis)
	lines := wrap(st, n.Text, (c.Max.X-c.Min.X)*0.9)
	var h vg.Length
	var w vg.Length
	for _, ln := range lines {
		h += st.Height(ln)
		w = max(w, st.Width(ln))
	}
	ctr := c.Center()
	if n.TopLeft {
		ctr = vg.Point{X: c.Min.X + w/2 + 12, Y: c.Max.Y - h/2 - 10}
	}
	r := vg.Rectangle{Min: vg.Point{X: ctr.X - w/2 - 6, Y: ctr.Y - h/2 - 4}, Max: vg.Point{X: ctr.X + w/2 + 6, Y: ctr.Y + h/2 + 4}}
	c.FillPolygon(labelPlate, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	st.XAlign, st.YAlign = draw.XCenter, draw.YTop
	y := ctr.Y + h/2
	for _, ln := range lines {
		c.FillText(st, vg.Point{X: ctr.X, Y: y}, ln)
		y -= st.Height(ln)
	}
}
