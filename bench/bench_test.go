package bench

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun: a small benchmark runs both workloads to the end and reports
// consistent figures (no speed is asserted: speed is for stansim bench).
func TestRun(t *testing.T) {
	w := DefaultWorkload()
	w.Messages = 500
	var seen []string
	res, err := Run(context.Background(), Config{Workload: w, Reps: 2, Progress: func(rep int, kind string, _ Measure) {
		seen = append(seen, kind)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 500 || res.Reps != 2 || len(res.Runs) != 2 || len(seen) != 6 {
		t.Fatalf("result %+v, progress %v", res, seen)
	}
	// Repetitions alternate which run goes first.
	if got := strings.Join(seen[2:], " "); got != "bare recorded recorded bare" {
		t.Errorf("order %q", got)
	}
	for _, r := range res.Runs {
		if r.Bare.CPUPerMsg <= 0 || r.Recorded.CPUPerMsg <= 0 || r.Ratio != r.Recorded.CPUPerMsg/r.Bare.CPUPerMsg {
			t.Errorf("repetition %+v", r)
		}
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"messages":500`, `"reps":2`, `"bare_cpu_us_per_msg":`, `"recorded_cpu_us_per_msg":`, `"ratio":`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("JSON lacks %s: %s", field, b)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestPayloadIsSimRuns(t *testing.T) {
	if got := string(payload(nil, 16, 3, 7)); got != `{"id":"p-17","key":"p-k4","ver":7}` {
		t.Errorf("payload %s", got)
	}
}

// BenchmarkBare and BenchmarkRecorded run one workload of b.N messages
// each way, for profiles of either path: go test ./bench -run '^$' -bench
// Recorded -benchtime 100000x -cpuprofile cpu.out
func BenchmarkBare(b *testing.B) { benchRun(b, KindBare) }

func BenchmarkRecorded(b *testing.B) { benchRun(b, KindRecorded) }

func benchRun(b *testing.B, kind string) {
	w := DefaultWorkload()
	w.Messages = max(b.N, w.Keys)
	sc, err := w.Scenario()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), kind)
	b.ResetTimer()
	if kind == KindBare {
		err = bare(context.Background(), sc, w, dir)
	} else {
		err = recorded(context.Background(), sc, dir)
	}
	if err != nil {
		b.Fatal(err)
	}
}
