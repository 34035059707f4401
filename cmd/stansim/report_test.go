package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

const tinyScenario = `scenarios:
  - name: tiny
    duration: 10s
    server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
    publishers: [{name: p, channel: c, count: 30, rate: 30, keys: 2}]
    listeners: [{group: g, channel: c, members: 2, process_time: 30ms}]
    faults: [{at: 400ms, member: g-1, death: forced}]
`

// A newcomer's run prints the index path; stansim report, run twice on the
// same history, writes byte-identical SVGs; --window must be FROM,TO.
func TestRunThenReportTwice(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(file, []byte(tinyScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "batch")
	stdout, stderr, code := stansim(t, dir, "run", file, "--out", out, "--no-server-log")
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s%s", code, stdout, stderr)
	}
	index := filepath.Join(out, "index.html")
	if !strings.Contains(stdout, index) {
		t.Errorf("run output does not name %s:\n%s", index, stdout)
	}
	scen := filepath.Join(out, "tiny")
	svgs := func() map[string][]byte {
		m := map[string][]byte{}
		for _, c := range []string{"timeline", "delays", "order", "server-view", "throughput"} {
			b, err := os.ReadFile(filepath.Join(scen, c+".svg"))
			if err != nil {
				t.Fatal(err)
			}
			m[c] = b
		}
		return m
	}
	if _, stderr, code := stansim(t, dir, "report", scen); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	first := svgs()
	if _, stderr, code := stansim(t, dir, "report", scen); code != exitOK {
		t.Fatalf("second report: exit %d: %s", code, stderr)
	}
	for c, b := range svgs() {
		if !bytes.Equal(b, first[c]) {
			t.Errorf("%s.svg differs between two reports of the same history", c)
		}
	}
	if _, _, code := stansim(t, dir, "report", scen, "--window", "2s"); code != exitUsage {
		t.Errorf("--window 2s: exit %d, want 2", code)
	}
	if _, stderr, code := stansim(t, dir, "report", scen, "--window", "0.2s,0.8s"); code != exitOK {
		t.Errorf("--window 0.2s,0.8s: exit %d: %s", code, stderr)
	}
	if _, _, code := stansim(t, dir, "report", filepath.Join(dir, "nowhere")); code != exitUsage {
		t.Errorf("report of a missing folder: exit %d, want 2", code)
	}
}

// TestHeapBudget: stansim report asks the runtime for its heap budget,
// unless GOMEMLIMIT named another.
func TestHeapBudget(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	debug.SetMemoryLimit(math.MaxInt64)
	setHeapBudget(func(string) string { return "1GiB" })
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}
	setHeapBudget(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != reportHeapBudget {
		t.Errorf("limit %d, want the report's budget %d", got, reportHeapBudget)
	}
}
