package batch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/stansim/stansim/sim/history"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A batch of two scenarios run in parallel: each leaves its folder with the
// history, summary, resolved scenario, charts and reports; the slow one is
// skipped; the index and CSV list both; report rebuilds identical files.
func TestBatchRunsAndRebuilds(t *testing.T) {
	out := t.TempDir()
	cfg := Config{File: "testdata/two.yaml", Out: out, Parallel: 2, NoServerLog: true}
	scs, _, err := Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) != 2 {
		t.Fatalf("selected %d scenarios, want 2 (slow skipped)", len(scs))
	}
	res, err := Run(context.Background(), cfg, scs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || res.Interrupted() {
		t.Fatalf("outcomes: %+v", res.Outcomes)
	}
	for _, o := range res.Outcomes {
		for _, f := range []string{history.FileName, "summary.json", "scenario.yaml", "report.html", "report.md"} {
			if _, err := os.Stat(filepath.Join(o.Dir, f)); err != nil {
				t.Errorf("%s: %v", o.Scenario.Name, err)
			}
		}
		if o.Summary == nil || o.Summary.Published != 20 || o.Summary.Processed+o.Summary.Lost != 20 {
			t.Errorf("%s: summary %+v", o.Scenario.Name, o.Summary)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "quick-forced", "store")); err != nil {
		t.Errorf("file store not in the scenario folder: %v", err)
	}
	csv, err := os.ReadFile(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.TrimSpace(string(csv)), "\n"); n != 2 {
		t.Errorf("summary.csv has %d data rows, want 2", n)
	}
	if res.Index == "" {
		t.Fatal("no index written")
	}

	before := snapshot(t, out)
	if _, err := Rebuild(context.Background(), out, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, out)
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s changed when rebuilt from the history", name)
		}
	}
}

// snapshot reads every generated file except the history and the server's own files.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(p, string(filepath.Separator)+"store"+string(filepath.Separator)) {
			return nil
		}
		switch filepath.Ext(p) {
		case ".svg", ".html", ".md", ".json", ".csv":
			b, err := os.ReadFile(p)
			files[p] = b
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 8 {
		t.Fatalf("only %d generated files: %v", len(names), names)
	}
	return files
}

// Without --out a batch goes to results/<timestamp> and results/latest points there.
func TestDefaultBatchFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	dir, err := batchDir("")
	if err != nil {
		t.Fatal(err)
	}
	target, err := os.Readlink(filepath.Join("results", "latest"))
	if err != nil || filepath.Join("results", target) != dir {
		t.Errorf("results/latest -> %q (%v), want %q", target, err, dir)
	}
	second, err := batchDir("")
	if err != nil || second == dir {
		t.Errorf("second batch folder %q (%v) reuses %q", second, err, dir)
	}
}
