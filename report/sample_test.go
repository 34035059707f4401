package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// TestSampleHistories renders reports from real engine runs when some were
// left in /tmp/stansim-sample/<scenario>/history.jsonl (with their charts).
func TestSampleHistories(t *testing.T) {
	paths, _ := filepath.Glob("/tmp/stansim-sample/*/" + history.FileName)
	if len(paths) == 0 {
		t.Skip("no sample histories in /tmp/stansim-sample")
	}
	batch := t.TempDir()
	var entries []Entry
	for _, p := range paths {
		name := filepath.Base(filepath.Dir(p))
		l, err := history.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		a := analyze.Analyze(l)
		dir := filepath.Join(batch, name)
		must(t, os.MkdirAll(dir, 0o755))
		charts, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "*.svg"))
		for _, c := range charts {
			b, err := os.ReadFile(c)
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, filepath.Base(c)), b, 0o644))
		}
		must(t, Scenario(dir, a))
		e := Explain(a)
		t.Logf("%s: %d pairs, %d duplicates, %d lost, %d deaths, reason %s", name,
			e.OutOfOrder.Total, e.Duplicates.Total, e.Lost.Total, e.Deaths.Total, a.Summary.Reason)
		for _, s := range append([]Section{e.Deaths}, e.Anomalies()...) {
			for _, g := range s.Groups {
				for i, it := range g.Items {
					if i < 2 {
						t.Logf("  %s / %s: %s", s.Title, g.Heading, it.Sentence)
					}
				}
			}
		}
		html := read(t, filepath.Join(dir, HTMLFile))
		if strings.Contains(strings.ToLower(html), "<script") {
			t.Errorf("%s: report.html contains a script", name)
		}
		entries = append(entries, Entry{Name: name, Dir: name, Description: description(a), Summary: a.Summary})
	}
	must(t, Batch(batch, entries))
}
