package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// analyseTale writes s as a history and analyses it.
func analyseTale(t *testing.T, s *tale) *analyze.Analysis {
	t.Helper()
	path := filepath.Join(t.TempDir(), history.FileName)
	if err := os.WriteFile(path, s.bytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := analyze.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Each thing a member program did wrong is named in the report with its
// client and its stderr's last lines; a member stopped by the run that
// behaved says nothing.
func TestProgramProblems(t *testing.T) {
	s := &tale{}
	s.start("programs", "", `name: programs
duration: 5s
publishers: [{name: pub, channel: ticket.updated, count: 4, rate: 10}]
listeners: [{group: orders, channel: ticket.updated, members: 3, mode: command, command: [node, listener.js]}]
`)
	s.up(10*ms, "orders-1", "orders-1-r0")
	s.up(10*ms, "orders-2", "orders-2-r0")
	s.up(10*ms, "orders-3", "orders-3-r0")
	s.add(50*ms, history.Event{Ev: history.KindServerView, Clients: []string{"orders-1-r0", "orders-2-r0", "orders-3-r0"},
		Subs: []history.Sub{{Channel: "ticket.updated", Group: "orders", Client: "orders-2-r0", LastSent: 4}}})
	s.add(900*ms, history.Event{Ev: history.KindMemberExit, Member: "orders-1", Group: "orders", Client: "orders-1-r0",
		Exit: "exit status 1", BadLines: 2, FirstBad: "listener ready", Stderr: "TypeError: boom\n    at listener.js:3"})
	s.add(950*ms, history.Event{Ev: history.KindMemberExit, Member: "orders-2", Group: "orders", Client: "orders-2-r0",
		Exit: "signal: terminated", By: history.ByStop})
	s.add(950*ms, history.Event{Ev: history.KindMemberExit, Member: "orders-3", Group: "orders", Client: "orders-3-r0",
		Exit: "signal: terminated", By: history.ByStop})
	s.add(1000*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	a := analyseTale(t, s)
	got := programProblems(a)
	want := []string{
		"orders-1 (client orders-1-r0) ended by itself at 0.90 s (exit status 1)",
		`orders-1 (client orders-1-r0) printed 2 lines on stdout that are not protocol lines (stansim ignored them); the first: "listener ready"`,
		"orders-2 (client orders-2-r0) reported no delivery, although the server sent it messages up to sequence 4",
	}
	if len(got) != len(want) || a.Summary.ProgramProblems != len(want) {
		t.Fatalf("problems %+v (summary %d): want %d", got, a.Summary.ProgramProblems, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got[i].Sentence, w) {
			t.Errorf("problem %d: %q does not say %q", i, got[i].Sentence, w)
		}
	}
	if got[0].Stderr != "TypeError: boom\n    at listener.js:3" {
		t.Errorf("stderr %q", got[0].Stderr)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, MDFile)
	if err := writeMarkdown(path, newPage(dir, a)); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(path)
	if !strings.Contains(string(md), "### Member programs") || !strings.Contains(string(md), "```text\nTypeError: boom") {
		t.Errorf("report.md does not show the problems with stderr:\n%s", md)
	}
}

// A run that could not take place says why in its banner, with the
// program's stderr as detail.
func TestFailedRunBanner(t *testing.T) {
	s := &tale{}
	s.start("failed", "", "")
	s.add(0, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonFailed,
		Err: "member g-1: command [\"node\"]: the member process ended before it subscribed (exit status 3); its stderr ends:\nError: Cannot find module 'node-nats-streaming'"})
	st := runStatus(analyseTale(t, s))
	if st == nil || st.Title != "The run failed" || !strings.Contains(st.Text, "exit status 3") || !strings.Contains(st.Detail, "Cannot find module") {
		t.Fatalf("status %+v: want the failure and the stderr", st)
	}
}
