package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, as the README states them.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitExpectation = 3
	exitInterrupted = 130
)

// app is one invocation: the context that signals cancel, and the exit
// code the command chose.
type app struct {
	ctx    context.Context
	code   int
	stdout io.Writer
	stderr io.Writer
}

// newRoot builds the command tree. The root runs the batch, as `run` does.
func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "stansim",
		Short: "Shows, with a real NATS Streaming server, what happens to event order when consumers die",
		Long: `stansim runs scenarios against an embedded NATS Streaming server: publishers,
queue-group listeners and injected member deaths (graceful Close(), interrupt,
forced kill, hang). It records every publish, delivery and ack in history.jsonl
and turns the record into summaries, charts, reports and course diagrams.

Without a command it runs the batch in scenarios.yaml (as "stansim run").

Exit status: 0 ok, 1 a run failed, 2 bad usage or input, 3 an expectation
failed, 130 interrupted.`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	rf := addRunFlags(root)
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		a.code = cmdRun(a, cmd, rf, nil)
		return nil
	}
	root.AddCommand(newRunCmd(a), newValidateCmd(a), newReportCmd(a), newDiagramCmd(a), newCompareCmd(a), newPredictCmd(a))
	root.AddCommand(newBenchCmd(a))
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			// Runnable, so that its arguments are checked: an unknown shell
			// is an unknown command (exit 2), not a help page (exit 0).
			c.Args = cobra.NoArgs
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
	}
	return root
}

// execute runs the command line and returns the exit code.
func (a *app) execute(args []string) int {
	root := newRoot(a)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if a.ctx.Err() != nil {
		// One policy for every command and phase: an interrupt (SIGINT,
		// SIGTERM, SIGHUP) stops the work, keeps what was recorded, and
		// exits 130.
		return exitInterrupted
	}
	if err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "unknown command") {
			msg += "\nRun 'stansim --help' for the commands."
		} else if cmd != nil {
			msg += fmt.Sprintf("\nRun '%s --help' for usage.", cmd.CommandPath())
		}
		fmt.Fprintln(a.stderr, "stansim:", msg)
		return exitUsage
	}
	return a.code
}

// usageErr is a usage error a command found itself (exit 2).
func (a *app) usageErr(format string, args ...any) int {
	fmt.Fprintf(a.stderr, "stansim: "+format+"\n", args...)
	return exitUsage
}

// versionString names stansim's module version and the server and client
// versions it embeds.
func versionString() string {
	v := "(devel)"
	deps := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			deps[d.Path] = d.Version
		}
	}
	lines := []string{"stansim " + v}
	for _, lib := range []string{
		"github.com/nats-io/nats-streaming-server", "github.com/nats-io/stan.go",
		"github.com/nats-io/nats-server/v2", "github.com/nats-io/nats.go",
	} {
		if dv := deps[lib]; dv != "" {
			lines = append(lines, fmt.Sprintf("  %s %s", lib, dv))
		}
	}
	return strings.Join(lines, "\n")
}

// exitFor maps an error from a package call to an exit code, after printing it.
func (a *app) exitFor(err error, usage bool) int {
	fmt.Fprintln(a.stderr, "stansim:", err)
	if usage || errors.Is(err, os.ErrNotExist) {
		return exitUsage
	}
	return exitFailed
}

// terminal reports whether stderr is a sized terminal (live progress bars).
func (a *app) terminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && isTerminal(f)
}
