package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stansim/stansim/outfile"
)

// scenarioDir copies a small recorded scenario folder (its history only)
// into a temporary folder and returns it.
func scenarioDir(t *testing.T) string {
	t.Helper()
	hist, err := os.ReadFile(filepath.Join("..", "..", "diagram", "testdata", "two-deaths", "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "two-deaths")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), hist, 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const goodScenario = `scenarios:
  - {name: s, duration: 2s, publishers: [{name: p, channel: c, count: 2, rate: 5}], listeners: [{group: g, channel: c}]}
`

// The hostile-input catalogue: command lines, files, histories and
// environment faults, each with its exact exit status and message. (The
// scenario validator's own table, sim/scenario/check_test.go, and
// TestValidateBadFiles hold the scenario-file cases.)
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) []string // returns the arguments
		code  int
		want  string
	}{
		{"unknown flag", func(*testing.T, string) []string { return []string{"run", "--bogus"} }, exitUsage, "unknown flag: --bogus"},
		{"too many files", func(*testing.T, string) []string { return []string{"run", "a.yaml", "b.yaml"} }, exitUsage, "accepts at most 1 arg(s), received 2"},
		{"negative parallel", func(*testing.T, string) []string { return []string{"run", "--parallel", "-1"} }, exitUsage, "--parallel must be >= 0"},
		{"bad seed", func(*testing.T, string) []string { return []string{"run", "--seed", "x"} }, exitUsage, `invalid argument "x" for "--seed"`},
		{"missing scenario file", func(_ *testing.T, d string) []string { return []string{"run", filepath.Join(d, "none.yaml")} }, exitUsage, "no such file"},
		{"no scenario selected", func(t *testing.T, d string) []string {
			must(t, os.WriteFile(filepath.Join(d, "s.yaml"), []byte(goodScenario), 0o644))
			return []string{"run", filepath.Join(d, "s.yaml"), "--only", "nope"}
		}, exitUsage, `unknown scenario "nope"; valid names: s`},
		{"validate a folder", func(_ *testing.T, d string) []string { return []string{"validate", d} }, exitUsage, "is a folder, not a file"},
		{"validate a named pipe", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "fifo.yaml")
			must(t, syscall.Mkfifo(p, 0o644))
			return []string{"validate", p}
		}, exitUsage, "not a regular file"},
		{"validate /dev/zero", func(*testing.T, string) []string { return []string{"validate", "/dev/zero"} }, exitUsage, "not a regular file"},
		{"validate a huge file", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "big.yaml")
			must(t, os.WriteFile(p, []byte(strings.Repeat("# padding\n", 500_000)), 0o644))
			return []string{"validate", p}
		}, exitUsage, "more than the 4 MiB"},
		{"validate no argument", func(*testing.T, string) []string { return []string{"validate"} }, exitUsage, "accepts 1 arg(s), received 0"},
		{"huge value quoted by a prefix", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "long.yaml")
			must(t, os.WriteFile(p, []byte(strings.Replace(goodScenario, "group: g,", "group: "+strings.Repeat("g", 100_000)+",", 1)), 0o644))
			return []string{"validate", p}
		}, exitUsage, "... (100000 bytes)"},
		{"long scenario name", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "name.yaml")
			must(t, os.WriteFile(p, []byte(strings.Replace(goodScenario, "name: s,", "name: "+strings.Repeat("a", 300)+",", 1)), 0o644))
			return []string{"validate", p}
		}, exitUsage, "300 characters long; at most 64"},
		{"control character in a channel", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "ctl.yaml")
			must(t, os.WriteFile(p, []byte(strings.ReplaceAll(goodScenario, "channel: c", `channel: "a\u0007b"`)), 0o644))
			return []string{"validate", p}
		}, exitUsage, "control character U+0007"},
		{"heartbeat beyond bounds", func(t *testing.T, d string) []string {
			p := filepath.Join(d, "hb.yaml")
			must(t, os.WriteFile(p, []byte(strings.Replace(goodScenario, "duration: 2s,", "duration: 2s, server: {heartbeat: {interval: 2000000h}},", 1)), 0o644))
			return []string{"validate", p}
		}, exitUsage, "heartbeat interval 2000000h: must be <= 1h"},
		{"report a missing folder", func(_ *testing.T, d string) []string { return []string{"report", filepath.Join(d, "none")} }, exitUsage, "no such file"},
		{"report a folder without history", func(_ *testing.T, d string) []string { return []string{"report", d} }, exitUsage, "no history.jsonl here"},
		{"report a malformed history", func(t *testing.T, d string) []string {
			must(t, os.WriteFile(filepath.Join(d, "history.jsonl"), []byte("{\"t\":0,\"ev\":\"run_start\"}\nnot json\n{\"t\":2,\"ev\":\"run_end\"}\n"), 0o644))
			return []string{"report", d}
		}, exitUsage, "line 2:"},
		{"report a history without run_start", func(t *testing.T, d string) []string {
			must(t, os.WriteFile(filepath.Join(d, "history.jsonl"), []byte("{\"t\":1,\"ev\":\"publish\"}\n"), 0o644))
			return []string{"report", d}
		}, exitUsage, "no run_start line"},
		{"report a newer format", func(t *testing.T, d string) []string {
			must(t, os.WriteFile(filepath.Join(d, "history.jsonl"), []byte("{\"t\":0,\"ev\":\"run_start\",\"format\":99}\n"), 0o644))
			return []string{"report", d}
		}, exitUsage, "history format 99 is newer"},
		{"report a history that is a pipe", func(t *testing.T, d string) []string {
			must(t, syscall.Mkfifo(filepath.Join(d, "history.jsonl"), 0o644))
			return []string{"report", d}
		}, exitUsage, "not a regular file"},
		{"bad window", func(t *testing.T, _ string) []string { return []string{"report", scenarioDir(t), "--window", "3s,1s"} }, exitUsage, "FROM must be >= 0 and before TO"},
		{"report a folder in use", func(t *testing.T, _ string) []string {
			dir := scenarioDir(t)
			unlock, err := outfile.Lock(dir)
			must(t, err)
			t.Cleanup(unlock)
			return []string{"report", dir}
		}, exitUsage, "in use by another stansim"},
		{"run into a folder with an earlier run", func(t *testing.T, d string) []string {
			must(t, os.WriteFile(filepath.Join(d, "s.yaml"), []byte(goodScenario), 0o644))
			must(t, os.MkdirAll(filepath.Join(d, "out", "s"), 0o755))
			must(t, os.WriteFile(filepath.Join(d, "out", "s", "history.jsonl"), []byte("{}\n"), 0o644))
			return []string{"run", filepath.Join(d, "s.yaml"), "--out", filepath.Join(d, "out")}
		}, exitUsage, "holds the history of an earlier run; pass --force"},
		{"compare a missing batch", func(_ *testing.T, d string) []string { return []string{"compare", d, filepath.Join(d, "x")} }, exitUsage, "no scenario folder with summary.json"},
		{"diagram unknown preset", func(*testing.T, string) []string { return []string{"diagram", "nope"} }, exitUsage, `unknown preset "nope"`},
		{"completion of an unknown shell", func(*testing.T, string) []string { return []string{"completion", "tcsh"} }, exitUsage, `unknown command "tcsh" for "stansim completion"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := c.setup(t, dir)
			_, stderr, code := stansim(t, dir, args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", args, code, stderr, c.code, c.want)
			}
			if len(stderr) > 4096 {
				t.Errorf("stderr is %d bytes: errors must quote values by a prefix", len(stderr))
			}
		})
	}
}

