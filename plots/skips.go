package plots

import (
	"fmt"
	"slices"
	"sort"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
)

// Skips: a version-check member that got a version which was not its key's
// next neither applied nor acked it (analyze.Skip); the server sent it again
// after AckWait. The order chart and the timeline mark each skip with the
// same glyph: a slashed ring in ink, "not applied".

// skipLegend is the legend entry of a skip mark.
const skipLegend = "skipped (version check)"

var skipStyle = draw.GlyphStyle{Color: ColorInk, Radius: 4.2, Shape: slashGlyph{Width: 1.3}}

// slashGlyph is a ring crossed by a rising diagonal (a skipped delivery).
type slashGlyph struct{ Width vg.Length }

// DrawGlyph implements draw.GlyphDrawer.
func (g slashGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	ringGlyph(g).DrawGlyph(c, sty, pt)
	d := sty.Radius * 0.7071
	c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: g.Width}, pt.X-d, pt.Y-d, pt.X+d, pt.Y+d)
}

// skipLabel names a skip with what its group had applied of the key then:
// "#7 tickets-k1@7 skipped (had v5)".
func skipLabel(m *analyze.Message, sk analyze.Skip) string {
	if sk.Have == 0 {
		return msgLabel(m) + " skipped (had none)"
	}
	return fmt.Sprintf("%s skipped (had v%d)", msgLabel(m), sk.Have)
}

// maxSkipLabels caps the order chart's skip labels.
const maxSkipLabels = 40

// orderSkipMarks are the order chart's skip marks and their labels.
type orderSkipMarks struct {
	top, bottom Marks // the rank panel's, the displacement panel's
	labels      []Label
	missing     int // skips of messages their group never finished
}

// orderSkips places each skip on the order chart: at its message's publish
// rank, and between the done ranks of its group's first dones before and
// after it (the skip happened when that many messages were done). A skip
// of a message its group never finished has no publish rank to be drawn
// at: it is counted in missing. Skips of one message at one place share a
// mark, labelled with their number when there are few.
func orderSkips(a *analyze.Analysis, ps orderPointSet) orderSkipMarks {
	var out orderSkipMarks
	if !hasSkips(a) {
		return out // no skips: no map of every point
	}
	type gm struct {
		g   string
		pos int32 // Message.Pos
	}
	at := make(map[gm]float64, len(ps.pts))
	for pa, m := range ps.walk(a) {
		at[gm{ps.groups[pa.group], int32(m.Pos())}] = float64(pa.x)
	}
	done := firstDoneTimes(a, ps.groups)
	count := map[[2]float64]int{}
	var first []Label
	for m := range a.All() {
		for _, sk := range m.Skips {
			x, ok := at[gm{sk.Group, int32(m.Pos())}]
			if !ok {
				out.missing++
				continue
			}
			// Above the points of the group done before the skip.
			ts := done[sk.Group]
			y := 0.5 + float64(sort.Search(len(ts), func(i int) bool { return ts[i] >= sk.T }))
			if count[[2]float64{x, y}]++; count[[2]float64{x, y}] > 1 {
				continue
			}
			out.top = append(out.top, Mark{X: x, Y: y, Style: skipStyle})
			out.bottom = append(out.bottom, Mark{X: x, Y: y - x, Style: skipStyle})
			first = append(first, Label{X: x, Y: y, Text: msgLabel(m) + " skipped", Color: ColorInk,
				Priority: 8, Sides: []Side{Right, BelowRight, Below, AboveRight, Below2}})
		}
	}
	if len(first) <= maxSkipLabels {
		for _, l := range first {
			if n := count[[2]float64{l.X, l.Y}]; n > 1 {
				l.Text += fmt.Sprintf(" \u00d7%d", n)
			}
			out.labels = append(out.labels, l)
		}
	}
	return out
}

// orderSkipText is the order chart's sentence about skips ("" without).
func orderSkipText(a *analyze.Analysis, missing int) string {
	s := skipsSentence(a.Summary.Skips)
	if s == "" {
		return ""
	}
	s = " " + s + " Each is marked at its message, between the dones before and after it."
	if missing > 0 {
		s += fmt.Sprintf(" %d not drawn: their message was never done in that group.", missing)
	}
	return s
}

// skipsSentence counts the run's skips for a subtitle ("" without).
func skipsSentence(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 delivery skipped by the version check (neither applied nor acked)."
	}
	return fmt.Sprintf("%d deliveries skipped by the version check (neither applied nor acked).", n)
}

// skips marks each skip of the chosen messages on its member's lane, with
// a label like the other marks.
func (tl *timeline) skips(ms []*analyze.Message) (Marks, []Label) {
	var marks Marks
	var labels []Label
	for _, m := range ms {
		for _, sk := range m.Skips {
			y, ok := tl.memberY[sk.Member]
			if !ok || !tl.in(sk.T) {
				continue
			}
			marks = append(marks, Mark{X: secs(sk.T), Y: y, Style: skipStyle})
			tl.seen["skip"] = true
			labels = append(labels, Label{X: secs(sk.T), Y: y, Text: skipLabel(m, sk), Color: ColorInk,
				Priority: 45, Sides: []Side{BelowRight, BelowLeft, Below, Below2, AboveRight, AboveLeft}})
		}
	}
	return marks, labels
}

// hasSkips reports whether any message has a skip.
func hasSkips(a *analyze.Analysis) bool {
	for m := range a.All() {
		if len(m.Skips) > 0 {
			return true
		}
	}
	return false
}

// firstDoneTimes is, per group, the sorted first done times of the
// messages the order chart draws a point for there (orderPoints: those
// with a server sequence).
func firstDoneTimes(a *analyze.Analysis, groups []string) map[string][]int64 {
	out := map[string][]int64{}
	for m := range a.All() {
		if m.Seq == 0 {
			continue
		}
		for _, g := range groups {
			if d := m.FirstDoneIn(g); d != nil {
				out[g] = append(out[g], d.T)
			}
		}
	}
	for _, ts := range out {
		slices.Sort(ts)
	}
	return out
}
