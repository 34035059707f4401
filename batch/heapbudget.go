package batch

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// The heap budget (RenderOptions.HeapBudget) is a soft memory limit
// (debug.SetMemoryLimit) for as long as some render holds it. A memory
// limit belongs to the whole process, so the renders of one process share
// it: the first sets it, the last puts back what was there, and none
// touches a limit the process had before (GOMEMLIMIT, or a caller's).
//
// Near the limit the collector runs more often; with the analysis's
// records free of pointers and mostly in a file that costs little
// (BENCHMARKS.md: a 5M-event report's live heap peaks near 85 MB, four
// fifths of stansim report's 104 MiB, and the collector's share of the
// CPU over a quarter of a second stays under a seventh). A history
// whose live heap does not fit would have the collector running all the
// time, so while the budget is held a watcher raises the limit to twice
// the live heap (what the collector allows with no limit) once the live
// heap reaches the limit or the collector took more than gcShareMax of
// the CPU over a quarter of a second.
var heapBudget struct {
	mu      sync.Mutex
	holders int
	stop    chan struct{}
	done    chan struct{}
}

// heapWatchEvery is how often the watcher looks at the collector.
const heapWatchEvery = 25 * time.Millisecond

// gcShareMax is the share of the process's CPU the collector may take,
// over gcWindow of CPU time or more, before the budget gives way: a cycle
// or two close together take a larger share of the moment they run in.
const (
	gcShareMax = 0.3
	gcWindow   = 0.5 // CPU seconds (a quarter of a second on two CPUs)
)

// holdHeapBudget starts rendering within budget and returns the function
// that ends it.
func holdHeapBudget(budget int64) (release func()) {
	h := &heapBudget
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holders == 0 {
		if debug.SetMemoryLimit(-1) != math.MaxInt64 {
			return func() {} // the process's own limit stands
		}
		debug.SetMemoryLimit(budget)
		var w heapWatch
		w.look()
		h.stop, h.done = make(chan struct{}), make(chan struct{})
		go w.run(h.stop, h.done)
	}
	h.holders++
	var once sync.Once
	return func() { once.Do(releaseHeapBudget) }
}

// releaseHeapBudget ends one hold; the last stops the watcher and takes
// the limit away.
func releaseHeapBudget() {
	h := &heapBudget
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holders--; h.holders == 0 {
		close(h.stop)
		<-h.done
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// heapWatch is what the watcher saw at its last look.
type heapWatch struct {
	gc, total float64 // the collector's and all CPU seconds at the window's start
}

// run looks every heapWatchEvery until stop is closed.
func (w *heapWatch) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(heapWatchEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			w.look()
		}
	}
}

// look reads the collector's figures (the runtime updates them once a
// cycle) and raises the limit when raisedLimit says so: the collector's
// share is taken over the last gcWindow or more of CPU time.
func (w *heapWatch) look() {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/total:cpu-seconds"},
	}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindFloat64 || s[2].Value.Kind() != metrics.KindFloat64 {
		return
	}
	gc, total := s[1].Value.Float64(), s[2].Value.Float64()
	share := 0.0
	switch {
	case w.total == 0:
		w.gc, w.total = gc, total
	case total-w.total >= gcWindow:
		share = (gc - w.gc) / (total - w.total)
		w.gc, w.total = gc, total
	}
	limit := debug.SetMemoryLimit(-1)
	if r := raisedLimit(limit, int64(s[0].Value.Uint64()), share); r != limit {
		debug.SetMemoryLimit(r)
	}
}

// raisedLimit is the memory limit to have, given the current one, the live
// heap and the collector's share of the CPU since the last cycle: twice
// the live heap once the live heap has reached the limit or the collector
// took more than gcShareMax; else the limit as it is.
func raisedLimit(limit, live int64, gcShare float64) int64 {
	if live >= limit || gcShare > gcShareMax {
		return max(limit, 2*live)
	}
	return limit
}
