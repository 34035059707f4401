package analyze

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/history"
)

// TestReadFileMatchesAnalyze: the streamed analysis of every fixture (and
// of a synthetic history with redeliveries, a death and server views) is
// the analysis of the history read whole: the same summary bytes, the same
// messages, deaths, members, views and inversions; with its slabs made
// ahead on a helper goroutine (as for a large history) and without.
func TestReadFileMatchesAnalyze(t *testing.T) {
	defer func(old int64) { aheadFrom = old }(aheadFrom)
	for _, ahead := range []int64{0, 1 << 62} {
		aheadFrom = ahead
		t.Run(fmt.Sprintf("ahead-from-%d", ahead), readFileMatchesAnalyze)
	}
}

func readFileMatchesAnalyze(t *testing.T) {
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
		for _, m := range want.List() {
			if g := got.ByID(m.ID); g == nil || !reflect.DeepEqual(g, m) {
				t.Errorf("%s: ByID(%q) = %+v, want %+v", path, m.ID, g, m)
			}
		}
		if got.Log.Events != nil || !reflect.DeepEqual(got.Log.Start, want.Log.Start) || !reflect.DeepEqual(got.Log.End, want.Log.End) {
			t.Errorf("%s: log %+v", path, got.Log)
		}
		for _, f := range []struct {
			name      string
			got, want any
		}{
			{"messages", got.List(), want.List()}, {"members", got.Members, want.Members},
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

// TestSlabs: records handed out ahead by the helper are zeroed, distinct
// and of capacity one, across several slabs; close stops the helper.
func TestSlabs(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, ahead := range []bool{true, false} {
		var s slabs[Delivery]
		if ahead {
			s.start()
		}
		seen := map[*Delivery]bool{}
		for i := range 3*aheadBytes/96 + 7 { // several slabs of either size
			r := s.one()
			if len(r) != 0 || cap(r) != 1 {
				t.Fatalf("record %d: len %d cap %d", i, len(r), cap(r))
			}
			p := &r[:1][0]
			if *p != (Delivery{}) || seen[p] {
				t.Fatalf("record %d: %+v (seen %v)", i, *p, seen[p])
			}
			seen[p] = true
			p.T = int64(i + 1) // a later record must not see this
		}
		s.close()
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReadFileContextStops: a cancelled analysis returns the context's
// error, and the helpers that made its slabs ahead are gone.
func TestReadFileContextStops(t *testing.T) {
	defer func(old int64) { aheadFrom = old }(aheadFrom)
	aheadFrom = 0
	path := filepath.Join(t.TempDir(), history.FileName)
	writeMillion(t, path, 2_000)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if a, err := ReadFileContext(ctx, path); !errors.Is(err, context.Canceled) || a != nil {
		t.Fatalf("cancelled: %v, %v; want no analysis and context.Canceled", a, err)
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after a cancelled analysis, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if a, err := ReadFileContext(context.Background(), path); err != nil || a.Summary.Published == 0 {
		t.Fatalf("alive: %v, %+v", err, a)
	}
}
