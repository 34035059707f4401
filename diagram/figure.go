package diagram

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/death"
)

// Figure is a laid-out diagram: a title, one or two panels side by side,
// a legend and a caption. Build it with NewFigure and write it with Render.
type Figure struct {
	Title   string
	Caption string
	W, H    vg.Length

	panels  []*panelDraw
	legend  []legendEntry
	titleLn []string
	capLn   []string
	legendY vg.Length
	legRows [][]legendEntry
	capY    vg.Length
}

// newFigure lays out the panels on one canvas with a shared time scale.
func newFigure(title, caption string, pvs []*panelView) *Figure {
	f := &Figure{Title: title, Caption: caption}
	win := newWindow(pvs)
	for _, pv := range pvs {
		f.panels = append(f.panels, newPanelDraw(pv, win))
	}
	// Width: the panels side by side, at least wide enough for the title.
	w := 2 * margin
	for i, pd := range f.panels {
		if i > 0 {
			w += panelGap
		}
		w += pd.width
	}
	w = max(w, 560)
	f.W = w
	inner := w - 2*margin
	f.titleLn = wrap(styTitle, title, inner)
	y := margin + styTitle.lineHeight()*vg.Length(len(f.titleLn)) + 10
	x := margin
	panelsH := vg.Length(0)
	for i, pd := range f.panels {
		if i > 0 {
			x += panelGap
		}
		pd.at(x, y)
		x += pd.width
		panelsH = max(panelsH, pd.height)
	}
	// Centre the panels when the title made the figure wider.
	if extra := (w - 2*margin) - (x - margin); extra > 1 {
		for _, pd := range f.panels {
			pd.shift(extra / 2)
		}
	}
	for _, pd := range f.panels {
		pd.build()
	}
	y += panelsH + 6
	// Legend: the entries some panel uses, in a fixed order.
	used := map[string]bool{}
	for _, pd := range f.panels {
		for k := range pd.features {
			used[k] = true
		}
	}
	var kinds, bands []death.Kind
	for _, pd := range f.panels {
		for _, d := range pd.pv.Deaths {
			kinds = append(kinds, d.Kind)
		}
		bands = append(bands, pd.bandKinds...)
	}
	f.legend = legend(used, death.Sorted(kinds), death.Sorted(bands))
	f.legRows = legendRows(f.legend, inner)
	f.legendY = y + 4
	y = f.legendY + legendRowH()*vg.Length(len(f.legRows)) + 10
	f.capLn = wrap(styCaption, caption, inner)
	f.capY = y
	y += styCaption.lineHeight() * vg.Length(len(f.capLn))
	f.H = y + margin
	return f
}

// shift moves a placed panel right by dx before it is built.
func (pd *panelDraw) shift(dx vg.Length) {
	pd.x0 += dx
	for i := range pd.cols {
		pd.cols[i] += dx
	}
}

// draw paints the figure on c.
func (f *Figure) draw(c draw.Canvas, pdf bool) {
	p := &painter{c: c, h: f.H, pdf: pdf}
	p.rect(colWhite, rect{0, 0, f.W, f.H})
	for i, l := range f.titleLn {
		p.text(styTitle, f.W/2, margin+styTitle.lineHeight()*vg.Length(i), 0.5, l)
	}
	for i, pd := range f.panels {
		if i > 0 {
			x := pd.x0 - panelGap/2
			p.line(lineStyle(colGrid, 1.5), vg.Point{X: x, Y: pd.top}, vg.Point{X: x, Y: pd.top + pd.height})
		}
		pd.draw(p)
	}
	// Legend rows, centred, above the caption, with a rule between.
	p.line(lineStyle(colGrid, 1), vg.Point{X: margin, Y: f.legendY - 4}, vg.Point{X: f.W - margin, Y: f.legendY - 4})
	for ri, row := range f.legRows {
		rw := rowWidth(row)
		x := (f.W - rw) / 2
		y := f.legendY + legendRowH()*vg.Length(ri) + legendRowH()/2
		for _, e := range row {
			e.thumb(p, x, y)
			p.text(styLegend, x+thumbW+6, y-styLegend.lineHeight()/2, 0, e.label)
			x += entryWidth(e) + legendGap
		}
	}
	for i, l := range f.capLn {
		p.text(styCaption, margin, f.capY+styCaption.lineHeight()*vg.Length(i), 0, l)
	}
}

// legendEntry is one legend item: a small picture and its text.
type legendEntry struct {
	key   string
	label string
	thumb func(p *painter, x, y vg.Length) // (x, y): left end, vertical centre
}

const (
	thumbW    vg.Length = 30
	legendGap vg.Length = 20
)

func legendRowH() vg.Length { return styLegend.lineHeight() + 7 }

func entryWidth(e legendEntry) vg.Length { return thumbW + 6 + styLegend.width(e.label) }

func rowWidth(row []legendEntry) vg.Length {
	w := vg.Length(0)
	for i, e := range row {
		if i > 0 {
			w += legendGap
		}
		w += entryWidth(e)
	}
	return w
}

