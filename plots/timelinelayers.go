package plots

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// The timeline's layers: lanes, zombie windows, messages, faults, and its
// legend and subtitle.

var (
	laneUp   = draw.LineStyle{Color: ColorInkLight, Width: 1.4}
	laneDown = draw.LineStyle{Color: ColorInkLight, Width: 0.6, Dashes: []vg.Length{1, 2.5}}
)

// laneSegs draws each lane's line: solid while the actor is up.
func (tl *timeline) laneSegs() Segs {
	var ss Segs
	lo, hi := secs(tl.from), secs(tl.to)
	for _, y := range sortedYs(tl.pubY) {
		ss = append(ss, Seg{X0: lo, X1: hi, Y: y, Style: laneUp})
	}
	for _, y := range sortedYs(tl.chanY) {
		ss = append(ss, Seg{X0: lo, X1: hi, Y: y, Style: laneUp})
	}
	for _, mb := range tl.a.Members {
		y := tl.memberY[mb.Name]
		ss = append(ss, Seg{X0: lo, X1: hi, Y: y, Style: laneDown})
		for _, s := range mb.Spans {
			down := s.Down
			if down < 0 {
				down = tl.a.End
			}
			ss = append(ss, Seg{X0: secs(s.Up), X1: secs(down), Y: y, Style: laneUp})
		}
	}
	return ss
}

func sortedYs(m map[string]float64) []float64 {
	ys := make([]float64, 0, len(m))
	for _, y := range m {
		ys = append(ys, y)
	}
	sort.Float64s(ys)
	return ys
}

// zombies shades each death's zombie window on the member's lane (dead,
// still listed by the server).
func (tl *timeline) zombies() (Bands, []Label) {
	var bs Bands
	var ls []Label
	for _, d := range tl.a.Deaths {
		y, ok := tl.memberY[d.Member]
		if !ok {
			continue
		}
		end := d.Removed
		if end < 0 {
			end = max(tl.a.End, tl.to)
		}
		if end <= tl.from || d.T >= tl.to {
			continue
		}
		if d.Kind.CallsClose() && end-d.T < int64(100*time.Millisecond) {
			continue // dropped at once: nothing to shade
		}
		tl.seen["zombie"] = true
		// Clipped to the window: a band must not run past the axes.
		bs = append(bs, Band{X0: secs(max(d.T, tl.from)), X1: secs(min(end, tl.to)), Y0: y - 0.36, Y1: y + 0.36,
			Fill:    Alpha(ColorForced, 46),
			Outline: draw.LineStyle{Color: Alpha(ColorForced, 160), Width: 0.6, Dashes: []vg.Length{3, 2}}})
		mid := (secs(max(d.T, tl.from)) + secs(min(end, tl.to))) / 2
		ls = append(ls, Label{X: mid, Y: y - 0.2, Text: "zombie: server still lists " + d.Member, Color: ColorForced,
			Priority: 95, Sides: []Side{Center, Below, BelowRight, BelowLeft}})
	}
	return bs, ls
}

// backgroundTicks marks messages beyond the arrow cap as light ticks
// (publish on the publisher lane, deliveries on member lanes).
func (tl *timeline) backgroundTicks(ms []*analyze.Message) Ticks {
	t := Ticks{Half: 3, Style: draw.LineStyle{Color: Alpha(ColorInkLight, 150), Width: 0.5}}
	step := 1
	if len(ms) > maxBackground/2 {
		step = (len(ms) + maxBackground/2 - 1) / (maxBackground / 2)
	}
	for i := 0; i < len(ms); i += step {
		m := ms[i]
		if y, ok := tl.pubY[m.Pub]; ok && tl.in(m.PublishT) {
			t.XYs = append(t.XYs, [2]float64{secs(m.PublishT), y})
		}
		for _, d := range m.Deliveries {
			if y, ok := tl.memberY[d.Member]; ok && tl.in(d.T) {
				t.XYs = append(t.XYs, [2]float64{secs(d.T), y})
			}
		}
	}
	if len(t.XYs) > 0 {
		tl.seen["background"] = true
	}
	return t
}

var (
	doneStyle = draw.GlyphStyle{Color: ColorDone, Radius: 2.3, Shape: draw.CircleGlyph{}}
	ringStyle = draw.GlyphStyle{Color: ColorOutOfOrder, Radius: 4.6, Shape: ringGlyph{Width: 1.4}}
	redoDash  = []vg.Length{4, 2.5}
	lostStyle = draw.GlyphStyle{Color: ColorInk, Radius: 3, Shape: crossGlyph{}}
)

