package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// FuzzReport: whatever history the reader accepts, its analysis is drawn
// and reported without a panic or an error, into whole files.
// go test ./report -run '^$' -fuzz FuzzReport -fuzzminimizetime 2s
func FuzzReport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "sim", "analyze", "testdata", "*.jsonl"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 32<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := history.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		a := analyze.Analyze(l)
		dir := t.TempDir()
		if err := plots.Draw(a, dir, plots.Options{Formats: []string{"svg"}}); err != nil {
			t.Fatalf("charts: %v", err)
		}
		if err := Scenario(dir, a); err != nil {
			t.Fatalf("report: %v", err)
		}
		for _, name := range []string{HTMLFile, MDFile} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})
}
