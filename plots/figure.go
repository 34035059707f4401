package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// Figure is one chart: a title and subtitle across the top, a grid of
// panels whose data areas line up, and a legend below the panels (never
// over the data). Every chart function returns one; Draw and the writers
// in write.go render it.
type Figure struct {
	Chart    string // chart name, e.g. "timeline"
	Title    string
	Subtitle string
	// Rows of panels; every row has the same number of columns (nil cells
	// are left blank). RowWeights gives relative row heights (nil = equal).
	Rows       [][]*plot.Plot
	RowWeights []float64
	Legend     []LegendEntry
	// Width and Height are the default size.
	Width, Height vg.Length
}

const (
	figPad   = vg.Length(10) // outer margin
	panelGap = vg.Length(14) // between panels
)

// Draw draws the figure onto c.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(colorWhite)
	c.Fill(c.Rectangle.Path())
	area := draw.Crop(c, figPad, -figPad, figPad, -figPad)

	// Title and subtitle, left aligned, wrapped to the width.
	top := area.Max.Y
	width := area.Max.X - area.Min.X
	if f.Title != "" {
		st := textStyle(boldFace(c), sizeTitle, ColorInk)
		st.YAlign = draw.YTop
		for _, line := range wrap(st, f.Title, width) {
			c.FillText(st, vg.Point{X: area.Min.X, Y: top}, line)
			top -= st.Height(line) + 1
		}
		top -= 3
	}
	if f.Subtitle != "" {
		st := textStyle(Sans, sizeSubtitle, subtitleGrey)
		st.YAlign = draw.YTop
		for _, line := range wrap(st, f.Subtitle, width) {
			c.FillText(st, vg.Point{X: area.Min.X, Y: top}, line)
			top -= st.Height(line) + 1
		}
	}
	area.Max.Y = top - 8

	// Legend along the bottom.
	if len(f.Legend) > 0 {
		h := drawLegend(c, f.Legend, area, true)
		area.Min.Y += h + 6
	}
	f.drawPanels(area)
}

// drawPanels lays the grid out so that data areas line up across rows
// (same left and right edges per column) and columns (same top and bottom
// per row), then draws each panel.
func (f *Figure) drawPanels(area draw.Canvas) {
	rows := len(f.Rows)
	if rows == 0 {
		return
	}
	cols := len(f.Rows[0])
	weights := f.RowWeights
	if len(weights) != rows {
		weights = make([]float64, rows)
		for i := range weights {
			weights[i] = 1
		}
	}
	var total float64
	for _, w := range weights {
		total += w
	}
	H := area.Max.Y - area.Min.Y - panelGap*vg.Length(rows-1)
	W := area.Max.X - area.Min.X - panelGap*vg.Length(cols-1)
	cells := make([][]draw.Canvas, rows)
	y := area.Max.Y
	for r := range rows {
		h := H * vg.Length(weights[r]/total)
		cells[r] = make([]draw.Canvas, cols)
		for k := range cols {
			cell := area
			cell.Min.X = area.Min.X + (W/vg.Length(cols)+panelGap)*vg.Length(k)
			cell.Max.X = cell.Min.X + W/vg.Length(cols)
			cell.Max.Y, cell.Min.Y = y, y-h
			cells[r][k] = cell
		}
		y -= h + panelGap
	}
	// Insets of each data area within its cell.
	left := make([]vg.Length, cols)
	right := make([]vg.Length, cols)
	bottom := make([]vg.Length, rows)
	topIn := make([]vg.Length, rows)
	for r, row := range f.Rows {
		for k, p := range row {
			if p == nil {
				continue
			}
			cell := cells[r][k]
			d := p.DataCanvas(cell)
			left[k] = max(left[k], d.Min.X-cell.Min.X)
			right[k] = max(right[k], cell.Max.X-d.Max.X)
			bottom[r] = max(bottom[r], d.Min.Y-cell.Min.Y)
			topIn[r] = max(topIn[r], cell.Max.Y-d.Max.Y)
		}
	}
	for r, row := range f.Rows {
		for k, p := range row {
			if p == nil {
				continue
			}
			cell := cells[r][k]
			d := p.DataCanvas(cell)
			cell.Min.X += left[k] - (d.Min.X - cell.Min.X)
			cell.Max.X -= right[k] - (cell.Max.X - d.Max.X)
			cell.Min.Y += bottom[r] - (d.Min.Y - cell.Min.Y)
			cell.Max.Y -= topIn[r] - (cell.Max.Y - d.Max.Y)
			p.Draw(cell)
		}
	}
}

// wrap splits txt into lines no wider than w (breaking at spaces).
func wrap(st draw.TextStyle, txt string, w vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(txt, "\n") {
		lines = append(lines, WrapWords(strings.Fields(para), w, st.Width)...)
	}
	return lines
}

// WrapWords fills lines no wider than w with words, as measured; a word
// wider than w gets a line of its own. Shared with the course diagrams.
func WrapWords(words []string, w vg.Length, measure func(string) vg.Length) []string {
	var lines []string
	cur := ""
	for _, word := range words {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if cur != "" && measure(next) > w {
			lines = append(lines, cur)
			cur = word
			continue
		}
		cur = next
	}
	return append(lines, cur)
}

// withRunNote prefixes sub with how the run ended when it did not finish.
func withRunNote(a *analyze.Analysis, sub string) string {
	var note string
	switch a.Summary.Reason {
	case history.ReasonInterrupted:
		note = fmt.Sprintf("Run interrupted at %s: partial history.", fmtSecs(secs(a.End)))
	case history.ReasonTimeout:
		note = fmt.Sprintf("Run stopped at its duration cap (%s).", fmtSecs(secs(a.End)))
	}
	if a.Summary.Truncated {
		note += " Last history line incomplete."
	}
	if note == "" {
		return sub
	}
	return strings.TrimSpace(note) + " " + sub
}
