package analyze

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

// TestReadFileMatchesAnalyze: the streamed analysis of every fixture (and
// of a synthetic history with redeliveries, a death and server views) is
// the analysis of the history read whole: the same summary bytes, the same
// messages, deaths, members, views and inversions.
func TestReadFileMatchesAnalyze(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	synthetic := filepath.Join(t.TempDir(), history.FileName)
	writeMillion(t, synthetic, 20_000)
	for _, path := range append(paths, synthetic) {
		l, err := history.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := Analyze(l)
		got, err := ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		wb, _ := json.Marshal(want.Summary)
		gb, _ := json.Marshal(got.Summary)
		if string(wb) != string(gb) {
			t.Errorf("%s: summary\n got %s\nwant %s", path, gb, wb)
		}
		if got.Log.Events != nil || !reflect.DeepEqual(got.Log.Start, want.Log.Start) || !reflect.DeepEqual(got.Log.End, want.Log.End) {
			t.Errorf("%s: log %+v", path, got.Log)
		}
		for _, f := range []struct {
			name      string
			got, want any
		}{
			{"messages", got.Messages, want.Messages}, {"by id", got.ByID, want.ByID}, {"members", got.Members, want.Members},
			{"deaths", got.Deaths, want.Deaths}, {"views", got.Views, want.Views}, {"inversions", got.Inversions, want.Inversions},
			{"groups", got.Groups(), want.Groups()}, {"publishers", got.Publishers(), want.Publishers()},
			{"settings", got.Settings, want.Settings}, {"end", got.End, want.End}, {"sample", got.Sample, want.Sample},
		} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s: %s differ", path, f.name)
			}
		}
	}
}
