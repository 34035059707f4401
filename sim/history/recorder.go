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
//
// The writer drains the queue every drainEvery, or as soon as it holds
// wakeAt events, rather than on every event: a handler's Record is a lock,
// a copy and an unlock, and wakes no goroutine. Each line is encoded
// without reflection (AppendJSON) into the writer's own buffer.
type Recorder struct {
	mu      sync.Mutex
	queue   queue
	zero    time.Time
	started bool
	closed  bool
	wake    chan struct{}
	done    chan struct{}
	err     error // first write error, read after done

	w *bufio.Writer
}

// flushEvery bounds how stale the file may be while a run is going on.
const flushEvery = 200 * time.Millisecond

// drainEvery is how often the writer takes the queue when Record does not
// wake it; wakeAt is the queue length at which Record does.
const (
	drainEvery = 10 * time.Millisecond
	wakeAt     = 4096
)

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
	r.queue.pushFront(pending{at: zero, ev: runStart})
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
	r.queue.push(pending{at: at, ev: ev})
	wake := r.queue.n == wakeAt
	r.mu.Unlock()
	if wake {
		r.signal()
	}
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
		r.queue.pushFront(pending{at: at, ev: Event{Ev: KindRunStart, Format: FormatVersion}})
	}
	r.queue.push(pending{at: at, ev: last})
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
	drain := time.NewTicker(drainEvery)
	defer drain.Stop()
	lastFlush := time.Now()
	for {
		select {
		case <-r.wake:
		case <-drain.C:
		}
		r.mu.Lock()
		if !r.started && !r.closed {
			r.mu.Unlock()
			continue
		}
		taken := r.queue.take()
		zero, closed := r.zero, r.closed
		r.mu.Unlock()
		for _, b := range taken {
			for i := range b {
				p := &b[i]
				p.ev.T = int64(p.at.Sub(zero))
				r.write(&p.ev)
			}
		}
		r.mu.Lock()
		r.queue.recycle(taken)
		rest := r.queue.n
		r.mu.Unlock()
		if closed {
			if rest == 0 {
				r.flush()
				return
			}
			r.signal()
			continue
		}
		if now := time.Now(); now.Sub(lastFlush) >= flushEvery {
			r.flush()
			lastFlush = now
		}
	}
}

// lineRoom is the free space the writer keeps for a line: lines but
// run_start's are far shorter, so encoding allocates nothing.
const lineRoom = 4096

// write encodes one line straight into the buffered writer's free space
// (a long line goes through the writer's Write).
func (r *Recorder) write(ev *Event) {
	if r.err != nil {
		return
	}
	if r.w.Available() < lineRoom {
		r.flush()
	}
	b := append(ev.AppendJSON(r.w.AvailableBuffer()), '\n')
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
