package run_test

import (
	"context"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/run"
	"github.com/stansim/stansim/sim/simtest"
)

// Cancelling a run stops it promptly and leaves a history ending with
// run_end interrupted, from which a summary is still computed.
func TestInterruptLeavesReadableHistory(t *testing.T) {
	t.Parallel()
	sc := simtest.Scenario(t, `
name: interrupted
duration: 30s
publishers: [{name: p, channel: c, count: 1000, rate: 50}]
listeners: [{group: g, channel: c, members: 2, process_time: 10ms}]
faults: [{at: 500ms, member: g-1, death: forced}]
`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(1200*time.Millisecond, cancel)
	start := time.Now()
	a := simtest.RunContext(t, ctx, sc)
	if took := time.Since(start); took > 1200*time.Millisecond+2*time.Second {
		t.Errorf("run took %v after cancel, want under 2s", took-1200*time.Millisecond)
	}
	if a.Log.End == nil || a.Log.End.Reason != history.ReasonInterrupted {
		t.Fatalf("run_end = %+v, want reason interrupted", a.Log.End)
	}
	last := a.Log.Events[len(a.Log.Events)-1]
	if last.Ev != history.KindRunEnd {
		t.Errorf("last event %s, want run_end", last.Ev)
	}
	s := a.Summary
	if s.Reason != history.ReasonInterrupted || s.Published == 0 || s.Processed+s.Lost != s.Published {
		t.Errorf("summary %+v: want interrupted, some published, processed+lost = published", s)
	}
}

// A run whose actors cannot connect did not take place: it ends "failed"
// with the error (the command exits 1), not "interrupted" (130). Here the
// publisher's client id (pub-<name>) is a member's (pub-1-r0), so the
// server refuses the second connection.
func TestCouldNotStartIsAFailure(t *testing.T) {
	t.Parallel()
	sc := simtest.Scenario(t, `
name: clash
duration: 5s
publishers: [{name: 1-r0, channel: c, count: 5, rate: 50}]
listeners: [{group: pub, channel: c, members: 1}]
`)
	dir := t.TempDir()
	res, err := run.Run(context.Background(), sc, dir, run.Options{NoServerLog: true})
	if err == nil {
		t.Fatal("run succeeded; want a connect error")
	}
	if res == nil || res.Reason != history.ReasonFailed {
		t.Fatalf("result %+v, want reason %q", res, history.ReasonFailed)
	}
	l, rerr := history.ReadFile(res.History)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if l.Reason() != history.ReasonFailed {
		t.Errorf("history reason %q, want %q", l.Reason(), history.ReasonFailed)
	}
}
