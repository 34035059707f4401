package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/render"
	"github.com/stansim/stansim/sim/analyze"
)

// Sans is the face every chart uses (Liberation Sans, metric-compatible
// with Arial and Helvetica). SVG output names a generic fallback family
// after it, so inline SVG renders with the reader's sans font.
var Sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// SansBold is Sans in bold, for titles.
var SansBold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}

// Font sizes in points.
const (
	sizeTitle    = 14
	sizeSubtitle = 10
	sizeAxis     = 10.5
	sizeTick     = 9.5
	sizeLabel    = 8.5
	sizeLegend   = 9.5
)

func init() {
	// Set once: plots created after this use the sans face everywhere.
	plot.DefaultFont = Sans
	plotter.DefaultFont = Sans
}

// textStyle is a plain-text style in the chart face.
func textStyle(f font.Font, size float64, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(f, vg.Length(size)),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPanel returns a plot styled like every stansim panel: sans text,
// light grid drawn by the caller, no title (the figure draws it).
func newPanel(xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(Sans, sizeAxis)
		ax.Tick.Label.Font = font.From(Sans, sizeTick)
		ax.Color = ColorInkLight
		ax.Tick.Color = ColorInkLight
		ax.Label.Padding = vg.Points(4)
		ax.Padding = vg.Points(3)
	}
	p.Legend.TextStyle.Font = font.From(Sans, sizeLegend)
	return p
}

// grid returns a faint grid (horizontal and/or vertical lines at major ticks).
func grid(vertical, horizontal bool) *plotter.Grid {
	g := plotter.NewGrid()
	sty := draw.LineStyle{Color: ColorGrid, Width: vg.Points(0.5)}
	g.Vertical, g.Horizontal = sty, sty
	if !vertical {
		g.Vertical.Color = nil
	}
	if !horizontal {
		g.Horizontal.Color = nil
	}
	return g
}

// niceStep returns the 1-2-5 step that cuts span into the number of
// parts closest to n.
func niceStep(span float64, n int) float64 {
	if span <= 0 || n <= 0 || math.IsInf(span, 0) || math.IsNaN(span) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	best, bestD := mag, math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10} {
		if d := math.Abs(math.Log(m * mag / raw)); d < bestD {
			best, bestD = m*mag, d
		}
	}
	return best
}

// secs converts run nanoseconds to seconds.
func secs(ns int64) float64 { return float64(ns) / 1e9 }

// fmtSecs formats a duration in seconds compactly: "0.62 s", "12 s", "330 s".
func fmtSecs(s float64) string {
	switch a := math.Abs(s); {
	case a == 0:
		return "0 s"
	case a < 1:
		return trimFloat(s, 2) + " s"
	case a < 10:
		return trimFloat(s, 2) + " s"
	case a < 100:
		return trimFloat(s, 1) + " s"
	default:
		return trimFloat(s, 0) + " s"
	}
}

// trimFloat formats f with at most prec decimals, dropping trailing zeros.
func trimFloat(f float64, prec int) string {
	s := strings.TrimRight(strings.TrimRight(
		strconvFormat(f, prec), "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func strconvFormat(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if !strings.Contains(s, ".") {
		return s + "."
	}
	return s
}

var nan = math.NaN()

func isNaN(f float64) bool { return f != f }

// splitNaN splits a series at NaN points into runs.
func splitNaN(xys plotter.XYs) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for _, p := range xys {
		if isNaN(p.Y) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, p)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// runEnd is the run's last event time, at least 100 ms so that time axes
// of a run cut off at once still have a span.
func runEnd(a *analyze.Analysis) int64 { return max(a.End, int64(100*time.Millisecond)) }

func timeDur(ns int64) time.Duration { return time.Duration(ns) }

// boldFace is SansBold, except on PDF canvases: vgpdf registers every face
// under its plain style and then fails to find the bold one.
func boldFace(c draw.Canvas) font.Font {
	if isPDF(c) {
		return Sans
	}
	return SansBold
}

// isPDF reports whether c draws into a PDF (see render.IsPDF).
func isPDF(c draw.Canvas) bool { return render.IsPDF(c) }