func legendRows(es []legendEntry, width vg.Length) [][]legendEntry {
	var rows [][]legendEntry
	var cur []legendEntry
	for _, e := range es {
		if len(cur) > 0 && rowWidth(append(cur[:len(cur):len(cur)], e)) > width {
			rows = append(rows, cur)
			cur = nil
		}
		cur = append(cur, e)
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

func arrowThumb(c color.Color, w vg.Length, dashes ...vg.Length) func(p *painter, x, y vg.Length) {
	return func(p *painter, x, y vg.Length) {
		p.arrow(lineStyle(c, w, dashes...), vg.Point{X: x, Y: y}, vg.Point{X: x + thumbW, Y: y}, 9)
	}
}

func crossThumb(c color.Color) func(p *painter, x, y vg.Length) {
	return func(p *painter, x, y vg.Length) {
		p.cross(vg.Point{X: x + thumbW/2, Y: y}, 6, lineStyle(c, 3))
	}
}

// keyDeaths stands in legendEntries for one entry per death kind drawn.
const keyDeaths = "deaths"

// legend lists the entries the figure uses, in display order: one cross per
// death kind drawn (in the death table's order and words), and the zombie
// band shaded as a band of listedKind.
func legend(used map[string]bool, kinds, bands []death.Kind) []legendEntry {
	var out []legendEntry
	for _, e := range legendEntries {
		switch {
		case e.key == keyDeaths:
			for _, k := range kinds {
				if used["death-"+string(k)] {
					out = append(out, legendEntry{key: "death-" + string(k), label: markText(k), thumb: crossThumb(deathColor(k))})
				}
			}
		case !used[e.key]:
		case e.key == "zombie" && len(bands) > 0:
			e.thumb = bandThumb(zombieFill(listedKind(bands)))
			out = append(out, e)
		case e.thumb != nil:
			out = append(out, e)
		}
	}
	return out
}

// listedKind is the band kind the legend shows: the first death without
// Close() (the one a band is about), else the first.
func listedKind(bands []death.Kind) death.Kind {
	for _, k := range bands {
		if !k.CallsClose() {
			return k
		}
	}
	return bands[0]
}

func bandThumb(c color.Color) func(p *painter, x, y vg.Length) {
	return func(p *painter, x, y vg.Length) {
		p.rect(c, rect{x + thumbW/2 - bandHalf, y - 8, x + thumbW/2 + bandHalf, y + 8})
	}
}

// legendEntries are every possible entry, in display order.
var legendEntries = []legendEntry{
	{key: "publish", label: "publish", thumb: arrowThumb(colGrey, 1.6)},
	{key: "deliver", label: "delivery", thumb: arrowThumb(colDeliver, 1.9)},
	{key: "processing", label: "processing", thumb: func(p *painter, x, y vg.Length) {
		doneBar(p, rect{x + thumbW/2 - barHalf, y - 8, x + thumbW/2 + barHalf, y + 8})
	}},
	{key: "done", label: "done (acked)", thumb: func(p *painter, x, y vg.Length) {
		p.circle(vg.Point{X: x + thumbW/2, Y: y}, 5, colDone, lineStyle(colWhite, 1))
	}},
	{key: "late", label: "done out of order", thumb: func(p *painter, x, y vg.Length) {
		c := vg.Point{X: x + thumbW/2, Y: y}
		p.circle(c, 8, colWhite, lineStyle(colLate, 2.4))
		p.circle(c, 5, colDone, lineStyle(colWhite, 1))
	}},
	{key: "skip", label: "skipped (version check): not applied, not acked", thumb: skipThumb},
	{key: keyDeaths},
	{key: "cut", label: "processing cut short", thumb: func(p *painter, x, y vg.Length) {
		cutBar(p, rect{x + thumbW/2 - barHalf, y - 8, x + thumbW/2 + barHalf, y + 8})
	}},
	{key: "zombie", label: "still listed by the server"}, // thumb: see legend
	{key: "inferred", label: "sent to the dead member (unseen)", thumb: func(p *painter, x, y vg.Length) {
		p.line(lineStyle(colDeliver, 2, dashInferred...), vg.Point{X: x, Y: y}, vg.Point{X: x + thumbW - 11, Y: y})
		p.cross(vg.Point{X: x + thumbW - 5, Y: y}, 4.5, lineStyle(colForced, 2.2))
	}},
	{key: "redeliver-close", label: "redelivered: handed over at Close()", thumb: arrowThumb(colGraceful, 2.4, dashRedeliver...)},
	{key: "redeliver-removal", label: "redelivered: handed over at removal", thumb: arrowThumb(colForced, 2.4, dashRedeliver...)},
	{key: "redeliver-ackwait", label: "redelivered: AckWait expired", thumb: arrowThumb(colAckWait, 2.4, dashRedeliver...)},
	{key: "restart", label: "restarted", thumb: func(p *painter, x, y vg.Length) {
		p.circle(vg.Point{X: x + thumbW/2, Y: y}, 6, colWhite, lineStyle(colDone, 2.4))
	}},
}

// fmtSeconds formats a run time: "1.10 s".
func fmtSeconds(ns int64) string { return fmtSecs(float64(ns) / 1e9) }

// fmtDur formats a duration like a time, or in milliseconds under 0.1 s:
// "1.42 s", "20 ms".
func fmtDur(ns int64) string {
	if ns < 100e6 {
		return fmt.Sprintf("%d ms", max((ns+500e3)/1e6, 1))
	}
	return fmtSecs(float64(ns) / 1e9)
}

func fmtSecs(s float64) string {
	switch a := math.Abs(s); {
	case a < 10:
		return strconv.FormatFloat(s, 'f', 2, 64) + " s"
	case a < 100:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	}
	return strconv.FormatFloat(s, 'f', 0, 64) + " s"
}

// trimSeconds formats a tick: "0", "0.5", "1", "1.25".
func trimSeconds(s float64) string {
	t := strconv.FormatFloat(s, 'f', 2, 64)
	t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	if t == "" || t == "-0" {
		return "0"
	}
	return t
}
