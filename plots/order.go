package plots

import (
	"fmt"
	"iter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/nearsort"
	"github.com/stansim/stansim/sim/analyze"
)

// Order draws done rank against publish order: in-order messages sit on
// the diagonal; messages done from a redelivery and messages done out of
// order (after a newer version of their key: a per-key version inversion)
// are highlighted, with a line to the newer version done before them when
// there are few. Deliveries a version-check member skipped are marked at
// their message's publish rank, between the done ranks around the skip. A
// second panel shows the displacement (done rank minus publish rank). Above
// DenseThreshold points the scatter is rasterised.
func Order(a *analyze.Analysis, opt Options) (*Figure, error) {
	ps := orderPoints(a)
	pts := ps.pts
	inOrder := PointClass{Color: ColorGraceful, Radius: 1.6}
	late := PointClass{Color: ColorOutOfOrder, Radius: 3.2}
	redo := PointClass{Color: ColorAckWait, Radius: 4.4, Ring: true}
	dense := len(pts) > DenseThreshold
	if dense {
		inOrder.Radius, late.Radius, redo.Radius = 0.6, 2, 3.2
	}
	nLate, nRedo := 0, 0
	for _, q := range pts {
		if q.late() {
			nLate++
		}
		if q.redelivered() {
			nRedo++
		}
	}
	// Drawn from the points themselves: a dense run has one per message.
	// The displacement panel draws the same points (Minus).
	inOrder.Points, inOrder.N = ps.xy(func(q orderPoint) bool { return !q.late() }), len(pts)-nLate
	late.Points, late.N = ps.xy(orderPoint.late), nLate
	redo.Points, redo.N = ps.xy(orderPoint.redelivered), nRedo
	lo, hi := 0.0, 0.0
	for at, q := range ps.all() {
		d := float64(q.rank()) - float64(at.x)
		lo, hi = min(lo, d), max(hi, d)
	}
	dInOrder, dLate, dRedo := inOrder, late, redo
	dInOrder.Minus, dLate.Minus, dRedo.Minus = true, true, true
	n := float64(max(len(pts), 1))

	top := newPanel("", "done rank (order of first done)")
	top.Add(grid(true, true))
	diagLine, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 1}, {X: n, Y: n}})
	diagLine.LineStyle = draw.LineStyle{Color: ColorInkLight, Width: 0.8, Dashes: []vg.Length{4, 3}}
	top.Add(diagLine)
	links := inversionLinks(a, ps)
	top.Add(links)
	top.Add(Scatter{Classes: []PointClass{inOrder, late, redo}, Cache: &RasterCache{}})
	skips := orderSkips(a, ps)
	top.Add(skips.top)
	top.Add(Ranger{XMin: 0, XMax: n*1.02 + 1, YMin: 0, YMax: n*1.03 + 1})
	labels := &LabelLayer{Note: true}
	if nLate > 0 && nLate <= 40 {
		for at, m := range ps.walk(a) {
			if q := ps.at(at); q.late() {
				labels.Labels = append(labels.Labels, Label{X: float64(at.x), Y: float64(q.rank()), Text: msgLabel(m), Color: ColorOutOfOrder,
					Priority: 10, Sides: []Side{Left, AboveLeft, BelowLeft, Above, Above2}})
			}
		}
	}
	labels.Labels = append(labels.Labels, skips.labels...)
	top.Add(labels)
	if len(pts) == 0 {
		top.Add(Note{Text: "no messages done in this run"})
	} else if a.Summary.OutOfOrder.Inversions == 0 {
		top.Add(Note{Text: "every key was done in version order", TopLeft: true})
	}

	bottom := newPanel("publish order (rank by server sequence)", "displacement (ranks)")
	bottom.Add(grid(true, true))
	zero, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: n + 1, Y: 0}})
	zero.LineStyle = draw.LineStyle{Color: ColorInkLight, Width: 0.8, Dashes: []vg.Length{4, 3}}
	bottom.Add(zero)
	bottom.Add(Scatter{Classes: []PointClass{dInOrder, dLate, dRedo}, Cache: &RasterCache{}})
	bottom.Add(skips.bottom)
	for _, mk := range skips.bottom {
		lo, hi = min(lo, mk.Y), max(hi, mk.Y)
	}
	pad := max(hi-lo, 4) * 0.12
	bottom.Add(Ranger{XMin: 0, XMax: n*1.02 + 1, YMin: min(lo, -2) - pad, YMax: max(hi, 2) + pad})
	top.X.Tick.Marker, bottom.X.Tick.Marker = niceTicks{N: 10}, niceTicks{N: 10}
	top.Y.Tick.Marker, bottom.Y.Tick.Marker = niceTicks{N: 6}, niceTicks{N: 4}

	o := a.Summary.OutOfOrder
	sub := fmt.Sprintf("%d messages done, by server sequence. Out of order: %d per-key inversions over %d keys, max displacement %d (per key).",
		len(pts), o.Inversions, o.KeysAffected, o.MaxDisplacement)
	if len(a.Groups()) > 1 {
		sub += " Ranks are per queue group."
	}
	if nRedo > 0 {
		sub += fmt.Sprintf(" %d done from a redelivery.", nRedo)
	} else {
		sub += " No redeliveries in this run."
	}
	sub += orderSkipText(a, skips.missing)
	if d := a.Summary.Duplicates; d > 0 {
		sub += fmt.Sprintf(" %d messages done more than once (each drawn at its first done).", d)
	}
	if dense {
		sub += " Points rasterised."
	}
	legend := []LegendEntry{
		{Label: "in order", Thumb: glyphThumb{Style: draw.GlyphStyle{Color: inOrder.Color, Radius: 2.5, Shape: draw.CircleGlyph{}}}},
	}
	if nRedo > 0 {
		legend = append(legend, LegendEntry{Label: "done from a redelivery", Thumb: glyphThumb{Style: draw.GlyphStyle{Color: redo.Color, Radius: 4.4, Shape: ringGlyph{Width: 1.2}}}})
	}
	if nLate > 0 {
		legend = append(legend, LegendEntry{Label: "done after a newer version of its key", Thumb: glyphThumb{Style: draw.GlyphStyle{Color: late.Color, Radius: 3.4, Shape: draw.CircleGlyph{}}}})
	}
	if len(skips.top) > 0 {
		legend = append(legend, LegendEntry{Label: skipLegend, Thumb: glyphThumb{Style: skipStyle}})
	}
	if links != nil {
		legend = append(legend, LegendEntry{Label: "to the newer version done first", Thumb: lineThumb{Style: linkStyle}})
	}
	legend = append(legend, LegendEntry{Label: "diagonal: done in publish order", Thumb: lineThumb{Style: diagLine.LineStyle}})
	return &Figure{
		Chart:      "order",
		Title:      scenarioTitle(a, "order") + fmt.Sprintf(": %d inversions", o.Inversions),
		Subtitle:   withRunNote(a, sub),
		Rows:       [][]*plot.Plot{{top}, {bottom}},
		RowWeights: []float64{2.4, 1},
		Legend:     legend,
		Width:      10 * vg.Inch,
		Height:     7.5 * vg.Inch,
	}, nil
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// orderPoint is one message's first done in one group: its done rank
// (1-based, per group) and two flags in 4 bytes, as a large run has one
// per message and group. Its group and publish rank are where it sits in
// its orderPointSet; its message is the one walk meets there.
type orderPoint uint32

