package bench

import (
	"context"
	"fmt"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/scenario"
)

// recorded runs the workload as stansim runs a scenario: sim/run's
// members, publisher, sampler and recorder, history.jsonl written into dir.
func recorded(ctx context.Context, sc *scenario.Scenario, dir string) error {
	res, err := run.Run(ctx, sc, dir, run.Options{NoServerLog: true})
	if err != nil {
		return err
	}
	if res.Reason != history.ReasonDone {
		return fmt.Errorf("recorded run ended %s: %w", res.Reason, errStalled)
	}
	return nil
}
