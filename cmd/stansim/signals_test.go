package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/history"
)

// signalled starts the binary, waits until ready says the phase under test
// is under way, sends sig, and returns the exit status and how long the
// command took to stop.
func signalled(t *testing.T, dir string, sig syscall.Signal, ready func() bool, args ...string) (int, time.Duration) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = bufio.NewReader(stderr).WriteTo(&bytes.Buffer{}) }()
	deadline := time.Now().Add(30 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatal("the phase never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, took
	}
	return ee.ExitCode(), took
}

func fileHas(path string, sub []byte) func() bool {
	return func() bool {
		b, _ := os.ReadFile(path)
		return bytes.Contains(b, sub)
	}
}

// One signal policy for every phase: SIGINT, SIGTERM and SIGHUP stop the
// work within about a second, keep what was recorded and exit 130.
func TestSignalsInEveryPhase(t *testing.T) {
	const prompt = 2 * time.Second // "about a second", plus a loaded machine
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run("run/"+sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.WriteFile(filepath.Join(dir, "long.yaml"), []byte(longScenario), 0o644))
			hist := filepath.Join(dir, "out", "long", history.FileName)
			code, took := signalled(t, dir, sig, fileHas(hist, []byte(`"ev":"done"`)), "run", "long.yaml", "--out", "out")
			if code != exitInterrupted || took > prompt {
				t.Fatalf("exit %d after %v, want %d within %v", code, took, exitInterrupted, prompt)
			}
			l, err := history.ReadFile(hist)
			if err != nil {
				t.Fatal(err)
			}
			if l.End == nil || l.End.Reason != history.ReasonInterrupted {
				t.Errorf("run_end %+v, want interrupted (nothing recorded lost)", l.End)
			}
		})
	}
	t.Run("report/SIGTERM", func(t *testing.T) {
		// A batch folder of many scenarios: rendering takes seconds.
		batchDir := t.TempDir()
		src, err := os.ReadFile(filepath.Join("..", "..", "diagram", "testdata", "two-deaths", "history.jsonl"))
		must(t, err)
		for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
			must(t, os.MkdirAll(filepath.Join(batchDir, n), 0o755))
			must(t, os.WriteFile(filepath.Join(batchDir, n, history.FileName), src, 0o644))
		}
		started := func() bool {
			_, err := os.Stat(filepath.Join(batchDir, "a", "timeline.svg"))
			return err == nil
		}
		code, took := signalled(t, batchDir, syscall.SIGTERM, started, "report", batchDir, "--pdf")
		if code != exitInterrupted || took > prompt {
			t.Fatalf("exit %d after %v, want %d within %v", code, took, exitInterrupted, prompt)
		}
		if _, err := os.Stat(filepath.Join(batchDir, "index.html")); err == nil {
			t.Error("index.html was written after the interrupt: the rendering went on")
		}
		// Whatever was written is whole: no empty files, no temporaries.
		_ = filepath.Walk(batchDir, func(p string, fi os.FileInfo, _ error) error {
			if fi != nil && !fi.IsDir() && (fi.Size() == 0 && filepath.Base(p) != ".stansim.lock" || filepath.Base(p)[0] == '.' && filepath.Base(p) != ".stansim.lock") {
				t.Errorf("%s: left empty or as a temporary", p)
			}
			return nil
		})
	})
	t.Run("diagram/SIGHUP", func(t *testing.T) {
		dir := t.TempDir()
		hist := filepath.Join(dir, "runs", "graceful-vs-forced", "forced", history.FileName)
		code, took := signalled(t, dir, syscall.SIGHUP, fileHas(hist, []byte(`"ev":"deliver"`)),
			"diagram", "graceful-vs-forced", "--out", "out", "--runs", "runs", "--no-server-log")
		if code != exitInterrupted || took > prompt {
			t.Fatalf("exit %d after %v, want %d within %v", code, took, exitInterrupted, prompt)
		}
	})
}

// Commands that finish quickly follow the same policy: interrupted (here,
// before they start), validate and report exit 130, not 0.
func TestInterruptedQuickCommands(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	must(t, os.WriteFile(file, []byte(goodScenario), 0o644))
	for _, args := range [][]string{{"validate", file}, {"report", scenarioDir(t)}} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		a := &app{ctx: ctx, stdout: io.Discard, stderr: io.Discard}
		if code := a.execute(args); code != exitInterrupted {
			t.Errorf("%v interrupted: exit %d, want %d", args, code, exitInterrupted)
		}
	}
}

// Two runs into one folder: the second is refused at once (exit 2, the
// folder is in use), even with --force, and the first is not disturbed.
func TestSecondRunIntoAFolderInUse(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "long.yaml"), []byte(longScenario), 0o644))
	hist := filepath.Join(dir, "out", "long", history.FileName)
	var second struct {
		code   int
		stderr string
	}
	ready := func() bool {
		if !fileHas(hist, []byte(`"ev":"done"`))() {
			return false
		}
		_, second.stderr, second.code = stansim(t, dir, "run", "long.yaml", "--out", "out", "--force")
		return true
	}
	code, _ := signalled(t, dir, syscall.SIGINT, ready, "run", "long.yaml", "--out", "out")
	if second.code != exitUsage || !bytes.Contains([]byte(second.stderr), []byte("in use by another stansim")) {
		t.Errorf("second run: exit %d, %q; want 2 and in use", second.code, second.stderr)
	}
	if code != exitInterrupted {
		t.Errorf("first run: exit %d, want %d", code, exitInterrupted)
	}
	l, err := history.ReadFile(hist)
	if err != nil || l.End == nil || l.End.Reason != history.ReasonInterrupted {
		t.Errorf("first run's history: %v, %+v", err, l)
	}
}
