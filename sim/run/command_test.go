//go:build unix

package run_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/simtest"
)

var (
	buildOnce sync.Once
	builtDir  string
	builtBin  string
	buildErr  error
)

// goListener builds examples/go-listener once per test binary: the
// smallest command member, a real program speaking the protocol.
func goListener(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "stansim-go-listener-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(builtDir, "go-listener")
		out, err := exec.Command("go", "build", "-o", builtBin, "../../examples/go-listener").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func removeBuilt() {
	if builtDir != "" {
		_ = os.RemoveAll(builtDir)
	}
}

// A member that is the scenario's own program, killed by real signals,
// shows what stansim's own members show: SIGTERM with a handler that calls
// Close() leaves no zombie subscription; without the handler, SIGKILL and
// SIGSTOP leave one inside the heartbeat prediction. Everything published
// is done, through the program's own deliver and done lines.
func TestCommandMembers(t *testing.T) {
	bin := goListener(t)
	const sample = 20 * time.Millisecond
	hb := analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2}
	cases := []struct {
		death      death.Kind
		closeOnSig bool
		recorded   death.Kind
		zombie     bool
	}{
		{death.Graceful, true, death.Graceful, false},
		{death.Graceful, false, death.UnhandledTerm, true},
		{death.Forced, true, death.Forced, true},
		{death.Hang, true, death.Hang, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-close-%v", c.death, c.closeOnSig), func(t *testing.T) {
			args := fmt.Sprintf("[%q]", bin)
			if !c.closeOnSig {
				args = fmt.Sprintf("[%q, -no-close]", bin)
			}
			a := simtest.Run(t, fmt.Sprintf(`
name: command
duration: 12s
sample_interval: %v
server: {heartbeat: {interval: %v, timeout: %v, fail_count: %d}}
publishers: [{name: p, channel: c, count: 30, rate: 20, keys: 2}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 2s, mode: command, command: %s, close_on_signal: %v}]
faults: [{at: 600ms, member: g-1, death: %s}]
`, sample, hb.Interval, hb.Timeout, hb.FailCount, args, c.closeOnSig, c.death))
			d := onlyDeath(t, a)
			if d.Kind != c.recorded {
				t.Fatalf("recorded death %q, want %q", d.Kind, c.recorded)
			}
			checkZombie(t, d, sample, c.zombie)
			if a.Summary.Lost != 0 || a.Summary.Reason != history.ReasonDone || a.Summary.Processed != 30 {
				t.Errorf("processed %d, lost %d, reason %s: want 30, 0, done", a.Summary.Processed, a.Summary.Lost, a.Summary.Reason)
			}
			if a.Summary.ProgramProblems != 0 {
				t.Errorf("program problems %+v, want none", a.Problems)
			}
			if len(a.Exits) < 2 {
				t.Errorf("%d member_exit lines, want one per member process", len(a.Exits))
			}
		})
	}
}

// Programs that cannot start, exit at once, print what is not the
// protocol or report nothing: each is named, with its exit status and its
// stderr's last lines, and the history keeps everything recorded.
func TestCommandProblems(t *testing.T) {
	bin := goListener(t)
	cases := []struct {
		name    string
		command string
		failed  []string // the run fails, its error says these
		problem string   // else the analysis finds this problem
		detail  string   // in the problem's exit
		lost    int
	}{
		{name: "cannot-start", command: `["/nonexistent/stansim-no-such-program"]`,
			failed: []string{"could not start", "no such file"}},
		{name: "exits-at-once", command: `[sh, -c, 'echo "cannot reach the server: boom" >&2; exit 3']`,
			failed: []string{"before it subscribed", "exit status 3", "boom"}},
		// A greeting on stdout: every message is still done.
		{name: "garbage", command: fmt.Sprintf(`[sh, -c, 'echo "listener ready"; exec "$0"', %q]`, bin),
			problem: analyze.ProblemBadLines, detail: "listener ready"},
		{name: "silent", command: fmt.Sprintf(`[sh, -c, '"$0" > /dev/null', %q]`, bin),
			problem: analyze.ProblemSilent, lost: 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := simtest.Scenario(t, fmt.Sprintf(`
name: bad-%s
duration: 3s
publishers: [{name: p, channel: c, count: 5, rate: 50}]
listeners: [{group: g, channel: c, members: 1, mode: command, command: %s}]
`, c.name, c.command))
			dir := t.TempDir()
			res, err := run.Run(t.Context(), sc, dir, run.Options{NoServerLog: true})
			if res == nil {
				t.Fatalf("no history: %v", err)
			}
			a, rerr := analyze.ReadFile(res.History)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if c.failed != nil {
				if err == nil || res.Reason != history.ReasonFailed {
					t.Fatalf("reason %s, error %v: want a failed run", res.Reason, err)
				}
				for _, w := range c.failed {
					if !strings.Contains(err.Error(), w) || !strings.Contains(a.Log.End.Err, w) {
						t.Errorf("error %q (run_end %q) does not say %q", err, a.Log.End.Err, w)
					}
				}
				if !strings.Contains(err.Error(), "member g-1") {
					t.Errorf("error %q does not name the member", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var found *analyze.Problem
			for i := range a.Problems {
				if a.Problems[i].Kind == c.problem {
					found = &a.Problems[i]
				}
			}
			if found == nil {
				t.Fatalf("problems %+v: want %s", a.Problems, c.problem)
			}
			if found.Exit.Member != "g-1" || found.Exit.By != history.ByStop || !strings.Contains(found.Exit.FirstBad, c.detail) {
				t.Errorf("problem %+v, exit %+v: want g-1 stopped at the end, first bad line with %q", found, *found.Exit, c.detail)
			}
			if a.Summary.ProgramProblems != len(a.Problems) || a.Summary.Lost != c.lost {
				t.Errorf("summary: %d problems, %d lost; want %d, %d", a.Summary.ProgramProblems, a.Summary.Lost, len(a.Problems), c.lost)
			}
		})
	}
}

// A program's last lines are read before it is reaped: a program that
// fills its stdout pipe and exits at once has every line counted, and no
// read error taken for a line of its own.
func TestCommandLastLinesKept(t *testing.T) {
	sc := simtest.Scenario(t, `
name: last-lines
duration: 3s
publishers: [{name: p, channel: c, count: 1, rate: 1}]
listeners: [{group: g, channel: c, members: 1, mode: command, command: [sh, -c, 'yes line | head -n 20000; exit 3']}]
`)
	for range 5 {
		res, err := run.Run(t.Context(), sc, t.TempDir(), run.Options{NoServerLog: true})
		if err == nil || res == nil {
			t.Fatalf("the run did not fail: %v", err)
		}
		a, rerr := analyze.ReadFile(res.History)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if len(a.Exits) != 1 || a.Exits[0].BadLines != 20000 || a.Exits[0].FirstBad != "line" || a.Exits[0].Status != "exit status 3" {
			t.Fatalf("exits %+v: want one, 20000 bad lines, exit status 3", a.Exits)
		}
	}
}
