package diagram

import (
	"sort"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
)

// grid draws faint lines at the time ticks.
func (pd *panelDraw) grid() {
	x0, x1 := pd.cols[0]-pd.headW[0]/2, pd.cols[len(pd.cols)-1]+pd.headW[len(pd.cols)-1]/2
	for _, t := range pd.ticks() {
		y := pd.y(t)
		pd.under = append(pd.under, func(p *painter) {
			p.line(lineStyle(colGrid, 0.8), vg.Point{X: x0, Y: y}, vg.Point{X: x1, Y: y})
		})
	}
}

func (pd *panelDraw) ticks() []int64 {
	var ts []int64
	step := int64(pd.win.Step * 1e9)
	for t := int64(0); t <= pd.win.To; t += step {
		ts = append(ts, t)
	}
	return ts
}

// axis draws the time axis left of the lanes, pointing down.
func (pd *panelDraw) axis() {
	x := pd.x0 + axisW - 12
	top, bot := pd.y(0), pd.bottom
	pd.add(func(p *painter) {
		p.arrow(lineStyle(colGrey, 1.2), vg.Point{X: x, Y: top}, vg.Point{X: x, Y: bot}, 8)
	})
	for _, t := range pd.ticks() {
		y := pd.y(t)
		if y > bot-8 {
			continue
		}
		txt := trimSeconds(float64(t) / 1e9)
		pd.add(func(p *painter) {
			p.line(lineStyle(colGrey, 1.2), vg.Point{X: x - 4, Y: y}, vg.Point{X: x, Y: y})
			p.text(styAxis, x-7, y-styAxis.lineHeight()/2, 1, txt)
		})
	}
	mid := (top + bot) / 2
	pd.add(func(p *painter) {
		p.vtext(styAxis, pd.x0+8, mid, "time (s)")
	})
}

// heads draws the lane name boxes.
func (pd *panelDraw) heads() {
	for i, l := range pd.pv.Lanes {
		x, w := pd.cols[i], pd.headW[i]
		r := rect{x - w/2, pd.headTop, x + w/2, pd.headTop + pd.headH}
		pd.pl.block(r)
		pd.add(func(p *painter) {
			p.rect(colHead, r)
			p.rectOutline(lineStyle(colGrey, 1), r)
			p.text(styHead, x, r.y0+headPad-3, 0.5, l.Name)
			p.text(styRole, x, r.y0+headPad-3+styHead.lineHeight(), 0.5, l.Role)
		})
	}
}

// lifelines draws each lane's vertical line: dashed grey while alive,
// dotted in the death colour while a dead member is still listed.
func (pd *panelDraw) lifelines() {
	top := pd.headTop + pd.headH
	seg := func(x, y0, y1 vg.Length, sty draw.LineStyle) {
		if y1 <= y0 {
			return
		}
		pd.pl.block(rect{x - 1.5, y0, x + 1.5, y1})
		pd.add(func(p *painter) { p.line(sty, vg.Point{X: x, Y: y0}, vg.Point{X: x, Y: y1}) })
	}
	alive := lineStyle(colGrey, 1.1, dashLifeline...)
	for i, l := range pd.pv.Lanes {
		x := pd.cols[i]
		if l.Kind != laneMember {
			seg(x, top, pd.bottom, alive)
			continue
		}
		mb := pd.pv.A.Member(l.Name)
		if mb == nil {
			continue
		}
		from := top
		for si, sp := range mb.Spans {
			if si > 0 {
				from = pd.clampY(sp.Up)
			}
			to := pd.bottom
			var died *analyze.Death
			for _, d := range pd.pv.Deaths {
				if d.Member == l.Name && d.T >= sp.Up && (sp.Down < 0 || d.T <= sp.Down+int64(1e9)) {
					died = d
					break
				}
			}
			if died != nil {
				to = pd.clampY(died.T)
			}
			seg(x, from, to, alive)
			if died != nil && !died.Kind.CallsClose() {
				end := pd.bottom
				if died.Removed >= 0 {
					end = pd.clampY(died.Removed)
				}
				seg(x, to, end, lineStyle(deathColor(died.Kind), 1.4, listedDash(died.Kind)...))
			}
		}
	}
}

// bands shades each dead member's lane while the server still lists it.
func (pd *panelDraw) bands() {
	for _, d := range pd.pv.Deaths {
		i := pd.pv.lane(laneMember, d.Member)
		if i < 0 {
			continue
		}
		x := pd.cols[i]
		y0 := pd.clampY(d.T)
		y1 := pd.bottom
		if d.Removed >= 0 {
			y1 = pd.clampY(d.Removed)
		}
		if y1-y0 < 4 {
			continue // a graceful close: dropped at once (the label says so)
		}
		pd.features["zombie"] = true
		pd.bandKinds = append(pd.bandKinds, d.Kind)
		c := zombieFill(d.Kind)
		edge := deathColor(d.Kind)
		r := rect{x - bandHalf, y0, x + bandHalf, y1}
		open := d.Removed < 0 || pd.y(d.Removed) > pd.bottom || y1-y0 < 6
		pd.add(func(p *painter) {
			p.rect(c, r)
			if !open {
				p.line(lineStyle(edge, 2.5), vg.Point{X: r.x0 - 3, Y: r.y1}, vg.Point{X: r.x1 + 3, Y: r.y1})
			}
		})
	}
}

