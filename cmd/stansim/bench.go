package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stansim/stansim/bench"
)

func newBenchCmd(a *app) *cobra.Command {
	var asJSON bool
	w := bench.DefaultWorkload()
	reps := 5
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure what recording costs: one workload bare and through stansim",
		Long: `Run the same publish -> queue group -> manual-ack workload two ways in this
process, alternating, for several repetitions: bare (stan.go alone against an
embedded server) and through stansim's actors and recorder (as stansim run
runs a scenario, history.jsonl written to a temporary folder). Each run's CPU
time comes from the process's own accounting (getrusage) and is divided by
the messages. The ratio is the median of each repetition's recorded/bare.

One more repetition warms up first and is not counted. The machine's other
work counts into every run: compare ratios, not absolute figures.`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if w.Messages < 1 || reps < 1 || w.Members < 1 || w.MaxInflight < 1 {
				a.code = a.usageErr("bench: --messages, --reps, --members and --max-inflight must be at least 1")
				return nil
			}
			a.code = cmdBench(a, bench.Config{Workload: w, Reps: reps}, asJSON)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the result as JSON on stdout (progress still goes to stderr)")
	f.IntVar(&w.Messages, "messages", w.Messages, "messages per run")
	f.IntVar(&reps, "reps", reps, "measured repetitions (each a bare and a recorded run)")
	f.IntVar(&w.Members, "members", w.Members, "members of the queue group")
	f.IntVar(&w.MaxInflight, "max-inflight", w.MaxInflight, "max_inflight of each member")
	return cmd
}

func cmdBench(a *app, cfg bench.Config, asJSON bool) int {
	cfg.Progress = func(rep int, kind string, m bench.Measure) {
		label := fmt.Sprintf("repetition %d", rep)
		if rep == 0 {
			label = "warm-up"
		}
		fmt.Fprintf(a.stderr, "%s: %s %.2f µs CPU/msg, %.0f ms\n", label, kind, m.CPUPerMsg, m.WallMs)
	}
	res, err := bench.Run(a.ctx, cfg)
	if err != nil {
		return a.exitFor(err, false)
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = writeBench(a.stdout, res)
	}
	if err != nil {
		return a.exitFor(err, false)
	}
	return exitOK
}

// writeBench prints the result as a table, one row per repetition.
func writeBench(out io.Writer, r *bench.Result) error {
	fmt.Fprintf(out, "%d messages a run, %d members, max_inflight %d, %d repetitions after %d warm-up (GOMAXPROCS %d, %s)\n\n",
		r.Messages, r.Members, r.MaxInflight, r.Reps, r.Warmup, r.GOMAXPROCS, r.Go)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "repetition\tbare µs CPU/msg\trecorded µs CPU/msg\trecorded/bare\t")
	for i, x := range r.Runs {
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.3f\t\n", i+1, x.Bare.CPUPerMsg, x.Recorded.CPUPerMsg, x.Ratio)
	}
	fmt.Fprintf(tw, "median\t%.2f\t%.2f\t%.3f\t\n", r.BareCPU, r.RecordedCPU, r.Ratio)
	return tw.Flush()
}
