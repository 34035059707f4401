package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stansim/stansim/batch"
)

func cmdReport(args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	pdf := fs.Bool("pdf", false, "also write PDF charts")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return inputError(err)
	}
	if len(pos) != 1 {
		return inputError(usageError{"report takes one folder"})
	}
	opt := batch.RenderOptions{}
	if *pdf {
		opt.Formats = []string{"svg", "png", "pdf"}
	}
	res, err := batch.Rebuild(pos[0], opt)
	if err != nil {
		if os.IsNotExist(err) {
			return inputError(usageError{err.Error()})
		}
		fmt.Fprintln(os.Stderr, "stansim:", err)
		return exitFailed
	}
	_ = batch.WriteTable(os.Stdout, res.Outcomes)
	if res.Index != "" {
		fmt.Println("index:", abs(res.Index))
	} else {
		fmt.Println("report:", abs(pos[0]))
	}
	return exitOK
}