// processing draws each member's processing bars.
func (pd *panelDraw) processing() {
	for _, b := range pd.pv.Bars {
		i := pd.pv.lane(laneMember, b.Member)
		if i < 0 {
			continue
		}
		x := pd.cols[i]
		y0, y1 := pd.clampY(b.From), pd.clampY(b.To)
		if y1-y0 < 2 {
			y1 = y0 + 2
		}
		r := rect{x - barHalf, y0, x + barHalf, y1}
		pd.pl.block(r)
		pd.features["processing"] = true
		if b.Cut {
			pd.features["cut"] = true
			pd.add(func(p *painter) { cutBar(p, r) })
			continue
		}
		pd.add(func(p *painter) { doneBar(p, r) })
	}
}

// publishes calls fn for every drawable publish with the x of its
// publisher and channel columns and its y.
func (pd *panelDraw) publishes(fn func(mv *msgView, pub, ch, y vg.Length)) {
	pv := pd.pv
	for _, mv := range pv.Msgs {
		if mv.M.PublishT < 0 {
			continue
		}
		pi, ci := pv.lane(lanePublisher, mv.M.Pub), pv.lane(laneChannel, mv.M.Channel)
		if pi < 0 || ci < 0 {
			continue
		}
		fn(mv, pd.cols[pi], pd.cols[ci], pd.y(mv.M.PublishT))
	}
}

// arrows draws publishes (publisher -> channel) and sends (channel ->
// member): first deliveries solid, redelivered copies dashed in their
// cause's colour, sends to a dead member dotted and crossed out.
func (pd *panelDraw) arrows() {
	pv := pd.pv
	pd.publishes(func(_ *msgView, pub, ch vg.Length, y vg.Length) {
		a, b := vg.Point{X: pub, Y: y}, vg.Point{X: ch - 1, Y: y}
		pd.pl.block(rect{a.X, y - 1.2, b.X, y + 1.2})
		pd.features["publish"] = true
		pd.add(func(p *painter) { p.arrow(lineStyle(colGrey, 1.6), a, b, arrowHead) })
	})
	// Draw first deliveries, then inferred, then redeliveries on top.
	order := make([]int, len(pv.Sends))
	for i := range order {
		order[i] = i
	}
	rank := func(s send) int {
		switch {
		case s.Inferred:
			return 1
		case s.Redelivered:
			return 2
		}
		return 0
	}
	sort.SliceStable(order, func(i, j int) bool { return rank(pv.Sends[order[i]]) < rank(pv.Sends[order[j]]) })
	for _, i := range order {
		s := pv.Sends[i]
		ci, mi := pv.lane(laneChannel, s.Msg.M.Channel), pv.lane(laneMember, s.Member)
		if ci < 0 || mi < 0 {
			continue
		}
		y := pd.sendY[i]
		if y < pd.timeTop || y > pd.bottom {
			continue
		}
		dir := vg.Length(1)
		if pd.cols[mi] < pd.cols[ci] {
			dir = -1
		}
		a := vg.Point{X: pd.cols[ci], Y: y}
		b := vg.Point{X: pd.cols[mi] - dir*(barHalf+1), Y: y}
		pd.pl.block(rect{min(a.X, b.X), y - 1.2, max(a.X, b.X), y + 1.2})
		switch {
		case s.Inferred:
			pd.features["inferred"] = true
			b.X = pd.cols[mi]
			pd.add(func(p *painter) {
				p.line(lineStyle(colDeliver, 2, dashInferred...), a, vg.Point{X: b.X - dir*7, Y: y})
				p.cross(b, 5, lineStyle(colForced, 2.2))
			})
		case s.Redelivered:
			pd.features["redeliver-"+s.Cause] = true
			c := causeColor(s.Cause)
			pd.add(func(p *painter) { p.arrow(lineStyle(c, 2.4, dashRedeliver...), a, b, arrowHead+1) })
		default:
			pd.features["deliver"] = true
			pd.add(func(p *painter) { p.arrow(lineStyle(colDeliver, 1.9), a, b, arrowHead) })
		}
	}
}

// doneMarks draws a dot at each done, ringed when it came out of order.
func (pd *panelDraw) doneMarks() {
	for _, d := range pd.pv.Dones {
		i := pd.pv.lane(laneMember, d.Member)
		if i < 0 || d.T > pd.win.To {
			continue
		}
		c := vg.Point{X: pd.cols[i], Y: pd.y(d.T)}
		pd.features["done"] = true
		late := len(d.After) > 0
		r := vg.Length(5.5)
		if late {
			pd.features["late"] = true
			r = 9
		}
		pd.pl.block(rect{c.X - r, c.Y - r, c.X + r, c.Y + r})
		pd.add(func(p *painter) {
			if late {
				p.circle(c, 9, colWhite, lineStyle(colLate, 2.6))
			}
			p.circle(c, 5, colDone, lineStyle(colWhite, 1))
		})
	}
}

// deathMarks draws an X at each death.
func (pd *panelDraw) deathMarks() {
	for _, d := range pd.pv.Deaths {
		i := pd.pv.lane(laneMember, d.Member)
		if i < 0 {
			continue
		}
		c := vg.Point{X: pd.cols[i], Y: pd.clampY(d.T)}
		pd.features["death-"+string(d.Kind)] = true
		pd.pl.block(rect{c.X - 10, c.Y - 10, c.X + 10, c.Y + 10})
		col := deathColor(d.Kind)
		pd.add(func(p *painter) {
			p.cross(c, 8, lineStyle(col, 3.6))
		})
		if d.Restart >= 0 && d.Restart <= pd.win.To {
			pd.pl.block(rect{c.X - 7, pd.y(d.Restart) - 7, c.X + 7, pd.y(d.Restart) + 7})
			r := vg.Point{X: c.X, Y: pd.y(d.Restart)}
			pd.features["restart"] = true
			pd.add(func(p *painter) {
				p.circle(r, 6, colWhite, lineStyle(colDone, 2.4))
			})
		}
	}
}
