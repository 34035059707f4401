package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/analyze"
)

// sweepPage is what sweep.html shows: the grid, a row per cell (its runs
// summed up beside the predictions), the charts, and links to every run.
type sweepPage struct {
	Name, Description string
	Lead              string
	Axes              []kv
	Inside            string // the zombie windows inside their predictions
	Figure            string
	Heads             []string // the axes' paths, for the table
	Heads2            []string // the other figures' titles
	Cells             []sweepCellRow
	Charts            []chart
}

type sweepCellRow struct {
	Name   string
	Values []string
	Runs   []sweepRunLink
	Cols   []sweepCol // figure, zombie, sent, inversions
}

type sweepRunLink struct{ Label, Href, Reason string }

// sweepCol is one figure of a cell: the runs' range and the prediction.
type sweepCol struct {
	Measured, Predicted string
	Outside             bool // some run outside the predicted range
}

// sweepCols are the figures the cell table shows after the chosen one.
var sweepCols = []string{"zombie_ms", "sent_to_dead", "handoff_ms", "out_of_order.inversions"}

var sweepColTitle = map[string]string{"zombie_ms": "zombie window", "sent_to_dead": "sent while dead",
	"handoff_ms": "last hand-off", "out_of_order.inversions": "out-of-order pairs"}

func newSweepPage(dir string, s *Sweep) *sweepPage {
	p := &sweepPage{Name: s.Name, Description: s.Description, Figure: s.Figure}
	cells := 0
	for _, ax := range s.Axes {
		p.Axes = append(p.Axes, kv{ax.Path, strings.Join(ax.Values, ", ")})
		p.Heads = append(p.Heads, ax.Path)
	}
	in, known := 0, 0
	var order []string
	byCell := map[string]*sweepCellRow{}
	for _, r := range s.Runs {
		in, known = in+r.ZombieIn, known+r.ZombieKnown
		row := byCell[r.Cell]
		if row == nil {
			row = &sweepCellRow{Name: r.Cell, Values: r.Values}
			byCell[r.Cell] = row
			order = append(order, r.Cell)
			cells++
		}
		row.Runs = append(row.Runs, sweepRunLink{Label: fmt.Sprintf("r%d", r.Repeat), Href: sweepHref(r), Reason: r.Reason})
	}
	figs := []string{s.Figure}
	for _, c := range sweepCols {
		if c != s.Figure {
			figs = append(figs, c)
		}
	}
	for _, f := range figs[1:] {
		p.Heads2 = append(p.Heads2, sweepColTitle[f])
	}
	for _, name := range order {
		row := byCell[name]
		for _, f := range figs {
			row.Cols = append(row.Cols, s.cellCol(name, f))
		}
		p.Cells = append(p.Cells, *row)
	}
	p.Lead = fmt.Sprintf("%s over %s, each run %s with seeds from the scenario's seed: %s in all.",
		count(cells, "cell"), joinAnd(p.Heads), times(s.Repeat), count(len(s.Runs), "run"))
	if known > 0 {
		p.Inside = fmt.Sprintf("%d of %d zombie windows (%.0f%%) lie inside the death table's predicted bounds, within one sampling interval plus 100 ms of scheduling.",
			in, known, 100*float64(in)/float64(known))
	}
	for _, c := range plots.SweepCharts {
		p.Charts = append(p.Charts, readChart(dir, plots.ChartInfo{Name: c.Name, Title: c.Title, About: c.About}))
	}
	return p
}

// cellCol is one figure over a cell's runs beside its prediction.
func (s *Sweep) cellCol(cell, figure string) sweepCol {
	lo, hi := math.Inf(1), math.Inf(-1)
	var pred *predict.Bounds
	outside := false
	for _, r := range s.Runs {
		if r.Cell != cell {
			continue
		}
		b := s.Predicted(r, figure)
		if b != nil {
			pred = b
		}
		if v, ok := s.Value(r, figure); ok {
			lo, hi = min(lo, v), max(hi, v)
			outside = outside || (b != nil && !b.Contains(v, tolerance(r, figure)))
		}
	}
	c := sweepCol{Measured: "–", Predicted: "–", Outside: outside}
	if !math.IsInf(lo, 0) {
		c.Measured = figureRange(figure, lo, hi)
	}
	if pred != nil {
		c.Predicted = figureRange(figure, pred.Min, pred.Max)
	}
	return c
}

// figureRange formats a range of a figure: times as msText, counts plain.
func figureRange(figure string, lo, hi float64) string {
	one := func(v float64) string {
		if strings.HasSuffix(figure, "_ms") || strings.Contains(figure, "_ms.") || strings.HasPrefix(figure, "zombie_ms") {
			return msText(v)
		}
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
	}
	if one(lo) == one(hi) {
		return one(lo)
	}
	return one(lo) + " to " + one(hi)
}

// tolerance is how far a run's figure may lie outside its bounds before
// the cell table marks it, as the scenario report does: a zombie window by
// the analysis's margin, a delay by scheduling, a count by one message.
func tolerance(r SweepRun, figure string) float64 {
	switch {
	case strings.HasPrefix(figure, "zombie_ms"):
		return r.MarginMs
	case strings.HasSuffix(figure, "_ms"):
		return float64(analyze.SchedulingMargin) / 1e6
	}
	return countSlack
}
