package plots

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// syntheticAnalysis simulates n messages through four members at 20k/s
// with a forced death in the middle (about 4n events plus views).
func syntheticAnalysis(t testing.TB, n int) *analyze.Analysis {
	t.Helper()
	// Keep the generator's garbage from inflating peak RSS.
	defer debug.SetGCPercent(debug.SetGCPercent(40))
	dur := time.Duration(float64(n) / 20000 * float64(time.Second))
	s := story{Name: "million", Messages: n, Rate: 20000, Keys: 1000, Members: 4, Process: 150 * time.Microsecond, AckWait: 2 * time.Second,
		Heartbeat: analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2},
		Sample:    50 * time.Millisecond, Death: death.Forced, DeathAt: dur / 2, Removal: 620 * time.Millisecond}
	l := &history.Log{Events: s.events()}
	start, end := l.Events[0], l.Events[len(l.Events)-1]
	l.Start, l.End = &start, &end
	a := analyze.Analyze(l)
	if !a.Settings.Known {
		a.Settings = settingsOf(s)
	}
	return a
}

// BenchmarkDrawMillion draws every chart (SVG and PNG) of a run of about
// a million events.
func BenchmarkDrawMillion(b *testing.B) {
	a := syntheticAnalysis(b, 250000)
	b.Logf("%d events, %d messages, %d redelivered", len(a.Log.Events), a.NumMessages(), a.Summary.Redelivered)
	// Charts need the analysis only: free the raw events, as a caller
	// that has analysed a history may.
	a.Log.Events = nil
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := peakHeap()
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := Draw(a, dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak()-base)/(1<<20), "peak-heap-MiB/op")
}

// peakHeap samples HeapInuse every 5 ms until the returned function is
// called, which reports the largest value seen.
func peakHeap() func() uint64 {
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}
