// Package simtest is the shared test harness: it runs a scenario written
// inline against a real embedded server and hands back the analysis, so
// tests read like the scenario they check.
package simtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/scenario"
)

// Scenario parses one scenario written as YAML (a single mapping).
func Scenario(t testing.TB, yaml string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.ParseScenario("inline.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("scenario:\n%v", err)
	}
	return sc
}

// Run runs the scenario into a temporary folder and analyses its history.
func Run(t testing.TB, yaml string) *analyze.Analysis {
	t.Helper()
	return RunContext(t, context.Background(), Scenario(t, yaml))
}

// RunContext runs sc with ctx and analyses the history.
func RunContext(t testing.TB, ctx context.Context, sc *scenario.Scenario) *analyze.Analysis {
	t.Helper()
	dir := filepath.Join(t.TempDir(), sc.Name)
	res, err := run.Run(ctx, sc, dir, run.Options{})
	if err != nil {
		t.Fatalf("run %s: %v", sc.Name, err)
	}
	l, err := history.ReadFile(res.History)
	if err != nil {
		t.Fatalf("read history: %v", err)
	}
	a := analyze.Analyze(l)
	t.Logf("%s: %s, summary %+v", sc.Name, dir, a.Summary)
	return a
}

// CheckFor polls f every interval until it returns nil or total has passed,
// then fails the test with f's last error (nats-server's checkFor).
func CheckFor(t testing.TB, total, interval time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	var err error
	for {
		if err = f(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(interval)
	}
	t.Fatalf("after %v: %v", total, err)
}

// Within reports an error unless lo <= got <= hi.
func Within(what string, got, lo, hi time.Duration) error {
	if got < lo || got > hi {
		return fmt.Errorf("%s = %v, want within [%v, %v]", what, got, lo, hi)
	}
	return nil
}

// AckWaitRedelivery reports an error unless a redelivery at redelivered
// (run nanoseconds) came when an AckWait of wait ran out. The server starts
// AckWait when it sends the copy: after sentAfter (the publish) and before
// the member recorded it (recorded), which on a loaded machine can be tens
// of milliseconds later. So the redelivery lies between sentAfter+wait
// (less early: a server may fire its timer that much before) and
// recorded+wait+margin.
func AckWaitRedelivery(what string, sentAfter, recorded, redelivered int64, wait, early, margin time.Duration) error {
	lo, hi := time.Duration(redelivered-sentAfter), time.Duration(redelivered-recorded)
	if lo < wait-early || hi > wait+margin {
		return fmt.Errorf("%s %v after the publish and %v after the recorded delivery, want at least %v after the one and at most %v after the other",
			what, lo, hi, wait-early, wait+margin)
	}
	return nil
}