// A symlink planted where an output goes is replaced, and what it pointed
// at is left alone (report and run).
func TestPlantedSymlinks(t *testing.T) {
	t.Parallel()
	dir := scenarioDir(t)
	victim := filepath.Join(t.TempDir(), "bashrc")
	must(t, os.WriteFile(victim, []byte("precious"), 0o644))
	for _, name := range []string{"summary.json", "timeline.png", "report.html", "order.svg"} {
		must(t, os.Symlink(victim, filepath.Join(dir, name)))
	}
	if _, stderr, code := stansim(t, dir, "report", dir); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("report wrote through a planted symlink: %q", b)
	}
	for _, name := range []string{"summary.json", "timeline.png", "report.html", "order.svg"} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode()&os.ModeSymlink != 0 || fi.Size() == 0 {
			t.Errorf("%s: %v, %v: want a regular, non-empty file", name, fi, err)
		}
	}
	// run --out: history.jsonl, scenario.yaml and server.log planted.
	sdir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(sdir, "s.yaml"), []byte(goodScenario), 0o644))
	out := filepath.Join(sdir, "out")
	must(t, os.MkdirAll(filepath.Join(out, "s"), 0o755))
	for _, name := range []string{"history.jsonl", "scenario.yaml", "server.log"} {
		must(t, os.Symlink(victim, filepath.Join(out, "s", name)))
	}
	if _, stderr, code := stansim(t, sdir, "run", "s.yaml", "--out", out, "--force"); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("run wrote through a planted symlink: %q", b)
	}
}

// A full disk (a small tmpfs) fails the report with exit 1 and leaves no
// empty or half-written file and no temporary behind.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root (CI runs as root)")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	src, err := os.ReadFile(filepath.Join("..", "..", "diagram", "testdata", "two-deaths", "history.jsonl"))
	must(t, err)
	dir := filepath.Join(mnt, "two-deaths")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), src, 0o644))
	_, stderr, code := stansim(t, mnt, "report", dir, "--pdf")
	if code != exitFailed || !strings.Contains(stderr, "no space left on device") {
		t.Fatalf("exit %d, stderr %q: want 1 and the disk's error", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Size() == 0 && e.Name() != outfile.LockFile || strings.HasPrefix(e.Name(), ".") && e.Name() != outfile.LockFile {
			t.Errorf("%s: empty or temporary file left on the full disk (%d bytes)", e.Name(), fi.Size())
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "history.jsonl")); !bytes.Equal(b, src) {
		t.Error("the history changed")
	}
}
