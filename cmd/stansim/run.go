package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stansim/stansim/batch"
	"github.com/stansim/stansim/sim/scenario"
)

func cmdRun(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var only, tags listFlag
	fs.Var(&only, "only", "run only these scenarios (comma-separated names)")
	fs.Var(&tags, "tags", "also run scenarios with these tags (e.g. slow)")
	out := fs.String("out", "", "batch folder (default results/<timestamp>)")
	parallel := fs.Int("parallel", 0, "scenarios run at once (default: number of CPUs)")
	seed := fs.Int64("seed", 0, "replace every scenario's seed")
	noLog := fs.Bool("no-server-log", false, "do not write server.log")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return inputError(err)
	}
	if len(pos) > 1 {
		return inputError(usageError{fmt.Sprintf("run takes one scenario file, got %d arguments", len(pos))})
	}
	if *parallel < 0 {
		return inputError(usageError{"--parallel must be >= 0"})
	}
	cfg := batch.Config{
		File: "scenarios.yaml", Only: only, Tags: tags, Out: *out, Parallel: *parallel,
		Log: os.Stderr, Terminal: isTerminal(os.Stderr), NoServerLog: *noLog,
	}
	if len(pos) == 1 {
		cfg.File = pos[0]
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" {
			cfg.Seed = seed
		}
	})
	scs, err := batch.Load(cfg)
	if err != nil { // every Load error is bad input: file, schema or selection
		return inputError(usageError{err.Error()})
	}
	if f, err := scenario.Load(cfg.File); err == nil {
		for _, w := range f.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
	}
	if len(scs) == 0 {
		return inputError(usageError{fmt.Sprintf("%s: no scenario selected", cfg.File)})
	}
	res, err := batch.Run(ctx, cfg, scs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stansim:", err)
		if res == nil {
			return exitFailed
		}
	}
	fmt.Println()
	_ = batch.WriteTable(os.Stdout, res.Outcomes)
	fmt.Println()
	for _, o := range res.Outcomes {
		if o.Err != nil {
			fmt.Fprintln(os.Stderr, "stansim:", o.Err)
		}
	}
	fmt.Println("batch folder:", abs(res.Dir))
	if res.Index != "" {
		fmt.Println("index:       ", abs(res.Index))
	}
	switch {
	case res.Interrupted():
		fmt.Fprintf(os.Stderr, "interrupted: partial histories kept; redraw with: stansim report %s\n", res.Dir)
		return exitInterrupted
	case res.Failed() || err != nil:
		return exitFailed
	}
	return exitOK
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
