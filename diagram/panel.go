package diagram

import (
	"image/color"

	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/sim/death"
)

// panelDraw lays out and draws one panel: lane heads along the top, time
// flowing down, one arrow per publish and per send.
type panelDraw struct {
	pv  *panelView
	win timeWindow

	x0, width vg.Length   // the panel's left edge and width
	cols      []vg.Length // lane centres, absolute
	headW     []vg.Length
	top       vg.Length // the panel's top (its title)
	headTop   vg.Length
	headH     vg.Length
	timeTop   vg.Length // y of win.From
	bottom    vg.Length // y of win.To
	height    vg.Length // total, from top

	sendY    []vg.Length      // y of each pv.Sends arrow (nudged apart)
	under    []func(*painter) // grid lines, drawn first
	shapes   []func(*painter)
	labels   []placedLabel
	features map[string]bool // legend entries this panel uses
	// bandKinds are the death kinds of the zombie bands drawn, in order.
	bandKinds []death.Kind
	pl        *placer
}

// placedLabel is a label with its final top-left corner.
type placedLabel struct {
	sty   textStyle
	lines []string
	at    vg.Point
	align float64 // 0 left, 0.5 centre, 1 right: within the block's width
	w     vg.Length
	bg    bool
}

// halo is the label's ink box: from the cap height of the first line to
// the descent of the last.
func (l placedLabel) halo() rect {
	lh := l.sty.lineHeight()
	gap := lh - l.sty.ascent() - l.sty.descent()
	return rect{l.at.X - 1.5, l.at.Y + gap/2 + 1, l.at.X + l.w + 1.5, l.at.Y + lh*vg.Length(len(l.lines)) - gap/2 - 0.5}
}

// newPanelDraw measures the panel: lane spacing follows the labels that
// must fit between lanes.
func newPanelDraw(pv *panelView, win timeWindow) *panelDraw {
	pd := &panelDraw{pv: pv, win: win, features: map[string]bool{}}
	n := len(pv.Lanes)
	pd.headW = make([]vg.Length, n)
	for i, l := range pv.Lanes {
		pd.headW[i] = max(styHead.width(l.Name), styRole.width(l.Role)) + 2*headPad
	}
	// What must fit right of each lane.
	side := make([]vg.Length, n)
	var pubLabel, redeliverLabel vg.Length
	for _, mv := range pv.Msgs {
		pubLabel = max(pubLabel, styLabel.width(mv.Label))
	}
	for _, g := range pd.redeliveryGroups() {
		redeliverLabel = max(redeliverLabel, styLabel.width(g.text))
	}
	for _, d := range pv.Dones {
		if i := pv.lane(laneMember, d.Member); i >= 0 {
			side[i] = max(side[i], styDone.width(doneText(d, false))+barHalf+10)
			if len(d.After) > 0 {
				w, _ := styLate.box(lateLines(d))
				side[i] = max(side[i], w+13+6)
			}
		}
	}
	pd.skipSide(side)
	for _, d := range pv.Deaths {
		if i := pv.lane(laneMember, d.Member); i >= 0 {
			dl := pd.deathTexts(d)
			for _, ls := range [][]string{dl.death, dl.band, dl.removal} {
				for _, l := range ls {
					side[i] = max(side[i], styNote.width(l)+bandHalf+14)
				}
			}
		}
	}
	gaps := make([]vg.Length, max(n-1, 0))
	for i := 0; i+1 < n; i++ {
		g := max(laneGapMin, (pd.headW[i]+pd.headW[i+1])/2+14, side[i]+24)
		a, b := pv.Lanes[i], pv.Lanes[i+1]
		switch {
		case a.Kind == lanePublisher && b.Kind == laneChannel:
			g = max(g, pubLabel+2*14+arrowHead)
		case a.Kind == laneChannel && b.Kind == laneMember:
			g = max(g, redeliverLabel+2*12+arrowHead)
		}
		gaps[i] = g
	}
	if n == 0 {
		pd.width = axisW + styNote.width(emptyNote) + 20
	} else {
		x := axisW + pd.headW[0]/2 + 4
		for i := range n {
			pd.cols = append(pd.cols, x)
			if i < len(gaps) {
				x += gaps[i]
			}
		}
		pd.width = x + max(pd.headW[n-1]/2+8, side[n-1]+12)
	}
	// Vertical: title, heads, time.
	h := vg.Length(0)
	if pv.Title != "" {
		h += styPanel.lineHeight() + 10
	}
	pd.headTop = h
	pd.headH = styHead.lineHeight() + styRole.lineHeight() + 2*headPad - 4
	pd.timeTop = pd.headTop + pd.headH + 8
	pd.bottom = pd.timeTop + win.height()
	pd.height = pd.bottom + 12
	if rows := pd.orderRows(); len(rows) > 0 {
		pd.height += vg.Length(len(rows)) * (styNote.lineHeight() + 8)
	}
	return pd
}

