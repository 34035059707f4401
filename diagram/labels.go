package diagram

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/sim/analyze"
)

// deathLabels are the texts beside a dead member's lane.
type deathLabels struct {
	death, band, removal []string
}

// deathTexts are the notes beside a dead member's lane: the death (in the
// death table's words), then, for a member that did not call Close(), how
// long the server still listed it and when it removed it.
func (pd *panelDraw) deathTexts(d *analyze.Death) deathLabels {
	var dl deathLabels
	dl.death = []string{markText(d.Kind), "at " + fmtSeconds(d.T)}
	switch {
	case d.Kind.CallsClose():
		if d.Removed >= 0 {
			dl.death = append(dl.death, fmt.Sprintf("dropped within %s", fmtDur(d.Removed-d.T)))
		}
	case d.Removed < 0:
		dl.band = []string{"still listed by the server", "until the run ended (" + fmtSeconds(pd.pv.End) + ")"}
	default:
		dl.band = []string{"still listed by the server", "for " + fmtDur(d.Removed-d.T)}
		dl.removal = []string{"removed at " + fmtSeconds(d.Removed), "(" + removalReason(d, pd.pv.A.Settings) + ")"}
	}
	if d.Restart >= 0 {
		dl.removal = append(dl.removal, pd.pv.backLabel(d))
	}
	return dl
}

// deathNotes places the notes beside each dead member: the death at its
// X, the zombie window beside the band, the removal at its end.
func (pd *panelDraw) deathNotes() {
	for _, d := range pd.pv.Deaths {
		i := pd.pv.lane(laneMember, d.Member)
		if i < 0 {
			continue
		}
		dl := pd.deathTexts(d)
		x := pd.cols[i] + bandHalf + 8
		lh := styNote.lineHeight()
		yd := pd.clampY(d.T)
		head := styNote
		head.Bold = true
		head.Color = deathColor(d.Kind)
		pd.deathLabel(head, dl.death, x, yd-lh*0.9, lh)
		if len(dl.band) > 0 {
			y1 := pd.bottom
			if d.Removed >= 0 {
				y1 = pd.clampY(d.Removed)
			}
			sty := styNote
			sty.Color = deathColor(d.Kind)
			pd.deathLabel(sty, dl.band, x, (yd+y1)/2-lh, lh)
		}
		if len(dl.removal) > 0 {
			y := pd.bottom
			if d.Removed >= 0 {
				y = pd.clampY(d.Removed)
			}
			pd.deathLabel(styNote, dl.removal, x, y-lh*0.5, lh)
		}
	}
}

// deathLabel tries the spot beside the mark, then nearby rows.
func (pd *panelDraw) deathLabel(sty textStyle, lines []string, x, y, lh vg.Length) {
	var cands []vg.Point
	for _, dy := range []float64{0, 0.5, -0.5, 1, -1, 1.5, -1.5, 2, -2, 3, -3} {
		cands = append(cands, vg.Point{X: x, Y: y + vg.Length(dy)*lh})
	}
	pd.label(sty, lines, 0, cands...)
}

// publishLabels puts "#seq key vN" above each publish arrow.
func (pd *panelDraw) publishLabels() {
	lh := styLabel.lineHeight()
	pd.publishes(func(mv *msgView, pub, ch, y vg.Length) {
		w := styLabel.width(mv.Label)
		cx := (pub + ch) / 2
		x := cx - w/2 - arrowHead/2
		pd.label(styLabel, []string{mv.Label}, 0,
			vg.Point{X: x, Y: y - lh - 1},
			vg.Point{X: x, Y: y + 1.5},
			vg.Point{X: x, Y: y - lh - 3},
			vg.Point{X: x, Y: y + 4},
		)
	})
}

// redeliveryGroup is one label for redelivered copies that reach one
// member at (almost) the same time for the same reason.
type redeliveryGroup struct {
	sends []int // indexes into pv.Sends
	text  string
}

func (pd *panelDraw) redeliveryGroups() []redeliveryGroup {
	pv := pd.pv
	var gs []redeliveryGroup
	for i, s := range pv.Sends {
		if !s.Redelivered || s.Inferred {
			continue
		}
		if n := len(gs); n > 0 {
			last := pv.Sends[gs[n-1].sends[0]]
			if last.Member == s.Member && last.Cause == s.Cause && s.T-last.T < int64(60e6) {
				gs[n-1].sends = append(gs[n-1].sends, i)
				continue
			}
		}
		gs = append(gs, redeliveryGroup{sends: []int{i}})
	}
	for gi := range gs {
		g := &gs[gi]
		if len(g.sends) == 1 {
			g.text = pv.Sends[g.sends[0]].Msg.Label + " redelivered"
			continue
		}
		var ids []string
		for _, i := range g.sends {
			ids = append(ids, pv.Sends[i].Msg.idOrShort())
		}
		g.text = strings.Join(ids, ", ") + " redelivered"
	}
	return gs
}

