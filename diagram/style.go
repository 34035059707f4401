package diagram

import (
	"image/color"

	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/sim/death"
)

// Colours: the charts' Okabe-Ito palette and its roles (plots.Palette), so
// a colour means the same thing in a diagram and in a chart.
var (
	colInk      = plots.ColorInk
	colGrey     = plots.ColorInkLight
	colGrid     = plots.ColorGrid
	colDeliver  = plots.ColorDeliver
	colDone     = plots.ColorDone
	colGraceful = plots.ColorGraceful
	colForced   = plots.ColorForced
	colAckWait  = plots.ColorAckWait
	colLate     = plots.ColorOutOfOrder
	colWhite    = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	colSubtle   = color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xFF}
	colHead     = color.NRGBA{R: 0xF2, G: 0xF2, B: 0xF2, A: 0xFF}
	colBar      = plots.Alpha(plots.ColorDeliver, 0x60)
)

// Text styles, in points. The figure is meant for slides: a two-panel
// figure is about 1000 pt wide, so 12 pt labels stay readable when it is
// shown full width.
var (
	styTitle   = textStyle{Size: 19, Bold: true, Color: colInk}
	styPanel   = textStyle{Size: 14.5, Bold: true, Color: colInk}
	styHead    = textStyle{Size: 13.5, Bold: true, Color: colInk}
	styRole    = textStyle{Size: 10.5, Color: colSubtle}
	styLabel   = textStyle{Size: 12, Color: colInk}
	styDone    = textStyle{Size: 11.5, Color: colSubtle}
	styLate    = textStyle{Size: 11.5, Bold: true, Color: colLate}
	styNote    = textStyle{Size: 11.5, Color: colInk}
	styAxis    = textStyle{Size: 11, Color: colSubtle}
	styLegend  = textStyle{Size: 12, Color: colInk}
	styCaption = textStyle{Size: 13, Color: colInk}
)

// Geometry, in points.
const (
	margin      vg.Length = 18  // around the figure
	axisW       vg.Length = 54  // time axis and its labels, left of a panel's lanes
	barHalf     vg.Length = 5   // half the width of a processing bar
	bandHalf    vg.Length = 15  // half the width of a zombie band
	headPad     vg.Length = 7   // inside a lane head box
	arrowHead   vg.Length = 10  // arrow head length
	minArrowSep vg.Length = 6   // arrows into one lane closer than this are nudged apart
	panelGap    vg.Length = 34  // between two panels
	laneGapMin  vg.Length = 100 // between lane centres
	maxTimeH    vg.Length = 640 // the time axis never gets longer than this
	minScale              = 100.0
)

// causeColor is the colour of a redelivery cause, as in the charts.
func causeColor(cause string) color.Color { return plots.CauseColor(cause) }

// deathColor is the colour of a death kind: its role's colour, as in the
// charts (plots.DeathColor).
func deathColor(kind death.Kind) color.Color { return plots.DeathColor(kind) }

// zombieFill shades a dead member's lane while the server still lists it.
func zombieFill(kind death.Kind) color.Color { return plots.Alpha(plots.DeathColor(kind), 0x38) }

// listedDash is the dash pattern of a dead member's lifeline while the
// server still lists it: dotted for a vanished connection, dashed for a
// frozen member (its colour role tells them apart, as in the charts).
func listedDash(kind death.Kind) []vg.Length {
	if death.Of(kind).Role == death.RoleHang {
		return dashFrozen
	}
	return dashListed
}

var (
	dashListed    = []vg.Length{1.5, 3}
	dashFrozen    = []vg.Length{5, 3}
	dashRedeliver = []vg.Length{7, 4}
	dashInferred  = []vg.Length{2, 3}
	dashLifeline  = []vg.Length{4, 4}
)

// doneBar draws a processing bar that ended in a done.
func doneBar(p *painter, r rect) {
	p.rect(colWhite, r)
	p.rect(colBar, r)
	p.rectOutline(lineStyle(colDeliver, 0.9), r)
}

// cutBar draws processing that the member's death (or the end of the run)
// cut short: hollow, dashed.
func cutBar(p *painter, r rect) {
	p.rect(colWhite, r)
	p.rectOutline(lineStyle(colGrey, 1.1, 2.5, 2), r)
}
