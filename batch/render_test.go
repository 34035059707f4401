package batch

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// TestRenderAfterInterrupt: with its context already done, Render writes
// the summary (a run's own rendering keeps it) unless it is Interruptible
// and drawing (stansim report), which stops in the analysis itself.
func TestRenderAfterInterrupt(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "diagram", "testdata", "two-deaths", history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name    string
		opt     RenderOptions
		summary bool
	}{
		{"run", RenderOptions{}, true},
		{"run-summary-only", RenderOptions{SummaryOnly: true}, true},
		{"report", RenderOptions{Interruptible: true}, false},
		{"report-summary-only", RenderOptions{Interruptible: true, SummaryOnly: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, history.FileName), src, 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := Render(done, dir, c.opt)
			_, statErr := os.Stat(filepath.Join(dir, analyze.SummaryFile))
			if wrote := statErr == nil; wrote != c.summary || (a != nil) != c.summary {
				t.Fatalf("summary written %v, analysis %v; want %v", wrote, a != nil, c.summary)
			}
			if !c.opt.SummaryOnly && !errors.Is(err, context.Canceled) {
				t.Errorf("err %v, want context.Canceled", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "timeline.svg")); err == nil {
				t.Error("a chart was drawn after the interrupt")
			}
		})
	}
}

// TestHeapBudget: a render with a heap budget sets the process's soft
// memory limit to it when none is set, keeps a limit already set, and
// raises the limit to twice the live heap when the analysis fills more
// than 70% of it; without a budget it leaves the limit alone.
func TestHeapBudget(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "diagram", "testdata", "two-deaths", history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	render := func(opt RenderOptions) int64 {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, history.FileName), src, 0o644); err != nil {
			t.Fatal(err)
		}
		opt.SummaryOnly = true
		if _, err := Render(context.Background(), dir, opt); err != nil {
			t.Fatal(err)
		}
		return debug.SetMemoryLimit(-1)
	}
	const huge = int64(1 << 40) // far above this test's heap: never raised
	for _, c := range []struct {
		name        string
		before, set int64
		want        func(int64) bool
	}{
		{"no budget", math.MaxInt64, 0, func(l int64) bool { return l == math.MaxInt64 }},
		{"budget", math.MaxInt64, huge, func(l int64) bool { return l == huge }},
		{"a limit already set", 3 * huge, huge, func(l int64) bool { return l == 3*huge }},
		// The test binary's live heap is well over 70% of a 1 KiB budget.
		{"raised for the live heap", math.MaxInt64, 1 << 10, func(l int64) bool { return l > 1<<20 }},
	} {
		debug.SetMemoryLimit(c.before)
		if got := render(RenderOptions{HeapBudget: c.set}); !c.want(got) {
			t.Errorf("%s: limit %d after the render", c.name, got)
		}
	}
}
