package history

import (
	"bufio"
	"fmt"
	"io"
	"sync"
	"time"
)

// Recorder appends events to a history without ever blocking the caller on
// I/O: Record puts the event in an unbounded queue and one goroutine encodes
// and writes. Nothing is dropped; Close drains the queue and flushes.
type Recorder struct {
	mu      sync.Mutex
	queue   []pending
	zero    time.Time
	started bool
	closed  bool
	wake    chan struct{}
	done    chan struct{}
	err     error // first write error, read after done

	w *bufio.Writer
}

type pending struct {
	at time.Time
	ev Event
}

// flushEvery bounds how stale the file may be while a run is going on.
const flushEvery = 200 * time.Millisecond

// NewRecorder starts the writer goroutine. Events recorded before Start are
// held until Start fixes the zero time and writes run_start.
func NewRecorder(w io.Writer) *Recorder {
	r := &Recorder{
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
		w:    bufio.NewWriterSize(w, 256<<10),
	}
	go r.loop()
	return r
}

// Start sets t = 0 and writes the run_start line first.
func (r *Recorder) Start(zero time.Time, runStart Event) {
	runStart.Ev = KindRunStart
	r.mu.Lock()
	r.zero = zero
	r.started = true
	r.queue = append([]pending{{at: zero, ev: runStart}}, r.queue...)
	r.mu.Unlock()
	r.signal()
}

// Record queues one event that happened at the given time.
func (r *Recorder) Record(at time.Time, ev Event) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.queue = append(r.queue, pending{at: at, ev: ev})
	r.mu.Unlock()
	r.signal()
}

// Close writes a final event (normally run_end), drains the queue, flushes
// and stops the writer. It returns the first write error. Without Start (a
// run that failed while connecting), t = 0 is the close and a bare run_start
// goes first, so the history stays readable.
func (r *Recorder) Close(at time.Time, last Event) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return r.err
	}
	if !r.started {
		r.zero, r.started = at, true
		r.queue = append([]pending{{at: at, ev: Event{Ev: KindRunStart, Format: FormatVersion}}}, r.queue...)
	}
	r.queue = append(r.queue, pending{at: at, ev: last})
	r.closed = true
	r.mu.Unlock()
	r.signal()
	<-r.done
	return r.err
}

func (r *Recorder) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Recorder) loop() {
	defer close(r.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	var batch []pending
	dirty := false
	for {
		select {
		case <-r.wake:
		case <-tick.C:
			if dirty {
				r.flush()
				dirty = false
			}
			continue
		}
		r.mu.Lock()
		if !r.started && !r.closed {
			r.mu.Unlock()
			continue
		}
		batch, r.queue = r.queue, batch[:0]
		zero, closed := r.zero, r.closed
		r.mu.Unlock()
		for i := range batch {
			p := &batch[i]
			p.ev.T = int64(p.at.Sub(zero))
			r.write(&p.ev)
			p.ev = Event{}
		}
		dirty = dirty || len(batch) > 0
		if closed {
			r.mu.Lock()
			rest := len(r.queue)
			r.mu.Unlock()
			if rest == 0 {
				r.flush()
				return
			}
			r.signal()
		}
	}
}

func (r *Recorder) write(ev *Event) {
	if r.err != nil {
		return
	}
	b, err := ev.Marshal()
	if err != nil {
		r.err = fmt.Errorf("history: encode %s: %w", ev.Ev, err)
		return
	}
	b = append(b, '\n')
	if _, err := r.w.Write(b); err != nil {
		r.err = fmt.Errorf("history: write: %w", err)
	}
}

func (r *Recorder) flush() {
	if r.err != nil {
		return
	}
	if err := r.w.Flush(); err != nil {
		r.err = fmt.Errorf("history: flush: %w", err)
	}
}
