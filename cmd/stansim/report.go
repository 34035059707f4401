package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/stansim/stansim/batch"
)

func cmdReport(args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	pdf := fs.Bool("pdf", false, "also write PDF charts")
	window := fs.String("window", "", "timeline window in run time, FROM,TO (e.g. 1s,3.5s); default: around the first death")
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
	if *window != "" {
		w, err := parseWindow(*window)
		if err != nil {
			return inputError(usageError{"--window: " + err.Error()})
		}
		opt.Window = &w
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
