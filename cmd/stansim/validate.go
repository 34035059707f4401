package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stansim/stansim/sim/scenario"
)

func cmdValidate(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return inputError(err)
	}
	if len(pos) != 1 {
		return inputError(usageError{"validate takes one scenario file"})
	}
	f, err := scenario.Load(pos[0])
	if err != nil {
		return inputError(err)
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	fmt.Printf("%s: %d scenarios ok\n", pos[0], len(f.Scenarios))
	return exitOK
}
