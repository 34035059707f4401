package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/history"
)

const longScenario = `scenarios:
  - name: long
    duration: 60s
    server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
    publishers: [{name: p, channel: c, count: 3000, rate: 50}]
    listeners: [{group: g, channel: c, members: 2, process_time: 10ms}]
    faults: [{at: 500ms, member: g-1, death: forced}]
`

// Ctrl-C during a run: the command exits 130 within 2 s, the history ends
// with run_end interrupted, and stansim report still summarises it.
func TestCtrlCLeavesPartialHistory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "long.yaml")
	if err := os.WriteFile(file, []byte(longScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(binary, "run", file, "--out", out)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the run is under way (its history has publishes).
	hist := filepath.Join(out, "long", history.FileName)
	go func() { _, _ = bufio.NewReader(stderr).WriteTo(&bytes.Buffer{}) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(hist)
		if bytes.Contains(b, []byte(`"ev":"done"`)) {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the run never started publishing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want status %d", err, exitInterrupted)
	}
	if took > 2*time.Second {
		t.Errorf("exited %v after SIGINT, want within 2s", took)
	}
	l, err := history.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	if last := l.Events[len(l.Events)-1]; last.Ev != history.KindRunEnd || last.Reason != history.ReasonInterrupted {
		t.Errorf("last line %+v, want run_end interrupted", last)
	}
	rout, rerr, code := stansim(t, dir, "report", filepath.Join(out, "long"))
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s%s", code, rout, rerr)
	}
	if !strings.Contains(rout, "interrupted") {
		t.Errorf("report table does not say interrupted:\n%s", rout)
	}
	if _, err := os.Stat(filepath.Join(out, "long", "summary.json")); err != nil {
		t.Error(err)
	}
}