const (
	pointLate        orderPoint = 1 << 31 // done after a newer version of its key
	pointRedelivered orderPoint = 1 << 30 // done from a redelivery
	pointRank                   = pointRedelivered - 1
)

func (q orderPoint) rank() int32       { return int32(q & pointRank) }
func (q orderPoint) late() bool        { return q&pointLate != 0 }
func (q orderPoint) redelivered() bool { return q&pointRedelivered != 0 }

// orderPointSet is the order chart's points: each group's in publish rank
// order, one group after another.
type orderPointSet struct {
	pts    []orderPoint
	groups []string // groupsOf's list
	start  []int    // group g's points are pts[start[g]:start[g+1]]
}

// pointAt is where a point sits: its group (an index in groups) and its
// publish rank there (1-based).
type pointAt struct {
	group int
	x     int32
}

// all yields every point with where it sits.
func (s orderPointSet) all() iter.Seq2[pointAt, orderPoint] {
	return func(yield func(pointAt, orderPoint) bool) {
		for g := range s.groups {
			for i := s.start[g]; i < s.start[g+1]; i++ {
				if !yield(pointAt{g, int32(i - s.start[g] + 1)}, s.pts[i]) {
					return
				}
			}
		}
	}
}

// at is the point that sits at at.
func (s orderPointSet) at(at pointAt) orderPoint { return s.pts[s.start[at.group]+int(at.x)-1] }

// walk yields where each point sits with its message (rebuilt as BySeq's:
// good for the step), in all's order. It walks the messages once a group.
func (s orderPointSet) walk(a *analyze.Analysis) iter.Seq2[pointAt, *analyze.Message] {
	return func(yield func(pointAt, *analyze.Message) bool) {
		for g, group := range s.groups {
			x := int32(0)
			for m := range a.BySeq() {
				if _, ok := firstDone(m, group); ok {
					x++
					if !yield(pointAt{g, x}, m) {
						return
					}
				}
			}
		}
	}
}

// firstDone returns a sequenced message's first done in group g: what the
// order chart draws a point for.
func firstDone(m *analyze.Message, g string) (*analyze.Done, bool) {
	if m.Seq == 0 {
		return nil, false
	}
	for i := range m.Dones {
		if m.Dones[i].Group == g {
			return &m.Dones[i], true
		}
	}
	return nil, false
}

// xy yields the (publish rank, done rank) of the points keep says to.
func (s orderPointSet) xy(keep func(orderPoint) bool) iter.Seq2[float64, float64] {
	return func(yield func(x, y float64) bool) {
		for at, q := range s.all() {
			if keep(q) && !yield(float64(at.x), float64(q.rank())) {
				return
			}
		}
	}
}

