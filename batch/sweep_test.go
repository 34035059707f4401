package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// A sweep runs every cell twice, each run an ordinary scenario folder;
// sweep.csv has a row per run with the contract's columns; the charts and
// sweep.html are written and index.html links the sweep; and at least 95%
// of the measured zombie windows lie inside the death table's bounds,
// within the analysis's margin (one sample interval plus scheduling).
func TestSweep(t *testing.T) {
	out := t.TempDir()
	cfg := Config{File: "testdata/sweep.yaml", Out: out, Parallel: 2, NoServerLog: true}
	scs, _, err := Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg, scs)
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outcomes[0]
	if o.Err != nil || o.Summary == nil || o.Summary.Published != 8*30 || o.Reason != history.ReasonDone {
		t.Fatalf("outcome: %+v", o)
	}
	dir := filepath.Join(out, "small-sweep")
	for _, f := range []string{report.SweepCSVFile, report.SweepHTMLFile, "sweep-heatmap.svg", "sweep-heatmap.png", "sweep-lines.svg", "sweep-lines.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	rows := readCSV(t, filepath.Join(dir, report.SweepCSVFile))
	head := rows[0]
	if !slices.Equal(head[:3], []string{"server.heartbeat.interval", "server.heartbeat.fail_count", "seed"}) ||
		!slices.Contains(head, "zombie_ms") || !slices.Contains(head, "zombie_ms_max") || !slices.Contains(head, "out_of_order.inversions") {
		t.Fatalf("sweep.csv header: %v", head)
	}
	if len(rows) != 1+8 {
		t.Fatalf("sweep.csv has %d runs, want 8", len(rows)-1)
	}
	col := func(name string) int { return slices.Index(head, name) }
	seeds := map[string]bool{}
	inside, known := 0, 0
	for _, r := range rows[1:] {
		seeds[r[col("seed")]] = true
		runDir := filepath.Join(dir, filepath.FromSlash(r[col("dir")]))
		l, err := history.ReadDir(runDir)
		if err != nil {
			t.Fatalf("run folder %s: %v", runDir, err)
		}
		a := analyze.Analyze(l)
		if got := a.Settings.Heartbeat.Interval.String(); got != r[col("server.heartbeat.interval")] {
			t.Errorf("%s ran with interval %s, its row says %s", runDir, got, r[col("server.heartbeat.interval")])
		}
		for _, d := range a.Deaths {
			known++
			if d.Inside(a.Margin()) {
				inside++
			} else {
				t.Logf("%s: window %v outside %v (margin %v)", runDir, d.Listed(), d.Predicted, a.Margin())
			}
		}
		if z, _ := strconv.ParseFloat(r[col("zombie_ms")], 64); a.Deaths[0].Removed >= 0 && z != analyze.Ms(a.Deaths[0].Listed()) {
			t.Errorf("%s: zombie_ms %v, the analysis %v", runDir, z, analyze.Ms(a.Deaths[0].Listed()))
		}
	}
	if len(seeds) != 2 {
		t.Errorf("seeds %v, want the scenario's seed and the next", seeds)
	}
	// Eight cells run side by side with the rest of the suite under -race
	// on two cores: one window may slip past its margin (the death-by-death
	// rule is sim/run's phenomena tests'); a wrong prediction misses them all.
	if known != 8 || inside < known-1 {
		t.Errorf("%d of %d zombie windows inside their predicted bounds, want all but at most one", inside, known)
	}
	idx, err := os.ReadFile(filepath.Join(out, report.IndexFile))
	if err != nil || !strings.Contains(string(idx), `href="small-sweep/sweep.html"`) {
		t.Errorf("index.html does not link the sweep (%v)", err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, report.SweepHTMLFile))
	for _, want := range []string{"c1-interval-100ms-fail-count-1", "cells/c4-interval-300ms-fail-count-2-r2/report.html", "zombie windows", "<svg"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("sweep.html lacks %q", want)
		}
	}
	// A second run into the same folder needs --force.
	if _, err := Run(context.Background(), cfg, scs); err == nil {
		t.Error("a second run over the sweep's runs was not refused")
	}
	// stansim report BATCH rebuilds the sweep from its runs' histories:
	// the same sweep.csv, and the index still links it.
	csvBefore, _ := os.ReadFile(filepath.Join(dir, report.SweepCSVFile))
	must(t, os.Remove(filepath.Join(dir, report.SweepCSVFile)))
	rb, err := Rebuild(context.Background(), out, RenderOptions{})
	if err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if len(rb.Outcomes) != 1 || rb.Outcomes[0].Summary == nil || rb.Outcomes[0].Summary.Published != o.Summary.Published {
		t.Fatalf("rebuilt outcomes %+v", rb.Outcomes)
	}
	if csvAfter, _ := os.ReadFile(filepath.Join(dir, report.SweepCSVFile)); !bytes.Equal(csvAfter, csvBefore) {
		t.Error("the rebuilt sweep.csv differs from the run's")
	}
	if idx, _ := os.ReadFile(filepath.Join(out, report.IndexFile)); !strings.Contains(string(idx), `href="small-sweep/sweep.html"`) {
		t.Error("the rebuilt index.html does not link the sweep")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