// messages draws, for each chosen message: the publish arrow, one arrow
// per delivery, a processing bar (to the done, the skip or the death), done
// dots and out-of-order rings.
func (tl *timeline) messages(ms []*analyze.Message) (Segs, Arrows, Arrows, Marks, Marks, []Label) {
	var procs Segs
	var arrows, redo Arrows
	var dots, rings Marks
	var labels []Label
	for _, m := range ms {
		srv := serverT(m)
		cy := tl.chanLane(m)
		if py, ok := tl.pubY[m.Pub]; ok && m.PublishT >= 0 {
			arrows = append(arrows, Arrow{X0: secs(m.PublishT), Y0: py, X1: secs(srv), Y1: cy, Color: ColorInkLight, Width: 0.7})
			tl.seen["publish"] = true
		}
		if m.Acked && len(m.Dones) == 0 && tl.in(srv) {
			dots = append(dots, Mark{X: secs(srv), Y: cy, Style: lostStyle})
			tl.seen["lost"] = true
		}
		labelled := false
		for k, d := range m.Deliveries {
			y, ok := tl.memberY[d.Member]
			if !ok {
				continue
			}
			a := Arrow{X0: secs(srv), Y0: cy, X1: secs(d.T), Y1: y, Color: ColorDeliver, Width: 0.8}
			if k > 0 {
				// A later copy: from when the server last sent it.
				a.X0 = secs(m.Deliveries[k-1].T)
			}
			if d.Redelivered {
				a.Color, a.Dashes, a.Width = CauseColor(d.Cause), redoDash, 1.4
				tl.seen["redeliver-"+d.Cause] = true
				if !labelled && tl.in(d.T) {
					labels = append(labels, Label{X: secs(d.T), Y: y, Text: msgLabel(m), Color: CauseColor(d.Cause),
						Priority: 50, Sides: []Side{AboveRight, AboveLeft, Above, Above2, BelowRight, BelowLeft}})
					labelled = true
				}
				redo = append(redo, a)
			} else {
				tl.seen["deliver"] = true
				arrows = append(arrows, a)
			}
			end := int64(-1)
			if d.Done >= 0 {
				end = m.Dones[d.Done].T
			} else if d.Skip >= 0 {
				end = m.Skips[d.Skip].T
			} else if t := tl.diedHolding(m, d); t >= 0 {
				end = t
			}
			if end > d.T {
				procs = append(procs, Seg{X0: secs(d.T), X1: secs(end), Y: y, Style: draw.LineStyle{Color: Alpha(ColorDeliver, 110), Width: 4}})
			}
		}
		for _, dn := range m.Dones {
			y, ok := tl.memberY[dn.Member]
			if !ok {
				continue
			}
			dots = append(dots, Mark{X: secs(dn.T), Y: y, Style: doneStyle})
			tl.seen["done"] = true
			if dn.Late {
				rings = append(rings, Mark{X: secs(dn.T), Y: y, Style: ringStyle})
				tl.seen["late"] = true
				if !labelled && tl.in(dn.T) {
					labels = append(labels, Label{X: secs(dn.T), Y: y, Text: msgLabel(m) + " late", Color: ColorOutOfOrder,
						Priority: 40, Sides: []Side{BelowRight, BelowLeft, Below, Below2, AboveRight}})
					labelled = true
				}
			}
		}
	}
	return procs, arrows, redo, dots, rings, labels
}

// diedHolding is when the member of delivery dl died still holding m
// undone (the death lists m in Death.Held), or -1.
func (tl *timeline) diedHolding(m *analyze.Message, dl analyze.Delivery) int64 {
	for _, d := range tl.a.Deaths {
		if d.Member == dl.Member && d.T >= dl.T && slices.Contains(d.Held, m) {
			return d.T
		}
	}
	return -1
}

// faults marks deaths, the server's removal of a dead member and restarts.
func (tl *timeline) faults() (Marks, []Label, []Obstacle) {
	var ms Marks
	var ls []Label
	var obs []Obstacle
	top := []Side{Above, AboveRight, AboveLeft, Above2}
	for _, d := range tl.a.Deaths {
		y, ok := tl.memberY[d.Member]
		if !ok {
			continue
		}
		if tl.in(d.T) {
			ms = append(ms, Mark{X: secs(d.T), Y: y, Style: deathGlyph(d.Kind, false)})
			ls = append(ls, Label{X: secs(d.T), Y: y + 0.12, Text: d.Info().Label, Color: DeathColor(d.Kind), Bold: true, Priority: 100, Sides: top})
			tl.seen[deathKey(d.Kind)] = true
			obs = append(obs, Obstacle{X: secs(d.T), Y: y, R: 5})
		}
		if !d.Kind.CallsClose() && d.Removed >= 0 && tl.in(d.Removed) {
			ms = append(ms, Mark{X: secs(d.Removed), Y: y, Style: draw.GlyphStyle{Color: ColorForced, Radius: 8, Shape: barGlyph{}}})
			ls = append(ls, Label{X: secs(d.Removed), Y: y + 0.12, Text: "server drops it (+" + fmtSecs(secs(d.Removed-d.T)) + ")",
				Color: ColorForced, Priority: 90, Sides: []Side{AboveRight, AboveLeft, Above, Above2}})
			obs = append(obs, Obstacle{X: secs(d.Removed), Y: y, R: 4})
		}
		if d.Restart >= 0 && tl.in(d.Restart) {
			ms = append(ms, Mark{X: secs(d.Restart), Y: y, Style: draw.GlyphStyle{Color: ColorDone, Radius: 4.5, Shape: draw.PyramidGlyph{}}})
			back := comeback(tl.a, d)
			ls = append(ls, Label{X: secs(d.Restart), Y: y + 0.12, Text: back, Color: ColorDone, Bold: true, Priority: 85, Sides: top})
			obs = append(obs, Obstacle{X: secs(d.Restart), Y: y, R: 5})
			tl.seen[back] = true
		}
	}
	return ms, ls, obs
}

