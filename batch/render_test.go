package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
