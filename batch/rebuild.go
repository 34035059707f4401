package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/scenario"
)

// Rebuild redraws a scenario folder, or every scenario folder of a batch
// folder and then its index, from the histories alone.
func Rebuild(ctx context.Context, dir string, opt RenderOptions) (*Result, error) {
	opt.Interruptible = true // nothing is lost: the histories are all there is
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	unlock, err := outfile.Lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	res := &Result{Dir: dir}
	if IsScenarioDir(dir) {
		o, err := renderOutcome(ctx, dir, opt)
		res.Outcomes = append(res.Outcomes, o)
		return res, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	sweeps := map[string]bool{}
	for _, e := range entries {
		switch sub := filepath.Join(dir, e.Name()); {
		case !e.IsDir():
		case IsScenarioDir(sub):
			names = append(names, e.Name())
		case sweepHasRuns(sub):
			names = append(names, e.Name())
			sweeps[e.Name()] = true
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no %s here or in its sub-folders: %w", dir, "history.jsonl", os.ErrNotExist)
	}
	sort.Strings(names)
	var errs []error
	for _, n := range names {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		render := renderOutcome
		if sweeps[n] {
			render = rebuildSweep
		}
		o, err := render(ctx, filepath.Join(dir, n), opt)
		res.Outcomes = append(res.Outcomes, o)
		errs = append(errs, err)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	idx, err := writeIndex(dir, res.Outcomes)
	res.Index = idx
	return res, errors.Join(append(errs, err)...)
}

func renderOutcome(ctx context.Context, dir string, opt RenderOptions) (Outcome, error) {
	o := Outcome{Dir: dir}
	a, err := Render(ctx, dir, opt)
	if a != nil {
		s := a.Summary // a copy: the outcome must not keep the whole analysis alive
		o.Summary = &s
		o.Reason = a.Summary.Reason
		o.Scenario = scenario.Scenario{Name: a.Summary.Scenario, Description: a.Settings.Description}
		err = errors.Join(err, a.Close())
	}
	o.Err = err
	return o, err
}
