package batch

import (
	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
)

// drawAll writes the charts, then the reports that inline them.
func drawAll(dir string, a *analyze.Analysis, opt RenderOptions) error {
	if err := plots.Draw(a, dir, plots.Options{Formats: opt.Formats, Window: opt.Window}); err != nil {
		return err
	}
	return report.Scenario(dir, a)
}
