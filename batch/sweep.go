package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/scenario"
)

// runSweep runs every cell of a sweep scenario, each Repeat times, at most
// par runs at once (each its own server; they mostly wait on timers), each
// in <dir>/cells/<run>/, an ordinary scenario folder. Then it writes
// sweep.csv, the sweep charts and sweep.html into dir. Its outcome sums the
// runs' counts (summedSummary).
func runSweep(ctx context.Context, sc *scenario.Scenario, dir string, cfg Config, prog *progress, par int) Outcome {
	o := Outcome{Scenario: *sc, Dir: dir}
	runs := sc.Runs()
	outs := make([]Outcome, len(runs))
	sem := make(chan struct{}, max(par, 1))
	var wg sync.WaitGroup
	for i := range runs {
		r := &runs[i]
		rdir := filepath.Join(dir, report.CellsDir, r.Name)
		outs[i] = Outcome{Scenario: r.Scenario, Dir: rdir}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			outs[i].Reason = history.ReasonInterrupted
			outs[i].Err = fmt.Errorf("scenario %q: not started: %w", r.Scenario.Name, context.Cause(ctx))
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			outs[i] = runOne(ctx, &r.Scenario, rdir, cfg, prog)
		})
	}
	wg.Wait()
	for _, ro := range outs {
		o.Err = errors.Join(o.Err, ro.Err)
	}
	o.Summary, o.Reason = summedSummary(sc, runs, outs), sweepReason(outs)
	// The sweep as resolved, so that stansim report can rebuild it.
	if y, err := sc.ResolvedYAML(); err == nil {
		if err := os.MkdirAll(dir, 0o755); err == nil {
			o.Err = errors.Join(o.Err, outfile.Write(filepath.Join(dir, run.ScenarioFile), y))
		}
	}
	if ctx.Err() != nil || cfg.NoRender {
		return o
	}
	if err := writeSweep(dir, sc, runs, outs); err != nil {
		o.Err = errors.Join(o.Err, err)
	}
	return o
}

// rebuildSweep redraws a sweep folder from its runs' histories and the
// resolved sweep it keeps (scenario.yaml): each run's folder, then
// sweep.csv, the charts and sweep.html.
func rebuildSweep(ctx context.Context, dir string, opt RenderOptions) (Outcome, error) {
	b, err := os.ReadFile(filepath.Join(dir, run.ScenarioFile))
	if err != nil {
		return Outcome{Dir: dir}, fmt.Errorf("%s: a sweep folder needs its %s: %w", dir, run.ScenarioFile, err)
	}
	sc, err := scenario.ParseScenario(filepath.Join(dir, run.ScenarioFile), b)
	if err != nil || sc.Sweep == nil {
		return Outcome{Dir: dir}, fmt.Errorf("%s: not a sweep's %s: %v", dir, run.ScenarioFile, err)
	}
	runs := sc.Runs()
	outs := make([]Outcome, len(runs))
	var errs []error
	for i, r := range runs {
		if ctx.Err() != nil {
			return Outcome{Dir: dir}, ctx.Err()
		}
		o, err := renderOutcome(ctx, filepath.Join(dir, report.CellsDir, r.Name), opt)
		o.Scenario = r.Scenario
		outs[i] = o
		errs = append(errs, err)
	}
	o := Outcome{Scenario: *sc, Dir: dir, Summary: summedSummary(sc, runs, outs), Reason: sweepReason(outs)}
	errs = append(errs, writeSweep(dir, sc, runs, outs))
	o.Err = errors.Join(errs...)
	return o, o.Err
}

