package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestHeapBudget: stansim report renders within its heap budget, unless
// GOMEMLIMIT named a limit of its own.
func TestHeapBudget(t *testing.T) {
	if got := heapBudget(func(string) string { return "1GiB" }); got != 0 {
		t.Errorf("with GOMEMLIMIT set, budget %d, want none", got)
	}
	if got := heapBudget(func(string) string { return "" }); got != reportHeapBudget {
		t.Errorf("budget %d, want %d", got, reportHeapBudget)
	}
}
