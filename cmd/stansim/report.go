package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stansim/stansim/batch"
	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/history"
)

func newReportCmd(a *app) *cobra.Command {
	var pdf bool
	var window string
	cmd := &cobra.Command{
		Use:   "report DIR",
		Short: "Rebuild summary, charts and reports from DIR/history.jsonl",
		Long: `Rebuild summary.json, the charts and the reports of a scenario folder from its
history.jsonl alone, without running anything; given a batch folder, every
scenario folder in it and the batch's index.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			a.code = cmdReport(a, args[0], pdf, window)
			return nil
		},
	}
	cmd.Flags().BoolVar(&pdf, "pdf", false, "also write PDF charts")
	cmd.Flags().StringVar(&window, "window", "", "timeline window in run time, FROM,TO (e.g. 1s,3.5s); default: around the first death")
	return cmd
}

// reportHeapBudget is the heap `stansim report` renders within, unless
// GOMEMLIMIT sets a limit of its own (batch.RenderOptions.HeapBudget,
// measured in BENCHMARKS.md).
const reportHeapBudget = 104 << 20

// heapBudget is reportHeapBudget, or 0 when the environment's GOMEMLIMIT
// (getenv) set a limit the report must keep to.
func heapBudget(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	return reportHeapBudget
}

func cmdReport(a *app, dir string, pdf bool, window string) int {
	opt := batch.RenderOptions{HeapBudget: heapBudget(os.Getenv)}
	if pdf {
		opt.Formats = []string{"svg", "png", "pdf"}
	}
	if window != "" {
		w, err := parseWindow(window)
		if err != nil {
			return a.usageErr("--window: %v", err)
		}
		opt.Window = &w
	}
	res, err := batch.Rebuild(a.ctx, dir, opt)
	if err != nil {
		return a.exitFor(err, errors.Is(err, outfile.ErrInUse) || errors.Is(err, os.ErrNotExist) || errors.Is(err, history.ErrMalformed))
	}
	_ = batch.WriteTable(a.stdout, res.Outcomes)
	if res.Index != "" {
		fmt.Fprintln(a.stdout, "index:", abs(res.Index))
	} else {
		fmt.Fprintln(a.stdout, "report:", abs(dir))
	}
	return exitOK
}

// parseWindow reads "FROM,TO" as two durations with FROM < TO.
func parseWindow(v string) ([2]time.Duration, error) {
	var w [2]time.Duration
	from, to, ok := strings.Cut(v, ",")
	if !ok {
		return w, fmt.Errorf("%q: want FROM,TO such as 1s,3.5s", v)
	}
	for i, part := range []string{from, to} {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil {
			return w, fmt.Errorf("%q: %w", v, err)
		}
		w[i] = d
	}
	if w[0] < 0 || w[0] >= w[1] {
		return w, fmt.Errorf("%q: FROM must be >= 0 and before TO", v)
	}
	return w, nil
}
