package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stansim/stansim/sim/scenario"
)

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a scenario file; every error with file:line and field",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			f, err := scenario.Load(args[0])
			if err != nil {
				a.code = a.exitFor(err, true)
				return nil
			}
			for _, w := range f.Warnings {
				fmt.Fprintln(a.stderr, "warning:", w)
			}
			fmt.Fprintf(a.stdout, "%s: %d scenarios ok\n", args[0], len(f.Scenarios))
			return nil
		},
	}
}