func (tl *timeline) legend() []LegendEntry {
	var es []LegendEntry
	add := func(key, label string, th plot.Thumbnailer) {
		if tl.seen[key] {
			es = append(es, LegendEntry{Label: label, Thumb: th})
		}
	}
	add("publish", "publish", lineThumb{Style: draw.LineStyle{Color: ColorInkLight, Width: 0.8}, Arrow: true})
	add("deliver", "delivery", lineThumb{Style: draw.LineStyle{Color: ColorDeliver, Width: 1}, Arrow: true})
	for _, c := range []string{analyze.CauseClose, analyze.CauseRemoval, analyze.CauseAckWait} {
		add("redeliver-"+c, "redelivery: "+causeText(c), lineThumb{Style: draw.LineStyle{Color: CauseColor(c), Width: 1.4, Dashes: redoDash}, Arrow: true})
	}
	add("done", "processing, done", multiThumb{
		lineThumb{Style: draw.LineStyle{Color: Alpha(ColorDeliver, 110), Width: 4}},
		glyphThumb{Style: doneStyle}})
	add("late", "done out of order", multiThumb{glyphThumb{Style: doneStyle}, glyphThumb{Style: ringStyle}})
	add("skip", skipLegend, glyphThumb{Style: skipStyle})
	for _, k := range deathKinds(tl.a) {
		add(deathKey(k), k.Info().Label, glyphThumb{Style: deathGlyph(k, true)})
	}
	add("zombie", "zombie window (dead, still listed)", boxThumb{Fill: Alpha(ColorForced, 46), Outline: draw.LineStyle{Color: Alpha(ColorForced, 160), Width: 0.6, Dashes: []vg.Length{3, 2}}})
	for _, back := range []string{"restart", "resume"} {
		add(back, back, glyphThumb{Style: draw.GlyphStyle{Color: ColorDone, Radius: 4, Shape: draw.PyramidGlyph{}}})
	}
	add("lost", "never done (lost)", glyphThumb{Style: lostStyle})
	add("background", "other messages (ticks)", lineThumb{Style: draw.LineStyle{Color: ColorInkLight, Width: 0.5}})
	return es
}

// causeText describes a redelivery cause for legends.
func causeText(c string) string {
	switch c {
	case analyze.CauseClose:
		return "handed off on close"
	case analyze.CauseRemoval:
		return "handed off on removal"
	default:
		return "AckWait expired"
	}
}

func (tl *timeline) subtitle(arrows, background int) string {
	var parts []string
	w := fmt.Sprintf("Run time %s to %s", trimFloat(secs(tl.from), 2), fmtSecs(secs(tl.to)))
	if tl.a.End > 0 {
		w += " of " + fmtSecs(secs(tl.a.End))
	}
	n := arrows + background
	switch {
	case n == 0:
		w += ": no messages."
	case background > 0:
		w += fmt.Sprintf(": %d messages, %d drawn with arrows.", n, arrows)
	default:
		w += fmt.Sprintf(": %d messages.", n)
	}
	parts = append(parts, w)
	for i, d := range tl.a.Deaths {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more deaths.", len(tl.a.Deaths)-i))
			break
		}
		s := fmt.Sprintf("%s %s at %s", d.Member, d.Info().Verb, fmtSecs(secs(d.T)))
		if d.Removed >= 0 {
			s += fmt.Sprintf("; the server listed it %s more", fmtSecs(secs(d.Removed-d.T)))
		} else {
			s += "; the server still listed it at the end"
		}
		if p := d.Predicted; p != nil && !d.Kind.CallsClose() {
			s += fmt.Sprintf(" (predicted %s\u2013%s)", trimFloat(p.Min.Seconds(), 2), fmtSecs(p.Max.Seconds()))
		}
		parts = append(parts, s+".")
	}
	if tl.a.Summary.Redelivered == 0 {
		parts = append(parts, "No redeliveries in this run.")
	}
	if s := skipsSentence(tl.a.Summary.Skips); s != "" {
		parts = append(parts, s)
	}
	if n := tl.a.Summary.Lost; n > 0 {
		parts = append(parts, fmt.Sprintf("%d published messages never done.", n))
	}
	return strings.Join(parts, " ")
}

// deathKey is the legend key of a death kind's marker.
func deathKey(k death.Kind) string { return "death-" + string(k) }
