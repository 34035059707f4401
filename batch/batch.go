// Package batch runs a scenario file's selection of scenarios, each against
// its own embedded server, renders every scenario folder and writes the
// batch's index.
package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/scenario"
)

// Config is one batch run.
type Config struct {
	File     string   // scenario file
	Only     []string // scenario names; empty = all but slow ones
	Tags     []string // extra tags to include (e.g. slow)
	Out      string   // batch folder; "" = results/<timestamp> with results/latest
	Parallel int      // scenarios at once; 0 = DefaultParallel
	Seed     *int64   // replaces every scenario's seed
	Log      io.Writer
	// Terminal enables the live progress display (otherwise plain lines).
	Terminal bool
	// NoServerLog skips each scenario's server.log.
	NoServerLog bool
	// NoRender writes history and summary only (charts and reports later
	// with stansim report).
	NoRender bool
	// NoBatchFiles writes no index.html, summary.csv or junit.xml: for
	// callers that only want the scenario folders (course diagrams).
	NoBatchFiles bool
	// Force replaces scenario folders that hold an earlier history;
	// without it such a run is refused (ErrEarlierRun).
	Force bool
}

// ErrEarlierRun means a scenario folder already holds a history and the
// run was not told to replace it.
var ErrEarlierRun = errors.New("holds the history of an earlier run")

// Outcome is one scenario's result.
type Outcome struct {
	Scenario scenario.Scenario
	Dir      string
	Reason   string
	Summary  *analyze.Summary // nil if the run failed before any history
	Err      error
}

// Result is the whole batch.
type Result struct {
	Dir      string
	Outcomes []Outcome
	Index    string // path of index.html; "" when not written
	JUnit    string // path of junit.xml; "" when not written
}

// Interrupted reports whether any scenario was cut short by the context
// (a scenario whose actors could not start ended "failed", not interrupted).
func (r *Result) Interrupted() bool {
	for _, o := range r.Outcomes {
		if o.Reason == history.ReasonInterrupted {
			return true
		}
	}
	return false
}

// Failed reports whether any scenario could not run or be rendered.
func (r *Result) Failed() bool {
	for _, o := range r.Outcomes {
		if o.Err != nil {
			return true
		}
	}
	return false
}

// Load reads the scenario file once and selects the batch's scenarios,
// applying the seed override; warnings are the file's (scenario.File).
// Errors are scenario.Errors for bad input.
func Load(cfg Config) (scs []scenario.Scenario, warnings []scenario.Error, err error) {
	f, err := scenario.Load(cfg.File)
	if err != nil {
		return nil, nil, err
	}
	scs, err = f.Select(cfg.Only, cfg.Tags)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Seed != nil {
		for i := range scs {
			scs[i].Seed = *cfg.Seed
		}
	}
	return scs, f.Warnings, nil
}

// Run runs the scenarios. Cancelling ctx interrupts the running ones (their
// histories end with run_end interrupted) and skips the rest.
func Run(ctx context.Context, cfg Config, scs []scenario.Scenario) (*Result, error) {
	log := cfg.Log
	if log == nil {
		log = io.Discard
	}
	dir, err := batchDir(cfg.Out)
	if err != nil {
		return nil, err
	}
	unlock, err := outfile.Lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !cfg.Force {
		for _, sc := range scs {
			if IsScenarioDir(filepath.Join(dir, sc.Name)) || sweepHasRuns(filepath.Join(dir, sc.Name)) {
				return nil, fmt.Errorf("%s %w; pass --force to replace it, or choose another --out", filepath.Join(dir, sc.Name), ErrEarlierRun)
			}
		}
	}
	res := &Result{Dir: dir, Outcomes: make([]Outcome, len(scs))}
	par := cfg.Parallel
	if par <= 0 {
		par = DefaultParallel(scs)
	}
	prog := newProgress(log, cfg.Terminal)
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i := range scs {
		sc := &scs[i]
		res.Outcomes[i] = Outcome{Scenario: *sc, Dir: filepath.Join(dir, sc.Name)}
		if sc.Sweep != nil {
			continue // after the others, its runs par at a time (sweep.go)
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			res.Outcomes[i].Reason = history.ReasonInterrupted
			res.Outcomes[i].Err = fmt.Errorf("scenario %q: not started: %w", sc.Name, context.Cause(ctx))
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			res.Outcomes[i] = runOne(ctx, sc, res.Outcomes[i].Dir, cfg, prog)
		})
	}
	wg.Wait()
	for i := range scs {
		if scs[i].Sweep != nil {
			res.Outcomes[i] = runSweep(ctx, &scs[i], res.Outcomes[i].Dir, cfg, prog, par)
		}
	}
	prog.close()
	if cfg.NoBatchFiles {
		return res, nil
	}
	junit, err := writeJUnit(dir, filepath.Base(cfg.File), res.Outcomes)
	if err != nil {
		return res, err
	}
	res.JUnit = junit
	if ctx.Err() == nil && !cfg.NoRender {
		idx, err := writeIndex(dir, res.Outcomes)
		if err != nil {
			return res, err
		}
		res.Index = idx
	}
	return res, nil
}

func runOne(ctx context.Context, sc *scenario.Scenario, dir string, cfg Config, prog *progress) Outcome {
	o := Outcome{Scenario: *sc, Dir: dir}
	total := 0
	for _, p := range sc.Publishers {
		total += p.Count
	}
	bar := prog.start(sc.Name, total, sc.Duration)
	start := time.Now()
	r, err := run.Run(ctx, sc, dir, run.Options{
		NoServerLog: cfg.NoServerLog,
		Progress:    func(published, done int, _ time.Duration) { bar.update(published, done) },
	})
	if r != nil {
		o.Reason = r.Reason
	}
	if err != nil && r == nil {
		o.Err = err
		bar.finish(fmt.Sprintf("failed: %v", err))
		return o
	}
	o.Err = err
	// After an interrupt the rendering stops promptly: the summary is
	// written, the charts and reports are left for stansim report.
	// Serial: the batch's other scenarios are still running.
	a, rerr := Render(ctx, dir, RenderOptions{SummaryOnly: ctx.Err() != nil || cfg.NoRender, Serial: true})
	if errors.Is(rerr, context.Canceled) {
		rerr = nil
	}
	if a != nil {
		s := a.Summary // a copy: the outcome must not keep the whole analysis alive
		o.Summary = &s
		bar.update(a.Summary.Published, a.Summary.Processed)
		rerr = errors.Join(rerr, a.Close())
	}
	o.Err = errors.Join(o.Err, rerr)
	bar.finish(fmt.Sprintf("%s in %.1fs", o.Reason, time.Since(start).Seconds()))
	return o
}

// batchDir creates the batch folder: out, or results/<timestamp> with
// results/latest pointing at it.
func batchDir(out string) (string, error) {
	if out != "" {
		return out, os.MkdirAll(out, 0o755)
	}
	base := "results"
	stamp := time.Now().Format("20060102-150405")
	dir := filepath.Join(base, stamp)
	for i := 2; ; i++ {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			break
		}
		dir = filepath.Join(base, fmt.Sprintf("%s-%d", stamp, i))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	latest := filepath.Join(base, "latest")
	_ = os.Remove(latest)
	_ = os.Symlink(filepath.Base(dir), latest)
	return dir, nil
}
