package main

import (
	"github.com/spf13/cobra"

	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/scenario"
)

func newPredictCmd(a *app) *cobra.Command {
	var only []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "predict FILE",
		Short: "Predict from the settings alone what each scenario's run will show, without running it",
		Long: `Predict from the settings alone, without running anything, what each scenario
of FILE will show: per death, the zombie window (the death table's), how the
messages the dead member held are handed over (Close(), removal or AckWait
expiry, whichever comes first) and after how long, and how many messages the
server sends it while it is dead; per queue group, the out-of-order pairs to
expect. Each prediction is a range (min to max). A sweep gives one entry per
cell. README.md, "Predictions", states each rule with its formula.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			a.code = cmdPredict(a, args[0], only, asJSON)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&only, "only", nil, "predict only these scenarios (comma-separated names; slow ones included)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

func cmdPredict(a *app, file string, only []string, asJSON bool) int {
	f, err := scenario.Load(file)
	if err != nil {
		return a.exitFor(err, true)
	}
	sel, err := f.Select(only, nil)
	if err != nil {
		return a.exitFor(err, true)
	}
	names := make([]string, len(sel))
	for i, s := range sel {
		names[i] = s.Name
	}
	if len(only) == 0 {
		names = nil // every scenario, slow ones included
	}
	r, err := predict.File(f, names)
	if err != nil {
		return a.exitFor(err, true)
	}
	write := predict.WriteText
	if asJSON {
		write = predict.WriteJSON
	}
	if err := write(a.stdout, r); err != nil {
		return a.exitFor(err, false)
	}
	return exitOK
}
