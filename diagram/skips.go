package diagram

import (
	"fmt"
	"sort"

	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/sim/analyze"
)

// This file draws the version check's skips: a member got a version that
// was not its key's next (analyze.Skip), neither applied nor acked it, and
// the server sent it again after AckWait. A skip is a slashed ring on the
// member's lane at the end of its processing bar, labelled
// "v7 skipped (had v5)".

// skipView is one skip line as the diagram names it.
type skipView struct {
	Member string
	T      int64
	Msg    *msgView
	Skip   analyze.Skip
}

// styleSkip labels a skip: bold ink, beside the mark.
var styleSkip = textStyle{Size: 11.5, Bold: true, Color: colInk}

// skipR is the radius of a skip mark.
const skipR vg.Length = 6.5

// skips lists every skip line, in time order.
func (pv *panelView) skips() {
	for _, mv := range pv.Msgs {
		for _, sk := range mv.M.Skips {
			pv.Skips = append(pv.Skips, skipView{Member: sk.Member, T: sk.T, Msg: mv, Skip: sk})
		}
	}
	sort.SliceStable(pv.Skips, func(i, j int) bool { return pv.Skips[i].T < pv.Skips[j].T })
}

// hadText is what the group had applied of the key when it skipped: "v5",
// or "nothing" before its first version.
func hadText(have int) string {
	if have == 0 {
		return "nothing"
	}
	return fmt.Sprintf("v%d", have)
}

// skipLabel is a skip's label and Mermaid note: "v7 skipped (had v5)".
func skipLabel(s skipView) string {
	return fmt.Sprintf("%s skipped (had %s)", s.Msg.Short, hadText(s.Skip.Have))
}

// skipSide widens the room right of each member lane for its skip labels.
func (pd *panelDraw) skipSide(side []vg.Length) {
	for _, s := range pd.pv.Skips {
		if i := pd.pv.lane(laneMember, s.Member); i >= 0 {
			side[i] = max(side[i], styleSkip.width(skipLabel(s))+skipR+10)
		}
	}
}

// skipMarks draws a slashed ring at each skip.
func (pd *panelDraw) skipMarks() {
	for _, s := range pd.pv.Skips {
		i := pd.pv.lane(laneMember, s.Member)
		if i < 0 || s.T > pd.win.To {
			continue
		}
		c := vg.Point{X: pd.cols[i], Y: pd.y(s.T)}
		pd.features["skip"] = true
		pd.pl.block(rect{c.X - skipR - 1, c.Y - skipR - 1, c.X + skipR + 1, c.Y + skipR + 1})
		pd.add(func(p *painter) { skipGlyph(p, c, skipR) })
	}
}

// skipGlyph is a white ring crossed by a rising slash, in ink: "not applied".
func skipGlyph(p *painter, c vg.Point, r vg.Length) {
	sty := lineStyle(colInk, 2.2)
	p.circle(c, r, colWhite, sty)
	d := r * 0.7071
	p.line(sty, vg.Point{X: c.X - d, Y: c.Y + d}, vg.Point{X: c.X + d, Y: c.Y - d})
}

// skipLabels labels each skip beside its mark.
func (pd *panelDraw) skipLabels() {
	lh := styleSkip.lineHeight()
	for _, s := range pd.pv.Skips {
		i := pd.pv.lane(laneMember, s.Member)
		if i < 0 || s.T > pd.win.To {
			continue
		}
		lines := []string{skipLabel(s)}
		w, h := styleSkip.box(lines)
		x, y := pd.cols[i], pd.y(s.T)
		r, l := x+skipR+6, x-skipR-6-w
		top := y - h/2 - 1
		pd.label(styleSkip, lines, 0,
			vg.Point{X: r, Y: top}, vg.Point{X: l, Y: top},
			vg.Point{X: r, Y: top + lh*0.6}, vg.Point{X: l, Y: top + lh*0.6},
			vg.Point{X: r, Y: top - lh*0.6}, vg.Point{X: l, Y: top - lh*0.6},
		)
	}
}

// skipThumb is the legend's skip mark.
func skipThumb(p *painter, x, y vg.Length) { skipGlyph(p, vg.Point{X: x + thumbW/2, Y: y}, 6) }

// mermaidSkips adds a note per skip: "v7 skipped (had v5), not applied,
// not acked".
func mermaidSkips(pv *panelView, ids map[string]string, add func(t int64, rank int, format string, args ...any)) {
	for _, s := range pv.Skips {
		add(s.T, 2, "Note over %s: %s", ids[s.Member], mermaidText(skipLabel(s)+", not applied, not acked"))
	}
}
