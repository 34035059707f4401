package batch

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
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

// TestHeapBudget: a heap budget is the process's soft memory limit while
// some render holds it (the first sets it, the last takes it away), is
// raised at once to twice the live heap when that fills more than 70% of
// it, and never replaces a limit the process had already. Render holds it
// for its HeapBudget and gives it back.
func TestHeapBudget(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	const huge = int64(1 << 40) // far above this test's heap: never raised

	debug.SetMemoryLimit(math.MaxInt64)
	first := holdHeapBudget(huge)
	second := holdHeapBudget(huge)
	if got := limit(); got != huge {
		t.Errorf("held: limit %d, want the budget %d", got, huge)
	}
	first()
	first() // a second call of one release changes nothing
	if got := limit(); got != huge {
		t.Errorf("one of two holds released: limit %d, want %d", got, huge)
	}
	second()
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("all released: limit %d, want none", got)
	}

	// The test binary's live heap (known once a collection ran) is far
	// over 1 KiB: the first look raises the limit.
	runtime.GC()
	release := holdHeapBudget(1 << 10)
	if got := limit(); got <= 1<<20 {
		t.Errorf("a 1 KiB budget stayed at %d, not raised for the live heap", got)
	}
	release()

	debug.SetMemoryLimit(3 * huge) // as GOMEMLIMIT would
	release = holdHeapBudget(huge)
	if got := limit(); got != 3*huge {
		t.Errorf("with a limit set: %d, want it kept (%d)", got, 3*huge)
	}
	release()
	if got := limit(); got != 3*huge {
		t.Errorf("after the release: %d, want the process's limit kept (%d)", got, 3*huge)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	src, err := os.ReadFile(filepath.Join("..", "diagram", "testdata", "two-deaths", history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, history.FileName), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(context.Background(), dir, RenderOptions{HeapBudget: huge, SummaryOnly: true}); err != nil {
		t.Fatal(err)
	}
	if got := limit(); got != math.MaxInt64 || heapBudget.holders != 0 {
		t.Errorf("after Render: limit %d, %d holders; want none", got, heapBudget.holders)
	}
}

// TestRaisedLimit: the budget gives way to twice the live heap once the
// live heap reaches it or the collector takes more than gcShareMax of the
// CPU, and never shrinks.
func TestRaisedLimit(t *testing.T) {
	const mib = int64(1 << 20)
	for _, c := range []struct {
		limit, live int64
		share       float64
		want        int64
	}{
		{160 * mib, 150 * mib, 0.05, 160 * mib}, // close, and cheap: kept
		{160 * mib, 160 * mib, 0.05, 320 * mib}, // reached
		{160 * mib, 200 * mib, 0, 400 * mib},    // passed
		{160 * mib, 120 * mib, 0.45, 240 * mib}, // the collector at its cap
		{160 * mib, 50 * mib, 0.45, 160 * mib},  // a busy collector with room to spare: no limit's doing
		{160 * mib, 100 * mib, gcShareMax, 160 * mib},
	} {
		if got := raisedLimit(c.limit, c.live, c.share); got != c.want {
			t.Errorf("raisedLimit(%d MiB, live %d MiB, share %.2f) = %d MiB, want %d MiB",
				c.limit/mib, c.live/mib, c.share, got/mib, c.want/mib)
		}
	}
}
