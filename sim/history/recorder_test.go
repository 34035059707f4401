package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer the test may read while the recorder writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}

// checkFor polls f until it returns nil or total has passed.
func checkFor(t *testing.T, total, interval time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", total, err)
		}
		time.Sleep(interval)
	}
}

// lines decodes every line of a history as written, without sorting.
func lines(t *testing.T, b []byte) []Event {
	t.Helper()
	var out []Event
	for i, ln := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		var e Event
		if err := json.Unmarshal(ln, &e); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, ln)
		}
		out = append(out, e)
	}
	return out
}

// TestRecorderConcurrent records 16 x 10,000 events from concurrent
// goroutines while the writer goroutine writes, plus a few events recorded
// before Start, and checks the file holds each exactly once, in order per
// goroutine, between run_start and the final event.
func TestRecorderConcurrent(t *testing.T) {
	const workers, each, early = 16, 10000, 5
	var out syncBuffer
	r := NewRecorder(&out)
	zero := time.Now()

	// Before Start: held, then written after run_start with negative t.
	for i := range early {
		r.Record(zero.Add(-time.Duration(early-i)*time.Millisecond), Event{Ev: KindMemberUp, Member: fmt.Sprintf("early-%d", i)})
	}
	if len(out.Bytes()) != 0 {
		t.Fatalf("recorder wrote before Start: %q", out.Bytes())
	}

	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			<-startGate
			for i := range each {
				r.Record(time.Now(), Event{Ev: KindDone, ID: fmt.Sprintf("w%d-%d", w, i), Member: fmt.Sprintf("w%d", w), Ver: i + 1})
			}
		})
	}
	seed := int64(7)
	r.Start(zero, Event{Format: FormatVersion, Scenario: "concurrent", Seed: &seed})
	close(startGate)
	// The writer writes while the workers are still recording: wait until
	// something other than run_start reached the file before they finish.
	checkFor(t, 5*time.Second, 5*time.Millisecond, func() error {
		if n := bytes.Count(out.Bytes(), []byte("\n")); n < 2 {
			return fmt.Errorf("%d lines written so far", n)
		}
		return nil
	})
	wg.Wait()
	if err := r.Close(time.Now(), Event{Ev: KindRunEnd, Reason: ReasonDone}); err != nil {
		t.Fatalf("Close: %v", err)
	}

	evs := lines(t, out.Bytes())
	want := 1 + early + workers*each + 1
	if len(evs) != want {
		t.Fatalf("file has %d lines, want %d", len(evs), want)
	}
	if evs[0].Ev != KindRunStart || evs[0].T != 0 || evs[0].Scenario != "concurrent" || evs[0].Seed == nil || *evs[0].Seed != 7 {
		t.Fatalf("first line = %+v, want run_start at t=0", evs[0])
	}
	for i := range early {
		e := evs[1+i]
		if e.Ev != KindMemberUp || e.Member != fmt.Sprintf("early-%d", i) {
			t.Fatalf("line %d = %+v, want early-%d", i+2, e, i)
		}
		if wantT := -int64(early-i) * int64(time.Millisecond); e.T != wantT {
			t.Errorf("early-%d t = %d, want %d", i, e.T, wantT)
		}
	}
	if last := evs[len(evs)-1]; last.Ev != KindRunEnd || last.Reason != ReasonDone {
		t.Fatalf("last line = %+v, want run_end", last)
	}
	seen := map[string]bool{}
	next := make([]int, workers) // per worker, the next version expected
	for _, e := range evs[1+early : len(evs)-1] {
		if e.Ev != KindDone {
			t.Fatalf("unexpected line %+v", e)
		}
		if seen[e.ID] {
			t.Fatalf("%s written twice", e.ID)
		}
		seen[e.ID] = true
		var w, i int
		if _, err := fmt.Sscanf(e.ID, "w%d-%d", &w, &i); err != nil {
			t.Fatalf("bad id %q", e.ID)
		}
		if i != next[w] {
			t.Fatalf("worker %d: got event %d, want %d (one goroutine's events must stay in order)", w, i, next[w])
		}
		next[w]++
		if e.T < 0 {
			t.Fatalf("%s recorded after Start has t = %d", e.ID, e.T)
		}
	}
	for w, n := range next {
		if n != each {
			t.Errorf("worker %d: %d events in the file, want %d", w, n, each)
		}
	}

	// The same bytes read back as a history.
	l, err := Read(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Events) != want || l.Reason() != ReasonDone || l.Truncated {
		t.Errorf("Read: %d events, reason %q, truncated %v", len(l.Events), l.Reason(), l.Truncated)
	}
}

