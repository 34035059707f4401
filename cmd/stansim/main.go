// Command stansim runs scenarios against an embedded NATS Streaming server
// and turns what happened into histories, summaries, charts and reports.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/stansim/stansim/sim/scenario"
)

// Exit codes (DESIGN.md).
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// softMemoryLimit keeps a report of a million-event history under 1 GiB:
// the garbage collector works harder instead of letting the heap double.
// GOMEMLIMIT in the environment overrides it.
const softMemoryLimit = 640 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	ctx, stop := interruptContext()
	defer stop()
	cmd := "run"
	if len(args) > 0 && !isFlag(args[0]) && isCommand(args[0]) {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return cmdRun(ctx, args)
	case "validate":
		return cmdValidate(args)
	case "report":
		return cmdReport(args)
	case "diagram":
		return cmdDiagram(ctx, args)
	case "help":
		usage(os.Stdout)
		return exitOK
	}
	return exitUsage
}

func isCommand(s string) bool {
	switch s {
	case "run", "validate", "report", "diagram", "help":
		return true
	}
	return false
}

func isFlag(s string) bool { return len(s) > 1 && s[0] == '-' }

// interruptContext is cancelled by the first SIGINT/SIGTERM; a second one
// exits at once with status 130.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		fmt.Fprintln(os.Stderr, "\ninterrupted: stopping actors and servers (Ctrl-C again to exit at once)")
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

// inputError prints a scenario file's errors and returns exit 2, or 1 for
// other failures (e.g. a file that cannot be read is still bad usage: 2).
func inputError(err error) int {
	fmt.Fprintln(os.Stderr, "stansim:", err)
	var es scenario.Errors
	if errors.As(err, &es) || errors.Is(err, os.ErrNotExist) || errors.As(err, new(usageError)) {
		return exitUsage
	}
	return exitFailed
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
