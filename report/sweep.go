package report

import (
	"bytes"
	"fmt"
	"html/template"
	"path"
	"path/filepath"
	"strings"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/analyze"
)

// A sweep scenario's folder holds cells/<run>/ (an ordinary scenario folder
// per run), sweep.csv (a row per run), the sweep charts and sweep.html.
const (
	SweepCSVFile  = "sweep.csv"
	SweepHTMLFile = "sweep.html"
	CellsDir      = "cells"
)

// Sweep is a sweep scenario's runs as sweep.csv, its charts and sweep.html
// show them.
type Sweep struct {
	Name, Description string
	Axes              []plots.SweepAxis
	Repeat            int
	Figure            string // the column the charts show
	Runs              []SweepRun
}

// SweepRun is one run of one cell.
type SweepRun struct {
	Cell   string   // the cell's name
	Values []string // one per axis, as written
	Repeat int      // 1-based
	Seed   int64
	Dir    string // the run's folder, relative to the sweep folder
	Reason string
	// Summary is the run's summary.json; nil when it left none.
	Summary *analyze.Summary
	// First is what the analysis measured of the run's first death; nil
	// without one.
	First *Measured
	// ZombieIn of ZombieKnown deaths had a window inside its prediction
	// (with the analysis's margin, MarginMs).
	ZombieIn, ZombieKnown int
	MarginMs              float64
	// Predicted is the predictor's answer for the cell.
	Predicted *predict.Scenario
}

// Measure fills in what the analysis of the run shows.
func (r *SweepRun) Measure(a *analyze.Analysis) {
	r.Summary, r.Reason, r.MarginMs = &a.Summary, a.Summary.Reason, analyze.Ms(a.Margin())
	if len(a.Deaths) > 0 {
		m := Measure(a, a.Deaths[0])
		r.First = &m
	}
	for _, d := range a.Deaths {
		if d.Predicted == nil {
			continue
		}
		r.ZombieKnown++
		if d.Inside(a.Margin()) {
			r.ZombieIn++
		}
	}
}

// WriteSweep writes sweep.csv and sweep.html into dir (the charts, drawn
// from Grid, must be there already to be inlined).
func WriteSweep(dir string, s *Sweep) error {
	if err := writeSweepCSV(filepath.Join(dir, SweepCSVFile), s); err != nil {
		return err
	}
	var b bytes.Buffer
	data := struct {
		*sweepPage
		CSS template.CSS
	}{newSweepPage(dir, s), css}
	if err := sweepHTML.Execute(&b, data); err != nil {
		return fmt.Errorf("report: %s: %w", SweepHTMLFile, err)
	}
	return writeFile(filepath.Join(dir, SweepHTMLFile), b.Bytes())
}

var sweepHTML = template.Must(template.New("sweep.html").Funcs(htmlFuncs).Parse(mustRead("sweep.html.tmpl")))

// Grid is what the sweep charts draw: the chosen figure of every run over
// the first two axes (runs of further axes pooled), with each cell's
// predicted bounds.
func (s *Sweep) Grid() plots.SweepGrid {
	g := plots.SweepGrid{Name: s.Name, Figure: s.Figure, Label: figureLabel(s.Figure)}
	if len(s.Axes) > 0 {
		g.X = s.Axes[0]
	}
	if len(s.Axes) > 1 {
		g.Y = s.Axes[1]
	}
	var other []string
	for _, ax := range s.Axes[min(2, len(s.Axes)):] {
		other = append(other, ax.Path)
	}
	g.Other = strings.Join(other, ", ")
	rows := max(len(g.Y.Values), 1)
	g.Cells = make([][]plots.SweepCell, rows)
	for y := range g.Cells {
		g.Cells[y] = make([]plots.SweepCell, len(g.X.Values))
	}
	for _, r := range s.Runs {
		x, y := indexOf(g.X.Values, r.Values, 0), indexOf(g.Y.Values, r.Values, 1)
		if x < 0 || y < 0 {
			continue
		}
		c := &g.Cells[y][x]
		if v, ok := s.Value(r, s.Figure); ok {
			c.Measured = append(c.Measured, v)
		}
		if b := s.Predicted(r, s.Figure); b != nil {
			if c.Predicted == nil {
				c.Predicted = &[2]float64{b.Min, b.Max}
			}
			c.Predicted[0], c.Predicted[1] = min(c.Predicted[0], b.Min), max(c.Predicted[1], b.Max)
		}
	}
	return g
}

// indexOf is the position of vals[axis] in values; 0 for a missing axis.
func indexOf(values, vals []string, axis int) int {
	if len(values) == 0 {
		return 0
	}
	for i, v := range values {
		if axis < len(vals) && vals[axis] == v {
			return i
		}
	}
	return -1
}

// figureLabel names a sweep.csv figure in words, with its unit.
func figureLabel(f string) string {
	switch f {
	case "zombie_ms":
		return "zombie window of the first death (ms)"
	case "zombie_ms_max":
		return "longest zombie window (ms)"
	case "held":
		return "messages the first dead member held"
	case "sent_to_dead":
		return "messages sent to the first dead member while dead"
	case "handoff_ms":
		return "last hand-off after the first death (ms)"
	}
	if strings.HasSuffix(f, "_ms") || strings.Contains(f, "_ms.") {
		return f + " (ms)"
	}
	return f
}

// sweepHref is the link from the sweep folder to a run's report.
func sweepHref(r SweepRun) string { return path.Join(filepath.ToSlash(r.Dir), HTMLFile) }
