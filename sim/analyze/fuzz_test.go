package analyze

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

// FuzzAnalyze: no history makes the reader or the analysis panic, and every
// history read gives a summary whose identities hold.
// go test ./sim/analyze -run '^$' -fuzz FuzzAnalyze -fuzzminimizetime 2s
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := history.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		a := Analyze(l)
		s := a.Summary
		if s.Processed+s.Lost != s.Published {
			t.Fatalf("processed %d + lost %d != published %d", s.Processed, s.Lost, s.Published)
		}
		for g, gs := range s.Groups {
			if gs.Processed+gs.Lost != gs.Published || gs.FinalState.WrongKeys > gs.FinalState.Keys {
				t.Fatalf("group %s: %+v", g, *gs)
			}
		}
	})
}
