// Package bench measures what stansim's recording costs: the same publish
// -> queue group -> manual-ack workload run bare (stan.go alone against an
// embedded server) and through stansim's actors and recorder (sim/run), in
// one process, alternating, several repetitions, each run's CPU time taken
// from the process's own accounting (getrusage). `stansim bench` prints it.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"
)

// Config is one benchmark.
type Config struct {
	Workload Workload
	Reps     int // measured repetitions of the pair; one more warms up first
	// Progress, if set, is called after each run.
	Progress func(rep int, kind string, m Measure)
}

// Result is what stansim bench --json prints. The first five fields are
// the contract outside checks rely on.
type Result struct {
	Messages int `json:"messages"`
	Reps     int `json:"reps"`
	// BareCPU and RecordedCPU are the medians over the repetitions of
	// each run's CPU time per message, in µs.
	BareCPU     float64 `json:"bare_cpu_us_per_msg"`
	RecordedCPU float64 `json:"recorded_cpu_us_per_msg"`
	// Ratio is the median of each repetition's recorded/bare: the two runs
	// of a repetition are measured back to back, so drifts in the
	// machine's speed cancel.
	Ratio float64 `json:"ratio"`

	Members     int     `json:"members"`
	MaxInflight int     `json:"max_inflight"`
	Rate        float64 `json:"rate"`
	Warmup      int     `json:"warmup_reps"`
	Runs        []Rep   `json:"runs"`
	GOMAXPROCS  int     `json:"gomaxprocs"`
	Go          string  `json:"go"`
	Date        string  `json:"date"`
}

// Rep is one repetition: a bare run and a recorded run, back to back
// (their order alternates from one repetition to the next).
type Rep struct {
	Bare     Measure `json:"bare"`
	Recorded Measure `json:"recorded"`
	Ratio    float64 `json:"ratio"`
}

// Measure is one run's cost.
type Measure struct {
	CPUPerMsg float64 `json:"cpu_us_per_msg"`
	WallMs    float64 `json:"wall_ms"`
}

// The kinds of run, as Progress names them.
const (
	KindBare     = "bare"
	KindRecorded = "recorded"
)

// Run runs the benchmark. The recorded runs' folders go into a temporary
// directory, removed at the end.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	w := cfg.Workload
	sc, err := w.Scenario()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "stansim-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	res := &Result{Messages: w.Messages, Reps: cfg.Reps, Members: w.Members, MaxInflight: w.MaxInflight, Rate: w.Rate,
		Warmup: 1, GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), Date: time.Now().UTC().Format(time.RFC3339)}
	for rep := -res.Warmup; rep < cfg.Reps; rep++ {
		dir := filepath.Join(tmp, fmt.Sprintf("rep%d", rep+res.Warmup))
		runs := map[string]func() error{
			KindBare:     func() error { return bare(ctx, sc, w, filepath.Join(dir, KindBare)) },
			KindRecorded: func() error { return recorded(ctx, sc, filepath.Join(dir, KindRecorded)) },
		}
		order := []string{KindBare, KindRecorded}
		if rep%2 != 0 {
			slices.Reverse(order)
		}
		var r Rep
		for _, kind := range order {
			m, err := measure(w.Messages, runs[kind])
			if err != nil {
				return nil, fmt.Errorf("%s run: %w", kind, err)
			}
			if kind == KindBare {
				r.Bare = m
			} else {
				r.Recorded = m
			}
			if cfg.Progress != nil {
				cfg.Progress(rep+1, kind, m)
			}
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if rep >= 0 {
			r.Ratio = r.Recorded.CPUPerMsg / r.Bare.CPUPerMsg
			res.Runs = append(res.Runs, r)
		}
	}
	res.summarise()
	return res, nil
}

// measure runs f and returns its CPU time per message and wall time. The
// heap is collected before (so f pays for no earlier garbage) and at the
// end, inside the measurement (so f pays for its own).
func measure(messages int, f func() error) (Measure, error) {
	runtime.GC()
	cpu0, err := cpuTime()
	if err != nil {
		return Measure{}, err
	}
	start := time.Now()
	if err := f(); err != nil {
		return Measure{}, err
	}
	runtime.GC()
	wall := time.Since(start)
	cpu1, err := cpuTime()
	if err != nil {
		return Measure{}, err
	}
	return Measure{
		CPUPerMsg: float64((cpu1 - cpu0).Nanoseconds()) / 1e3 / float64(messages),
		WallMs:    float64(wall.Microseconds()) / 1e3,
	}, nil
}

// summarise sets the medians.
func (r *Result) summarise() {
	var bare, rec, ratio []float64
	for _, x := range r.Runs {
		bare, rec, ratio = append(bare, x.Bare.CPUPerMsg), append(rec, x.Recorded.CPUPerMsg), append(ratio, x.Ratio)
	}
	r.BareCPU, r.RecordedCPU, r.Ratio = median(bare), median(rec), median(ratio)
}

// median is the middle value (the mean of the two middle ones for an even
// count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