func (mv *msgView) idOrShort() string {
	if mv.Seq > 0 {
		return fmt.Sprintf("#%d", mv.Seq)
	}
	return mv.M.ID
}

// redeliveryLabels labels redelivered copies just right of the channel.
func (pd *panelDraw) redeliveryLabels() {
	pv := pd.pv
	lh := styLabel.lineHeight()
	for _, g := range pd.redeliveryGroups() {
		s := pv.Sends[g.sends[0]]
		ci := pv.lane(laneChannel, s.Msg.M.Channel)
		if ci < 0 {
			continue
		}
		y := pd.sendY[g.sends[0]]
		yl := pd.sendY[g.sends[len(g.sends)-1]]
		if y > pd.bottom {
			continue
		}
		x := pd.cols[ci] + 10
		sty := styLabel
		sty.Color = darker(causeColor(s.Cause))
		w := sty.width(g.text)
		xr := x
		if mi := pv.lane(laneMember, s.Member); mi >= 0 && pd.cols[mi] > pd.cols[ci] {
			xr = max(x, pd.cols[mi]-barHalf-arrowHead-4-w)
		}
		cands := []vg.Point{
			{X: x, Y: y - lh - 2},
			{X: x, Y: yl + 2},
			{X: xr, Y: y - lh - 2},
			{X: xr, Y: yl + 2},
		}
		if mi := pv.lane(laneMember, s.Member); mi >= 0 {
			// Beyond the arrow head, right of the receiving lane.
			xb := pd.cols[mi] + barHalf + 7
			cands = append(cands, vg.Point{X: xb, Y: (y+yl)/2 - lh/2}, vg.Point{X: xb, Y: yl + 2}, vg.Point{X: xb, Y: y - lh - 2})
		}
		pd.label(sty, []string{g.text}, 0, cands...)
	}
}

// darker returns a text-safe shade of a palette colour (orange and sky
// blue are too light for text on white).
func darker(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	f := func(v uint32) uint8 { return uint8(float64(v>>8) * 0.78) }
	return color.NRGBA{R: f(r), G: f(g), B: f(b), A: 0xFF}
}

func doneText(d doneView, withAfter bool) string {
	s := d.Msg.Short + " done"
	if withAfter && len(d.After) > 0 {
		var vs []string
		for i, a := range d.After {
			if i == 3 && len(d.After) > 4 {
				vs = append(vs, fmt.Sprintf("... (%d newer)", len(d.After)))
				break
			}
			vs = append(vs, a.Short)
		}
		s += " after " + strings.Join(vs, ", ")
	}
	return s
}

// lateLines is an out-of-order done's label: "v6 done" over
// "after v7, v9, v10".
func lateLines(d doneView) []string {
	full := doneText(d, true)
	head := doneText(d, false)
	return []string{head, strings.TrimSpace(strings.TrimPrefix(full, head))}
}

// doneLabels labels each done beside its dot.
func (pd *panelDraw) doneLabels() {
	lh := styDone.lineHeight()
	// Out-of-order dones first: they carry the lesson.
	ds := append([]doneView(nil), pd.pv.Dones...)
	sort.SliceStable(ds, func(i, j int) bool { return len(ds[i].After) > 0 && len(ds[j].After) == 0 })
	for _, d := range ds {
		i := pd.pv.lane(laneMember, d.Member)
		if i < 0 || d.T > pd.win.To {
			continue
		}
		sty := styDone
		lines := []string{doneText(d, false)}
		if len(d.After) > 0 {
			sty = styLate
			lines = lateLines(d)
		}
		w, h := sty.box(lines)
		x, y := pd.cols[i], pd.y(d.T)
		r, l := x+barHalf+7, x-barHalf-7-w
		if len(d.After) > 0 {
			r, l = x+13, x-13-w
		}
		top := y - h/2 - 1
		pd.label(sty, lines, 0,
			vg.Point{X: r, Y: top}, vg.Point{X: l, Y: top},
			vg.Point{X: r, Y: top + lh*0.6}, vg.Point{X: l, Y: top + lh*0.6},
			vg.Point{X: r, Y: top - lh*0.6}, vg.Point{X: l, Y: top - lh*0.6},
			vg.Point{X: r, Y: top + lh*1.2}, vg.Point{X: l, Y: top + lh*1.2},
		)
	}
}
