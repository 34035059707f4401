package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// RenderOptions choose what Render draws.
type RenderOptions struct {
	SummaryOnly bool     // write summary.json only (after an interrupt)
	Formats     []string // chart formats; default svg and png
	// Window is the timeline's run-time window; nil chooses one around the
	// first death.
	Window *[2]time.Duration
	// Serial draws one chart at a time (a batch, whose other scenarios are
	// still running); otherwise as many as there are CPUs.
	Serial bool
	// HeapBudget, when positive, is the heap the render aims to stay
	// within (heapbudget.go): unless the process has a memory limit
	// already, a soft one, so that a large history's charts make the
	// collector run sooner instead of letting the heap grow to twice what
	// is live.
	HeapBudget int64
	// Interruptible lets ctx stop the analysis itself, before the summary
	// (stansim report: the history is all there is, and a large one takes
	// seconds to read). Otherwise the summary is always written, as a
	// run's own rendering must after an interrupt.
	Interruptible bool
}

// Render rebuilds a scenario folder's summary, charts and reports from its
// history.jsonl alone. Once ctx is done it stops after the summary (or
// between charts, or, Interruptible, during the analysis) and returns
// ctx's error. The caller closes the analysis (Analysis.Close) once done
// with its messages.
func Render(ctx context.Context, dir string, opt RenderOptions) (*analyze.Analysis, error) {
	// One stream: the events pass through the analysis and are not kept;
	// charts and reports draw from the analysis alone.
	if opt.HeapBudget > 0 {
		defer holdHeapBudget(opt.HeapBudget)()
	}
	actx := context.Background()
	if opt.Interruptible && !opt.SummaryOnly {
		actx = ctx
	}
	a, err := analyze.ReadDirContext(actx, dir)
	if err != nil {
		return nil, err
	}
	// What the analysis built lives on; what it made on the way is
	// garbage. Collecting it now (about 20 ms for a million events) lets
	// the charts draw into that memory instead of growing the heap, and
	// fresh memory is what a dense run's report spends most on: its peak
	// is lower and the same from run to run (BENCHMARKS.md, "stansim
	// report against gzip -6").
	runtime.GC()
	if err := a.Summary.WriteFile(filepath.Join(dir, analyze.SummaryFile)); err != nil {
		return a, fmt.Errorf("%s: %w", dir, err)
	}
	if opt.SummaryOnly {
		return a, nil
	}
	if err := drawAll(ctx, dir, a, opt); err != nil {
		return a, fmt.Errorf("%s: %w", dir, err)
	}
	return a, nil
}

// IsScenarioDir reports whether dir holds a history.
func IsScenarioDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, history.FileName))
	return err == nil
}
