package main

import (
	"fmt"
	"io"
)

func usage(w io.Writer) {
	fmt.Fprint(w, `stansim shows, with a real NATS Streaming server, what happens to event order
when consumers die.

Usage:
  stansim [run] [FILE] [--only NAME,...] [--tags TAG,...] [--out DIR] [--parallel N] [--seed N]
        run the scenarios in FILE (default scenarios.yaml); slow scenarios only
        when named with --only or with --tags slow
  stansim validate FILE
        check a scenario file; every error with file:line and field
  stansim report DIR
        rebuild summary, charts and reports from DIR/history.jsonl (or every
        scenario folder of a batch folder, and its index)
  stansim diagram PRESET [--out DIR] [--seed N]
        a course diagram from a small real run (presets: graceful-vs-forced,
        ackwait-redelivery, out-of-order)

Exit status: 0 ok, 1 a run failed, 2 bad usage or input, 130 interrupted.
`)
}