// writeSweep builds the sweep's view from each run's history and the
// predictor's answer per cell, and writes sweep.csv, the charts and
// sweep.html.
func writeSweep(dir string, sc *scenario.Scenario, runs []scenario.SweepRun, outs []Outcome) error {
	sw := &report.Sweep{Name: sc.Name, Description: sc.Description, Repeat: sc.Sweep.Repeat, Figure: sc.Sweep.Figure}
	for _, ax := range sc.Sweep.Axes {
		sw.Axes = append(sw.Axes, plots.SweepAxis{Path: ax.Path, Values: ax.Values})
	}
	predicted := map[int]*predict.Scenario{}
	for i, r := range runs {
		p := predicted[r.Cell.Index]
		if p == nil {
			ps := predict.Predict(&r.Cell.Scenario)
			p = &ps
			predicted[r.Cell.Index] = p
		}
		sr := report.SweepRun{Cell: r.Cell.Name, Values: r.Cell.Values, Repeat: r.Repeat, Seed: r.Scenario.Seed,
			Dir: filepath.ToSlash(filepath.Join(report.CellsDir, r.Name)), Reason: outs[i].Reason, Predicted: p}
		if l, err := history.ReadDir(outs[i].Dir); err == nil {
			sr.Measure(analyze.Analyze(l))
		}
		sw.Runs = append(sw.Runs, sr)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	plots.RemoveSweepCharts(dir)
	if err := plots.DrawSweep(sw.Grid(), dir, plots.Options{}); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return report.WriteSweep(dir, sw)
}

// summedSummary is the sweep's line in the batch's table, index, CSV,
// JSON and junit.xml: the runs' counts summed, their run time summed, and
// each expectation checked in every run ("3 of 4 runs met it; failed:
// ..."). Delays and zombie windows are per run (sweep.csv).
func summedSummary(sc *scenario.Scenario, runs []scenario.SweepRun, outs []Outcome) *analyze.Summary {
	s := &analyze.Summary{Scenario: sc.Name, Groups: map[string]*analyze.GroupSummary{}, ZombieWindows: []analyze.ZombieWindow{}}
	type tally struct {
		want   string
		met    int
		failed []string
	}
	var paths []string
	tallies := map[string]*tally{}
	for i, o := range outs {
		if o.Summary == nil {
			continue
		}
		r := o.Summary
		s.Published += r.Published
		s.Delivered += r.Delivered
		s.Redelivered += r.Redelivered
		s.Processed += r.Processed
		s.Duplicates += r.Duplicates
		s.Lost += r.Lost
		s.OutOfOrder.Inversions += r.OutOfOrder.Inversions
		s.OutOfOrder.KeysAffected += r.OutOfOrder.KeysAffected
		s.OutOfOrder.MaxDisplacement = max(s.OutOfOrder.MaxDisplacement, r.OutOfOrder.MaxDisplacement)
		s.PublishErrors += r.PublishErrors
		s.AckErrors += r.AckErrors
		s.DurationMs += r.DurationMs
		for _, e := range r.Expectations {
			t := tallies[e.Path]
			if t == nil {
				t = &tally{want: e.Want}
				tallies[e.Path] = t
				paths = append(paths, e.Path)
			}
			if e.OK {
				t.met++
			} else {
				t.failed = append(t.failed, fmt.Sprintf("%s (got %v)", runs[i].Name, e.Got))
			}
		}
	}
	for _, p := range paths {
		t := tallies[p]
		got := fmt.Sprintf("%d of %d runs met it", t.met, t.met+len(t.failed))
		if len(t.failed) > 0 {
			got += fmt.Sprintf("; failed: %v", t.failed)
		}
		s.Expectations = append(s.Expectations, analyze.ExpectationResult{Path: p, Want: t.want, Got: got, OK: len(t.failed) == 0})
	}
	s.Reason = sweepReason(outs)
	return s
}

// sweepReason is the sweep's reason: the worst of its runs' (interrupted,
// failed, timeout, done).
func sweepReason(outs []Outcome) string {
	rank := map[string]int{history.ReasonDone: 1, history.ReasonTimeout: 2, history.ReasonFailed: 3, history.ReasonInterrupted: 4}
	worst := history.ReasonDone
	for _, o := range outs {
		reason := o.Reason
		if reason == "" {
			reason = history.ReasonFailed
		}
		if rank[reason] > rank[worst] {
			worst = reason
		}
	}
	return worst
}

// sweepHasRuns reports whether a sweep folder already holds a run's history.
func sweepHasRuns(dir string) bool {
	cells, _ := os.ReadDir(filepath.Join(dir, report.CellsDir))
	for _, c := range cells {
		if c.IsDir() && IsScenarioDir(filepath.Join(dir, report.CellsDir, c.Name())) {
			return true
		}
	}
	return false
}
