package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/stansim/stansim/batch"
	"github.com/stansim/stansim/outfile"
)

// runFlags are the flags of run (and of the bare root command).
type runFlags struct {
	only, tags []string
	out        string
	parallel   int
	seed       int64
	noLog      bool
	noRender   bool
	json       bool
	force      bool
}

func addRunFlags(cmd *cobra.Command) *runFlags {
	f := &runFlags{}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.only, "only", nil, "run only these scenarios (comma-separated names; slow ones included)")
	fl.StringSliceVar(&f.tags, "tags", nil, "also run scenarios with these tags (e.g. slow)")
	fl.StringVar(&f.out, "out", "", "batch folder (default results/<timestamp>, with results/latest)")
	fl.IntVar(&f.parallel, "parallel", 0, "scenarios run at once (default: as many as their publish rates let half the CPUs carry, at most 32)")
	fl.Int64Var(&f.seed, "seed", 0, "replace every scenario's seed")
	fl.BoolVar(&f.noLog, "no-server-log", false, "do not write server.log")
	fl.BoolVar(&f.noRender, "no-render", false, "write history and summary only; draw later with stansim report")
	fl.BoolVar(&f.json, "json", false, "print one JSON document on stdout (the table goes to stderr)")
	fl.BoolVar(&f.force, "force", false, "replace scenario folders in --out that hold an earlier run")
	return f
}

func newRunCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [FILE]",
		Short: "Run the scenarios of FILE (default scenarios.yaml)",
		Long: `Run the scenarios of FILE (default scenarios.yaml), each against its own embedded
server, then write every scenario folder's summary, charts and reports, the
batch's index.html, summary.csv and junit.xml. Scenarios tagged slow run only
when named with --only or with --tags slow. A failed expectation exits 3.`,
		Args: cobra.MaximumNArgs(1),
	}
	rf := addRunFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		a.code = cmdRun(a, cmd, rf, args)
		return nil
	}
	return cmd
}

func cmdRun(a *app, cmd *cobra.Command, rf *runFlags, args []string) int {
	if rf.parallel < 0 {
		return a.usageErr("--parallel must be >= 0")
	}
	table := a.stdout
	if rf.json {
		table = a.stderr
	}
	cfg := batch.Config{
		File: "scenarios.yaml", Only: rf.only, Tags: rf.tags, Out: rf.out, Parallel: rf.parallel,
		Log: a.stderr, Terminal: a.terminal(), NoServerLog: rf.noLog, NoRender: rf.noRender, Force: rf.force,
	}
	if len(args) == 1 {
		cfg.File = args[0]
	}
	if cmd.Flags().Changed("seed") {
		cfg.Seed = &rf.seed
	}
	scs, warnings, err := batch.Load(cfg)
	if err != nil { // every Load error is bad input: file, schema or selection
		return a.exitFor(err, true)
	}
	for _, w := range warnings {
		fmt.Fprintln(a.stderr, "warning:", w)
	}
	if len(scs) == 0 {
		return a.usageErr("%s: no scenario selected", cfg.File)
	}
	res, err := batch.Run(a.ctx, cfg, scs)
	if err != nil && res == nil {
		// A folder in use or holding an earlier run is bad usage.
		return a.exitFor(err, errors.Is(err, outfile.ErrInUse) || errors.Is(err, batch.ErrEarlierRun))
	}
	if err != nil {
		fmt.Fprintln(a.stderr, "stansim:", err)
	}
	a.report(table, res)
	if rf.json {
		if err := batch.WriteJSON(a.stdout, res); err != nil {
			fmt.Fprintln(a.stderr, "stansim:", err)
			return exitFailed
		}
	}
	switch {
	case res.Interrupted():
		fmt.Fprintf(a.stderr, "interrupted: partial histories kept; redraw with: stansim report %s\n", res.Dir)
		return exitInterrupted
	case res.Failed() || err != nil:
		return exitFailed
	case res.ExpectationsFailed():
		return exitExpectation
	}
	return exitOK
}

// report prints the table, the outcomes' errors and failed expectations,
// and where the batch went.
func (a *app) report(w io.Writer, res *batch.Result) {
	fmt.Fprintln(w)
	_ = batch.WriteTable(w, res.Outcomes)
	fmt.Fprintln(w)
	for _, o := range res.Outcomes {
		if o.Err != nil {
			fmt.Fprintln(a.stderr, "stansim:", o.Err)
		}
		if o.Summary == nil {
			continue
		}
		for _, e := range o.Summary.Failed() {
			fmt.Fprintf(a.stderr, "expectation failed: %s: %s: want %s, got %v\n", o.Scenario.Name, e.Path, e.Want, gotText(e.Got))
		}
	}
	fmt.Fprintln(w, "batch folder:", abs(res.Dir))
	if res.Index != "" {
		fmt.Fprintln(w, "index:       ", abs(res.Index))
	}
	if res.JUnit != "" {
		fmt.Fprintln(w, "junit:       ", abs(res.JUnit))
	}
}

func gotText(v any) string {
	if v == nil {
		return "none (null)"
	}
	return fmt.Sprint(v)
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
