package report

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/analyze"
)

// testSweep is a sweep of two real runs (two cells of a 2 x 2 grid).
func testSweep(t *testing.T) (*Sweep, []*analyze.Analysis) {
	sw := &Sweep{Name: "small-sweep", Repeat: 1, Figure: "zombie_ms", Axes: []plots.SweepAxis{
		{Path: "server.heartbeat.interval", Values: []string{"100ms", "300ms"}},
		{Path: "server.heartbeat.fail_count", Values: []string{"1", "2"}}}}
	var as []*analyze.Analysis
	for _, c := range []struct{ name, cell, iv, fc string }{
		{"sweep/c1-r1", "c1-interval-100ms-fail-count-1", "100ms", "1"},
		{"sweep/c4-r1", "c4-interval-300ms-fail-count-2", "300ms", "2"}} {
		a := load(t, c.name)
		p, ok := predict.Resolved(a.Log.Start.Resolved)
		if !ok {
			t.Fatal("settings do not parse")
		}
		r := SweepRun{Cell: c.cell, Values: []string{c.iv, c.fc}, Repeat: 1, Seed: 3, Dir: "cells/" + c.cell + "-r1", Predicted: &p}
		r.Measure(a)
		sw.Runs = append(sw.Runs, r)
		as = append(as, a)
	}
	return sw, as
}

// sweep.csv: the axes by path with the values as written, seed, the
// summary's numbers, zombie_ms of the first death and zombie_ms_max, the
// predictor's bounds; sweep.html shows the cells, the charts and the share
// of windows inside their bounds.
func TestWriteSweep(t *testing.T) {
	sw, as := testSweep(t)
	dir := t.TempDir()
	must(t, plots.DrawSweep(sw.Grid(), dir, plots.Options{Formats: []string{"svg"}}))
	must(t, WriteSweep(dir, sw))
	f, err := os.Open(filepath.Join(dir, SweepCSVFile))
	must(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	must(t, err)
	head := rows[0]
	col := func(k string) int { return slices.Index(head, k) }
	if !slices.Equal(head[:3], []string{"server.heartbeat.interval", "server.heartbeat.fail_count", "seed"}) || col("published") != 3 {
		t.Fatalf("header %v", head)
	}
	if col("zombie_ms") < col("duration_ms") || col("zombie_ms_max") != col("zombie_ms")+1 || col("scenario") >= 0 || col("reason") < col("zombie_ms") {
		t.Errorf("columns out of the contract's order: %v", head)
	}
	for i, a := range as {
		r := rows[1+i]
		z, _ := strconv.ParseFloat(r[col("zombie_ms")], 64)
		pub, _ := strconv.Atoi(r[col("published")])
		if z != analyze.Ms(a.Deaths[0].Listed()) || pub != a.Summary.Published || r[col("server.heartbeat.interval")] != sw.Runs[i].Values[0] {
			t.Errorf("row %d: %v", i, r)
		}
		lo, _ := strconv.ParseFloat(r[col("zombie_ms_pred_min")], 64)
		hi, _ := strconv.ParseFloat(r[col("zombie_ms_pred_max")], 64)
		if w := a.Deaths[0].Predicted; lo != analyze.Ms(int64(w.Min)) || hi != analyze.Ms(int64(w.Max)) {
			t.Errorf("row %d: predicted %v..%v, the death table %v", i, lo, hi, w)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, SweepHTMLFile))
	must(t, err)
	for _, want := range []string{`id="cell-c4-interval-300ms-fail-count-2"`, `href="cells/c1-interval-100ms-fail-count-1-r1/report.html"`,
		"of 2 zombie windows", `id="chart-sweep-heatmap"`, "<svg", "predicted 600 ms to 900 ms"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("sweep.html lacks %q", want)
		}
	}
}

// The grid puts each run's figure in its cell and each cell's predicted
// bounds beside it; cells without runs stay empty.
func TestSweepGrid(t *testing.T) {
	sw, as := testSweep(t)
	g := sw.Grid()
	if len(g.Cells) != 2 || len(g.Cells[0]) != 2 {
		t.Fatalf("grid %dx%d", len(g.Cells), len(g.Cells[0]))
	}
	c := g.Cells[1][1] // 300ms, fail_count 2
	if len(c.Measured) != 1 || c.Measured[0] != analyze.Ms(as[1].Deaths[0].Listed()) || c.Predicted == nil || c.Predicted[1] != 900 {
		t.Errorf("cell 300ms/2: %+v", c)
	}
	if e := g.Cells[0][1]; len(e.Measured) != 0 || e.Predicted != nil {
		t.Errorf("an empty cell has %+v", e)
	}
}