// orderPoints ranks, per group, each message's first done against its
// server sequence.
func orderPoints(a *analyze.Analysis) orderPointSet { return orderPointsFrom(a, rankWindow) }

// orderPointsFrom is orderPoints trying window w first (tests start small).
func orderPointsFrom(a *analyze.Analysis, w0 int) orderPointSet {
	groups := groupsOf(a)
	set := orderPointSet{groups: groups, start: make([]int, 1, len(groups)+1)}
	set.pts = make([]orderPoint, 0, a.NumMessages()*len(groups)) // presized: a large run has a point per message
	for _, g := range groups {
		for w := w0; ; w *= 2 {
			if set.rankGroup(a, g, w) {
				break
			}
		}
		set.start = append(set.start, len(set.pts))
	}
	return set
}

// rankWindow is the first window rankGroup tries: more than the ranks a
// message done early usually gains (about what a dead member held, or
// max_inflight). A history that needs more costs a walk per doubling.
const rankWindow = 4096

// doneKey is a point's place in done order: its first done's time, then
// its publish rank (unique in a group, so the order is total).
type doneKey struct {
	t int64
	x int32
}

func (k doneKey) before(o doneKey) bool { return k.t < o.t || k.t == o.t && k.x < o.x }

// rankGroup appends group g's points in publish rank order and ranks them
// by done order, sorting the walk with a nearsort.Sorter of window w: no
// list of every point's time. False (the points taken back) when some
// point was done more than w ranks before its publish rank: the sorted
// output then comes out of order, which is how it is told.
func (s *orderPointSet) rankGroup(a *analyze.Analysis, g string, w int) bool {
	start := len(s.pts)
	sorter := nearsort.New(w, doneKey.before)
	rank, ok := int32(0), true
	var last doneKey
	place := func(k doneKey) {
		if rank > 0 && !last.before(k) {
			ok = false
		}
		rank++
		q := &s.pts[start+int(k.x)-1]
		*q, last = *q&^pointRank|orderPoint(rank), k
	}
	for m := range a.BySeq() {
		d, found := firstDone(m, g)
		if !found {
			continue
		}
		var q orderPoint
		if d.Late {
			q |= pointLate
		}
		if d.Delivery >= 0 && m.Deliveries[d.Delivery].Redelivered {
			q |= pointRedelivered
		}
		s.pts = append(s.pts, q)
		if k, out := sorter.Push(doneKey{d.T, int32(len(s.pts) - start)}); out {
			place(k)
		}
		if !ok {
			break
		}
	}
	for k, more := sorter.Pop(); more && ok; k, more = sorter.Pop() {
		place(k)
	}
	if !ok {
		s.pts = s.pts[:start]
	}
	return ok
}

// groupsOf lists the groups that finished messages, in order of first
// appearance (members first, then done lines).
func groupsOf(a *analyze.Analysis) []string {
	gs := a.Groups()
	for m := range a.All() {
		for _, d := range m.Dones {
			if !contains(gs, d.Group) {
				gs = append(gs, d.Group)
			}
		}
	}
	return gs
}

// doneLate reports whether the analysis marked a first done of m Late
// (done after a newer version of its key, in some group): the later half of
// a per-key version inversion. Unlike Analysis.Inversions it is not capped.
func doneLate(m *analyze.Message) bool {
	for _, d := range m.Dones {
		if d.Late {
			return true
		}
	}
	return false
}

var linkStyle = draw.LineStyle{Color: Alpha(ColorOutOfOrder, 170), Width: 0.7}

// inversionLinks joins each listed inversion's two points (late message
// to the newer version done before it) in the inversion's group, when
// there are few enough to read.
func inversionLinks(a *analyze.Analysis, ps orderPointSet) Segments {
	if len(a.Inversions) == 0 || len(a.Inversions) > 300 {
		return nil
	}
	type point struct {
		group uint32 // an index in orderPointSet.groups
		pos   int32  // Message.Pos
	}
	index := map[string]uint32{}
	for i, g := range ps.groups {
		index[g] = uint32(i)
	}
	// Only the listed messages' points: at most 600 of them.
	at := make(map[point][2]float64, 2*len(a.Inversions))
	for _, iv := range a.Inversions {
		if g, ok := index[iv.Group]; ok {
			at[point{g, int32(iv.Late.Pos())}], at[point{g, int32(iv.Early.Pos())}] = [2]float64{}, [2]float64{}
		}
	}
	placed := make(map[point]bool, len(at))
	for pa, m := range ps.walk(a) {
		if k := (point{uint32(pa.group), int32(m.Pos())}); !placed[k] {
			if _, want := at[k]; want {
				at[k], placed[k] = [2]float64{float64(pa.x), float64(ps.at(pa).rank())}, true
			}
		}
	}
	var ss Segments
	for _, iv := range a.Inversions {
		g := index[iv.Group]
		late, early := point{g, int32(iv.Late.Pos())}, point{g, int32(iv.Early.Pos())}
		if placed[late] && placed[early] {
			ss = append(ss, Segment{From: at[late], To: at[early], Style: linkStyle})
		}
	}
	return ss
}
