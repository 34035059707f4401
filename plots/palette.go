package plots

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// Swatch is one named palette colour.
type Swatch struct {
	Name string      // CSS-friendly name, e.g. "sky-blue"
	Hex  string      // "#56B4E9"
	RGB  color.NRGBA // opaque
}

// Palette is the Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2002),
// the only colours every chart uses, in their canonical order. Reports reuse
// it for CSS (see CSSVars). The roles below give each colour one meaning
// across all charts:
//
//	black          text, axes, "listed by the server", publish rate
//	orange         redelivery after AckWait expired (cause "ackwait"), p90
//	sky-blue       first delivery (server -> member), p50
//	bluish-green   done (processed and acked), members alive, restart
//	yellow         highlight halo (sparingly: poor contrast on white)
//	blue           a death that calls Close() (graceful, interrupt), redelivery
//	               handed off by a close (cause "close")
//	vermillion     a forced kill or a hang (dashed where they are drawn apart),
//	               zombie window, redelivery on removal (cause "removal")
//	reddish-purple out-of-order done (per-key version inversion), latency max
//
// Publish arrows and lanes use a neutral grey (ColorInkLight), not a palette colour.
var Palette = []Swatch{
	swatch("black", 0x00, 0x00, 0x00),
	swatch("orange", 0xE6, 0x9F, 0x00),
	swatch("sky-blue", 0x56, 0xB4, 0xE9),
	swatch("bluish-green", 0x00, 0x9E, 0x73),
	swatch("yellow", 0xF0, 0xE4, 0x42),
	swatch("blue", 0x00, 0x72, 0xB2),
	swatch("vermillion", 0xD5, 0x5E, 0x00),
	swatch("reddish-purple", 0xCC, 0x79, 0xA7),
}

func swatch(name string, r, g, b uint8) Swatch {
	return Swatch{Name: name, Hex: fmt.Sprintf("#%02X%02X%02X", r, g, b), RGB: color.NRGBA{R: r, G: g, B: b, A: 0xFF}}
}

// Colour roles (see Palette).
var (
	ColorInk        = Palette[0].RGB
	ColorAckWait    = Palette[1].RGB
	ColorDeliver    = Palette[2].RGB
	ColorDone       = Palette[3].RGB
	ColorHighlight  = Palette[4].RGB
	ColorGraceful   = Palette[5].RGB
	ColorForced     = Palette[6].RGB
	ColorOutOfOrder = Palette[7].RGB

	// ColorInkLight is the neutral grey of lanes, publish arrows and
	// background traffic.
	ColorInkLight = color.NRGBA{R: 0x8C, G: 0x8C, B: 0x8C, A: 0xFF}
	// ColorGrid is the faint grey of grid lines and lane separators.
	ColorGrid = color.NRGBA{R: 0xE4, G: 0xE4, B: 0xE4, A: 0xFF}
)

// CauseColor is the colour of a redelivery cause (analyze.Cause*).
func CauseColor(cause string) color.NRGBA {
	switch cause {
	case analyze.CauseClose:
		return ColorGraceful
	case analyze.CauseRemoval:
		return ColorForced
	default:
		return ColorAckWait
	}
}

// RoleColor is the colour of a death's colour role: blue for a Close(),
// vermillion for a vanished or frozen member.
func RoleColor(r death.Role) color.NRGBA {
	if r == death.RoleClose {
		return ColorGraceful
	}
	return ColorForced
}

// DeathColor is the colour of a death kind, from its role in the death
// table (an unknown kind gets the table's neutral row: vermillion).
func DeathColor(kind death.Kind) color.NRGBA { return RoleColor(death.Of(kind).Role) }

// series is the order colours are handed to per-member series.
var series = []color.NRGBA{Palette[5].RGB, Palette[1].RGB, Palette[3].RGB, Palette[7].RGB, Palette[2].RGB, Palette[6].RGB, Palette[0].RGB}

// SeriesColor is the i-th colour for an unordered set of series (members).
func SeriesColor(i int) color.NRGBA { return series[i%len(series)] }

// Alpha returns c with the given opacity (0-255), as non-premultiplied
// NRGBA, the form translucent fills need.
func Alpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// CSSVars returns the palette as CSS custom properties, one per line, e.g.
// "--stansim-sky-blue: #56B4E9;".
func CSSVars() string {
	var b strings.Builder
	for _, s := range Palette {
		fmt.Fprintf(&b, "--stansim-%s: %s;\n", s.Name, s.Hex)
	}
	return b.String()
}
