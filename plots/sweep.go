package plots

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// SweepGrid is what a sweep's charts draw: one figure (a sweep.csv column)
// measured in every run of every cell of a grid over one or two axes, and
// the predictor's bounds for each cell. It is a pure function of the
// sweep's runs (report.Sweep builds it), so the charts are too.
type SweepGrid struct {
	Name   string // the sweep scenario
	Figure string // the sweep.csv column, e.g. zombie_ms
	Label  string // the figure in words, with its unit: "zombie window (ms)"
	X, Y   SweepAxis
	// Cells are indexed [y][x]; a grid over one axis has one row and no
	// Y path.
	Cells [][]SweepCell
	// Other names the axes beyond the first two, over which each cell's
	// runs are pooled ("" when none).
	Other string
}

// SweepAxis is one axis of the grid: its field path and its values as
// written.
type SweepAxis struct {
	Path   string
	Values []string
}

// SweepCell is one cell's runs and prediction.
type SweepCell struct {
	Measured []float64 // one per run that has the figure
	// Predicted is the predictor's [min, max]; nil when it says nothing.
	Predicted *[2]float64
}

// SweepChart is one sweep chart: its file stem, title and what it shows.
type SweepChart struct {
	Name, Title, About string
	Draw               func(SweepGrid) (*Figure, error)
}

// SweepCharts are the charts of a sweep, in display order.
var SweepCharts = []SweepChart{
	{"sweep-heatmap", "Heat map", "The figure over the sweep's first two axes: the mean of each cell's runs, and beside it the predicted range's middle, on one colour scale; each cell is labelled with its numbers.", SweepHeatMap},
	{"sweep-lines", "Spread over the first axis", "The figure of every run over the first axis (one line per value of the second), with the predicted range drawn beside each point.", SweepLines},
}

// DrawSweep writes every sweep chart into dir as <chart>.<format>.
func DrawSweep(g SweepGrid, dir string, opt Options) error {
	formats, err := opt.formats()
	if err != nil {
		return err
	}
	for _, c := range SweepCharts {
		fig, err := c.Draw(g)
		if err != nil {
			return fmt.Errorf("%s chart: %w", c.Name, err)
		}
		if err := fig.saveAll(dir, c.Name, formats, opt); err != nil {
			return err
		}
	}
	return nil
}

// RemoveSweepCharts deletes the sweep charts of dir (before a redraw).
func RemoveSweepCharts(dir string) {
	for _, c := range SweepCharts {
		for _, f := range []string{"svg", "png", "pdf"} {
			_ = os.Remove(filepath.Join(dir, c.Name+"."+f))
		}
	}
}

// mean and spread of a cell's runs; NaN without runs.
func (c SweepCell) stats() (mean, lo, hi float64) {
	if len(c.Measured) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range c.Measured {
		mean += v
		lo, hi = min(lo, v), max(hi, v)
	}
	return mean / float64(len(c.Measured)), lo, hi
}

// mid is the middle of the predicted range, NaN without one.
func (c SweepCell) mid() float64 {
	if c.Predicted == nil {
		return math.NaN()
	}
	return (c.Predicted[0] + c.Predicted[1]) / 2
}

// sweepSubtitle says what the chart shows and how many runs stand behind it.
func sweepSubtitle(g SweepGrid, what string) string {
	runs, cells := 0, 0
	for _, row := range g.Cells {
		for _, c := range row {
			runs += len(c.Measured)
			cells++
		}
	}
	s := fmt.Sprintf("%s: %s over %s", what, g.Label, g.X.Path)
	if g.Y.Path != "" {
		s += " and " + g.Y.Path
	}
	s += fmt.Sprintf("; %d runs in %d cells.", runs, cells)
	if g.Other != "" {
		s += " Runs pooled over " + g.Other + "."
	}
	return s
}

// fmtFigure formats a value of the figure compactly.
func fmtFigure(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "–"
	case a >= 10000:
		return trimFloat(v/1000, 1) + "k"
	case a >= 100:
		return trimFloat(v, 0)
	}
	return trimFloat(v, 1)
}

// rangeText is "lo–hi", or one number when they are equal.
func rangeText(lo, hi float64) string {
	if fmtFigure(lo) == fmtFigure(hi) {
		return fmtFigure(lo)
	}
	return fmtFigure(lo) + "–" + fmtFigure(hi)
}

// axisTitle names an axis by its path's last field: "interval".
func axisTitle(a SweepAxis) string { return a.Path[strings.LastIndex(a.Path, ".")+1:] }