// at moves the measured panel to (x0, top) on the figure.
func (pd *panelDraw) at(x0, top vg.Length) {
	pd.x0, pd.top = x0, top
	for i := range pd.cols {
		pd.cols[i] += x0
	}
	pd.headTop += top
	pd.timeTop += top
	pd.bottom += top
}

func (pd *panelDraw) y(t int64) vg.Length { return pd.timeTop + pd.win.offset(t) }

// clampY keeps y within the drawn window.
func (pd *panelDraw) clampY(t int64) vg.Length {
	return min(max(pd.y(t), pd.timeTop), pd.bottom)
}

// emptyNote stands in for a panel whose history holds no actor.
const emptyNote = "nothing was recorded in this run"

// build lays out every shape and label of the panel.
func (pd *panelDraw) build() {
	pd.pl = &placer{bounds: rect{pd.x0 + axisW - 6, pd.top, pd.x0 + pd.width, pd.bottom + 6}}
	if len(pd.cols) == 0 {
		pd.label(styNote, []string{emptyNote}, 0, vg.Point{X: pd.x0 + axisW, Y: pd.timeTop + 10})
		return
	}
	pd.arrowYs()
	pd.grid()
	pd.bands()
	pd.lifelines()
	pd.heads()
	pd.processing()
	pd.arrows()
	pd.doneMarks()
	pd.skipMarks()
	pd.deathMarks()
	pd.axis()
	pd.orderFooter()
	// Labels, most important first.
	pd.deathNotes()
	pd.publishLabels()
	pd.redeliveryLabels()
	pd.skipLabels()
	pd.doneLabels()
}

func (pd *panelDraw) add(f func(*painter)) { pd.shapes = append(pd.shapes, f) }

func (pd *panelDraw) draw(p *painter) {
	if pd.pv.Title != "" {
		col := color.Color(colInk)
		if len(pd.pv.Deaths) > 0 {
			col = deathColor(pd.pv.Deaths[0].Kind)
		}
		sty := styPanel
		sty.Color = col
		p.text(sty, pd.x0+axisW-6, pd.top, 0, pd.pv.Title)
	}
	for _, f := range pd.under {
		f(p)
	}
	// A white halo under every label keeps grid lines out of the text;
	// shapes drawn later (bands are translucent) still show.
	for _, l := range pd.labels {
		if !l.bg {
			p.rect(colWhite, l.halo())
		}
	}
	for _, f := range pd.shapes {
		f(p)
	}
	for _, l := range pd.labels {
		if l.bg {
			r := rect{l.at.X - 2, l.at.Y - 1, l.at.X + l.w + 2, l.at.Y + l.sty.lineHeight()*vg.Length(len(l.lines)) + 1}
			p.rect(color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xE0}, r)
		}
		for i, line := range l.lines {
			x := l.at.X + vg.Length(l.align)*(l.w-l.sty.width(line))
			p.text(l.sty, x, l.at.Y+l.sty.lineHeight()*vg.Length(i), 0, line)
		}
	}
}

// label places a block of lines at the first free candidate.
func (pd *panelDraw) label(sty textStyle, lines []string, align float64, cands ...vg.Point) {
	w, h := sty.box(lines)
	at, clear := pd.pl.place(w, h, cands)
	pd.labels = append(pd.labels, placedLabel{sty: sty, lines: lines, at: at, align: align, w: w, bg: !clear})
}

// arrowYs gives each send its y, nudging arrows that would lie on top of
// one another: first deliveries keep their time, redelivered and inferred
// copies move down until they are minArrowSep clear.
func (pd *panelDraw) arrowYs() {
	pv := pd.pv
	pd.sendY = make([]vg.Length, len(pv.Sends))
	var fixed []vg.Length
	for i, s := range pv.Sends {
		pd.sendY[i] = pd.y(s.T)
		if !s.Redelivered && !s.Inferred {
			fixed = append(fixed, pd.sendY[i])
		}
	}
	for i, s := range pv.Sends {
		if !s.Redelivered && !s.Inferred {
			continue
		}
		y0 := pd.sendY[i]
		y := y0
		for range 50 {
			moved := false
			for _, f := range fixed {
				if y > f-minArrowSep && y < f+minArrowSep {
					y = f + minArrowSep
					moved = true
				}
			}
			if !moved {
				break
			}
		}
		if y-y0 > 3*minArrowSep {
			y = y0 // too crowded to help: keep the true time
		}
		pd.sendY[i] = y
		fixed = append(fixed, y)
	}
}
