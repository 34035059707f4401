package batch

import (
	"context"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
)

// drawAll writes the charts, then the reports that inline them; an
// interrupt stops it between files.
func drawAll(ctx context.Context, dir string, a *analyze.Analysis, opt RenderOptions) error {
	po := plots.Options{Formats: opt.Formats, Window: opt.Window}
	if opt.Serial {
		po.Workers = 1
	}
	if err := plots.DrawContext(ctx, a, dir, po); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return report.Scenario(dir, a)
}
