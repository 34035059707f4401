// Command stansim runs scenarios against an embedded NATS Streaming server
// and turns what happened into histories, summaries, charts and reports.
// It stays thin: flags in, package calls out (ARCHITECTURE.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/stansim/stansim/sim/run"
)

func main() {
	if run.IsChild() { // a process-mode member: this binary, started again
		os.Exit(run.ChildMain())
	}
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	ctx, stop := interruptContext()
	defer stop()
	a := &app{ctx: ctx, stdout: os.Stdout, stderr: os.Stderr}
	return a.execute(args)
}

// interruptContext is cancelled by the first SIGINT, SIGTERM or SIGHUP (a
// closed terminal); a second one exits at once with status 130.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		fmt.Fprintln(os.Stderr, "\ninterrupted: stopping, keeping what was recorded (Ctrl-C again to exit at once)")
		cancel(errors.New("interrupted"))
		select {
		case <-ch:
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