// TestRecorderAfterClose: Record after Close is ignored, Close twice is fine.
func TestRecorderAfterClose(t *testing.T) {
	var out syncBuffer
	r := NewRecorder(&out)
	zero := time.Now()
	r.Start(zero, Event{Format: FormatVersion})
	r.Record(zero.Add(time.Millisecond), Event{Ev: KindPublish, ID: "p-1"})
	if err := r.Close(zero.Add(2*time.Millisecond), Event{Ev: KindRunEnd, Reason: ReasonTimeout}); err != nil {
		t.Fatal(err)
	}
	before := out.Bytes()
	r.Record(zero.Add(3*time.Millisecond), Event{Ev: KindPublish, ID: "p-2"})
	r.Start(zero, Event{Format: FormatVersion}) // must not panic or write either
	if err := r.Close(zero.Add(4*time.Millisecond), Event{Ev: KindRunEnd, Reason: ReasonDone}); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if after := out.Bytes(); !bytes.Equal(before, after) {
		t.Fatalf("file changed after Close:\nbefore %s\nafter  %s", before, after)
	}
	want := `{"t":0,"ev":"run_start","format":1}
{"t":1000000,"ev":"publish","id":"p-1"}
{"t":2000000,"ev":"run_end","reason":"timeout"}
`
	if string(before) != want {
		t.Errorf("file:\n%s\nwant:\n%s", before, want)
	}
}

// TestRecorderCloseConcurrent: goroutines still recording while Close runs
// neither panic nor land after the final event.
func TestRecorderCloseConcurrent(t *testing.T) {
	var out syncBuffer
	r := NewRecorder(&out)
	zero := time.Now()
	r.Start(zero, Event{Format: FormatVersion})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r.Record(time.Now(), Event{Ev: KindDeliver, ID: fmt.Sprintf("w%d-%d", w, i)})
			}
		})
	}
	checkFor(t, 5*time.Second, time.Millisecond, func() error {
		if n := bytes.Count(out.Bytes(), []byte("\n")); n < 100 {
			return fmt.Errorf("%d lines written so far", n)
		}
		return nil
	})
	var closers sync.WaitGroup
	for range 3 {
		closers.Go(func() {
			if err := r.Close(time.Now(), Event{Ev: KindRunEnd, Reason: ReasonInterrupted}); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	closers.Wait()
	close(stop)
	wg.Wait()
	evs := lines(t, out.Bytes())
	ends := 0
	for _, e := range evs {
		if e.Ev == KindRunEnd {
			ends++
		}
	}
	if ends != 1 || evs[len(evs)-1].Ev != KindRunEnd {
		t.Fatalf("%d run_end lines, last line %+v: want exactly one run_end, last", ends, evs[len(evs)-1])
	}
}

// TestRecorderFlushesWhileRunning: a running history reaches the file
// without Close, so an interrupted run leaves what it recorded.
func TestRecorderFlushesWhileRunning(t *testing.T) {
	var out syncBuffer
	r := NewRecorder(&out)
	defer r.Close(time.Now(), Event{Ev: KindRunEnd})
	zero := time.Now()
	r.Start(zero, Event{Format: FormatVersion})
	r.Record(zero.Add(time.Millisecond), Event{Ev: KindPublish, ID: "p-1"})
	checkFor(t, 5*time.Second, 10*time.Millisecond, func() error {
		l, err := Read(bytes.NewReader(out.Bytes()))
		if err != nil {
			return err
		}
		if len(l.Events) != 2 || l.Reason() != ReasonInterrupted {
			return fmt.Errorf("%d events, reason %q", len(l.Events), l.Reason())
		}
		return nil
	})
}

// TestRecorderCloseWithoutStart: a run that fails before Start (a member
// could not connect) still leaves a readable history.
func TestRecorderCloseWithoutStart(t *testing.T) {
	var out syncBuffer
	r := NewRecorder(&out)
	at := time.Now()
	r.Record(at.Add(-time.Millisecond), Event{Ev: KindMemberUp, Member: "orders-1"})
	if err := r.Close(at, Event{Ev: KindRunEnd, Reason: ReasonInterrupted}); err != nil {
		t.Fatal(err)
	}
	l, err := Read(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("Read: %v\n%s", err, out.Bytes())
	}
	if l.Start.Format != FormatVersion || l.Reason() != ReasonInterrupted || len(l.Events) != 3 {
		t.Errorf("start %+v, reason %q, %d events", l.Start, l.Reason(), len(l.Events))
	}
	if e := l.Events[0]; e.Ev != KindMemberUp || e.T != -int64(time.Millisecond) {
		t.Errorf("first event %+v, want member_up at -1ms", e)
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

// TestRecorderWriteError: Close reports the first write error.
func TestRecorderWriteError(t *testing.T) {
	r := NewRecorder(&failWriter{})
	zero := time.Now()
	r.Start(zero, Event{Format: FormatVersion})
	r.Record(zero, Event{Ev: KindPublish, ID: "p-1"})
	err := r.Close(zero, Event{Ev: KindRunEnd})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v, want the write error", err)
	}
	if err2 := r.Close(zero, Event{Ev: KindRunEnd}); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("second Close = %v, want %v", err2, err)
	}
}
