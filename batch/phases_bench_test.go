package batch

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// BenchmarkReportPhases times each phase of `stansim report` on the
// history STANSIM_BENCH_HISTORY names (a real run's, e.g. bench/million.yaml's):
// reading and analysing, each chart (drawn, then rendered as SVG and PNG),
// the predictor the reports show beside the measured figures, and the
// reports (predictor included). BENCHMARKS.md gives each phase's share.
//
//	STANSIM_BENCH_HISTORY=/tmp/m1/million/history.jsonl go test ./batch -run '^$' -bench ReportPhases -benchtime 3x
func BenchmarkReportPhases(b *testing.B) {
	path := os.Getenv("STANSIM_BENCH_HISTORY")
	if path == "" {
		b.Skip("STANSIM_BENCH_HISTORY names no history")
	}
	b.Run("read+analyze", func(b *testing.B) {
		for b.Loop() {
			if _, err := analyze.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	a, err := analyze.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.Link(path, filepath.Join(dir, history.FileName)); err != nil {
		b.Fatal(err)
	}
	for _, c := range plots.Registry {
		b.Run("chart="+c.Name, func(b *testing.B) {
			for b.Loop() {
				fig, err := c.Draw(a, plots.Options{})
				if err != nil {
					b.Fatal(err)
				}
				for _, f := range plots.DefaultFormats {
					if err := fig.Render(io.Discard, f, plots.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
	// The reports inline the charts: draw them into the folder first.
	if err := plots.DrawContext(context.Background(), a, dir, plots.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Run("predictor", func(b *testing.B) {
		for b.Loop() {
			report.Checks(a)
		}
	})
	b.Run("reports", func(b *testing.B) {
		for b.Loop() {
			if err := report.Scenario(dir, a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
