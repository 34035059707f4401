package plots

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// sweepGrid is a 3 x 2 grid with two runs per cell, one cell without runs
// and one without a prediction.
func sweepGrid() SweepGrid {
	p := func(lo, hi float64) *[2]float64 { return &[2]float64{lo, hi} }
	return SweepGrid{
		Name: "heartbeat-sweep", Figure: "zombie_ms", Label: "zombie window (ms)",
		X: SweepAxis{Path: "server.heartbeat.interval", Values: []string{"100ms", "250ms", "500ms"}},
		Y: SweepAxis{Path: "server.heartbeat.fail_count", Values: []string{"1", "2"}},
		Cells: [][]SweepCell{
			{{Measured: []float64{150, 180}, Predicted: p(100, 200)}, {Measured: []float64{300, 450}, Predicted: p(250, 500)}, {Measured: []float64{700, 900}, Predicted: p(500, 1000)}},
			{{Measured: []float64{250, 260}, Predicted: p(200, 300)}, {}, {Measured: []float64{1300, 1400}}},
		},
	}
}

// The sweep charts are pure functions of the grid (the same bytes twice)
// and match their goldens (go test ./plots -run Sweep -regen rewrites them).
func TestSweepCharts(t *testing.T) {
	one := sweepGrid()
	one.Y, one.Cells = SweepAxis{}, one.Cells[:1]
	for _, tc := range []struct {
		name string
		g    SweepGrid
	}{{"two-axes", sweepGrid()}, {"one-axis", one}} {
		for _, c := range SweepCharts {
			t.Run(tc.name+"/"+c.Name, func(t *testing.T) {
				var a, b bytes.Buffer
				for _, buf := range []*bytes.Buffer{&a, &b} {
					fig, err := c.Draw(tc.g)
					if err != nil {
						t.Fatal(err)
					}
					if err := fig.Render(buf, "svg", Options{}); err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatal("two drawings differ")
				}
				stem := "sweep-" + tc.name + "_" + c.Name
				golden := filepath.Join("testdata", stem+"_golden.svg")
				if *regen {
					if err := os.WriteFile(golden, a.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if outDir != "" {
					_ = os.WriteFile(filepath.Join(outDir, stem+".svg"), a.Bytes(), 0o644)
					if fig, err := c.Draw(tc.g); err == nil {
						_ = fig.SaveAs(filepath.Join(outDir, stem+".png"), "png", Options{})
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), want) {
					t.Errorf("%s differs from its golden", golden)
				}
			})
		}
	}
}

// DrawSweep writes every sweep chart in the default formats.
func TestDrawSweep(t *testing.T) {
	dir := t.TempDir()
	if err := DrawSweep(sweepGrid(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range SweepCharts {
		for _, f := range DefaultFormats {
			if _, err := os.Stat(filepath.Join(dir, c.Name+"."+f)); err != nil {
				t.Error(err)
			}
		}
	}
}
