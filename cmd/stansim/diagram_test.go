package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var presetNames = []string{"graceful-vs-forced", "ackwait-redelivery", "out-of-order"}

// An unknown preset, or none, is bad usage: exit 2 with the list.
func TestDiagramUnknownPreset(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"diagram", "nope"}, {"diagram"}, {"diagram", "graceful-vs-forced", "nope"}} {
		out := t.TempDir()
		stdout, stderr, code := stansim(t, out, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		for _, name := range presetNames {
			if !strings.Contains(stderr, name) {
				t.Errorf("%v: stderr lacks preset %q:\n%s", args, name, stderr)
			}
		}
		if stdout != "" {
			t.Errorf("%v: stdout %q", args, stdout)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%v: wrote %d files before refusing", args, len(entries))
		}
	}
}

func TestDiagramUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	two := filepath.Join(dir, "two.yaml")
	if err := os.WriteFile(two, []byte(`scenarios:
  - {name: a, duration: 2s, publishers: [{name: p, channel: c, count: 2, rate: 5}], listeners: [{group: g, channel: c}]}
  - {name: b, duration: 2s, publishers: [{name: p, channel: c, count: 2, rate: 5}], listeners: [{group: g, channel: c}]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"diagram", "out-of-order", "--format", "gif"}, `unknown format "gif"`},
		{[]string{"diagram", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"diagram", "--scenario", two}, "pick one with --only (a, b)"},
		{[]string{"diagram", "--scenario", two, "--only", "c"}, `no scenario "c"`},
		{[]string{"diagram", "--scenario", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"diagram", "--scenario", "testdata/bad/unknown-field.yaml"}, "ack_wiat"},
		{[]string{"diagram", "--redraw", filepath.Join(dir, "nothing")}, "no such file"},
	} {
		_, stderr, code := stansim(t, ".", append(c.args, "--out", t.TempDir())...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, exitUsage, c.want)
		}
	}
}

func TestDiagramList(t *testing.T) {
	t.Parallel()
	stdout, _, code := stansim(t, t.TempDir(), "diagram", "--list")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, name := range presetNames {
		if !strings.Contains(stdout, name) {
			t.Errorf("list lacks %q:\n%s", name, stdout)
		}
	}
}

// --redraw draws from kept histories without running anything.
func TestDiagramRedraw(t *testing.T) {
	t.Parallel()
	src, err := filepath.Abs(filepath.Join("..", "..", "diagram", "testdata", "out-of-order"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, code := stansim(t, ".", "diagram", "--redraw", src, "--out", out, "--format", "svg,mmd")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"out-of-order.svg", "out-of-order.mmd"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "out-of-order.png")); err == nil {
		t.Error("png written although --format said svg,mmd")
	}
	if !strings.Contains(stdout, "caption: orders-2 was killed at 0.70 s") {
		t.Errorf("stdout lacks the caption:\n%s", stdout)
	}
}

// A scenario of one's own: one panel, run for real, runs kept apart.
func TestDiagramScenarioFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(file, []byte(`scenarios:
  - name: mine
    duration: 5s
    server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
    publishers: [{name: p, channel: c, count: 6, rate: 6}]
    listeners: [{group: g, channel: c, members: 2, ack_wait: 30s, process_time: 200ms}]
    faults: [{at: 500ms, member: g-2, death: forced}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, runs := filepath.Join(dir, "out"), filepath.Join(dir, "runs")
	stdout, stderr, code := stansim(t, ".", "diagram", "--scenario", file, "--out", out, "--runs", runs, "--seed", "3", "--no-server-log")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"mine.svg", "mine.png", "mine.pdf", "mine.mmd"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(runs, "mine", "mine", "history.jsonl")); err != nil {
		t.Errorf("run not kept under --runs: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 4 {
		t.Errorf("--out holds %d entries, want only the 4 figure files", len(entries))
	}
	// The caption gives the death's measured time (the fault's 0.5 s plus
	// however late the machine ran it).
	if !regexp.MustCompile(`caption: g-2 was killed at 0\.\d\d s without Close\(\)`).MatchString(stdout) {
		t.Errorf("stdout lacks the caption:\n%s", stdout)
	}
}
