package history

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// errChanged: the second pass found the file other than the first saw it.
var errChanged = errors.New("the history changed while it was being read")

// decoded is one chunk after the second pass's decoding.
type decoded struct {
	events    []Event
	raw       []byte
	err       error
	truncated bool // the chunk's (and file's) last line was incomplete
}

// replay is the second pass: workers decode the chunks ahead, in parallel;
// the calling goroutine puts the events in time order (stably: equal t
// keep file order) and calls fn with each. It returns the Log without
// Events, or the first error in file order; ctx's error once ctx is done
// (looked at between chunks).
func replay(ctx context.Context, r io.ReaderAt, x *index, fn func(*Event)) (*Log, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	results := make([]chan *decoded, len(x.chunks))
	for k := range results {
		results[k] = make(chan *decoded, 1)
	}
	// Each buffer in free is one chunk in flight: decoding, decoded or
	// being handed over.
	free := make(chan *decoded, workers+2)
	for range cap(free) {
		free <- &decoded{}
	}
	quit := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			dec := NewDecoder()
			for {
				var d *decoded
				select {
				case d = <-free:
				case <-quit:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= len(x.chunks) {
					return
				}
				decodeChunk(r, x.chunks[k], d, dec)
				results[k] <- d
			}
		})
	}
	defer func() {
		close(quit)
		wg.Wait()
	}()
	o := orderer{sorted: x.sorted, bound: x.suffixMin(), fn: fn, log: &Log{}}
	for k := range x.chunks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d := <-results[k]
		if d.err != nil {
			return nil, d.err
		}
		if err := o.add(k, d.events); err != nil {
			return nil, err
		}
		o.log.Truncated = o.log.Truncated || d.truncated
		free <- d
	}
	return o.log.check()
}

// decodeChunk reads and decodes one chunk into d, as parse always has: a
// blank line is skipped, an incomplete last line that does not decode
// marks the history truncated, any other line that does not decode (or has
// no ev) is an error naming its line.
func decodeChunk(r io.ReaderAt, c chunk, d *decoded, dec *Decoder) {
	d.err, d.truncated = nil, false
	if cap(d.events) < c.lines {
		d.events = make([]Event, 0, c.lines+c.lines/4) // room for the next chunks
	}
	d.events = d.events[:0]
	if c.long > 0 {
		d.err = fmt.Errorf("line %d: %d bytes, longer than the %d a history line may hold: %w", c.line, c.long, MaxLine, ErrMalformed)
		return
	}
	n := int(c.end - c.off)
	if cap(d.raw) < n {
		d.raw = make([]byte, n+n/4)
	}
	raw := d.raw[:n]
	if _, err := r.ReadAt(raw, c.off); err != nil {
		if errors.Is(err, io.EOF) {
			err = errChanged
		}
		d.err = fmt.Errorf("line %d: %w", c.line, err)
		return
	}
	for line, data := c.line, raw; len(data) > 0; line++ {
		b, rest, complete := bytes.Cut(data, newline)
		data = rest
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		d.events = slices.Grow(d.events, 1)[:len(d.events)+1] // decode zeroes it
		ev := &d.events[len(d.events)-1]
		if err := dec.Decode(b, ev); err != nil || ev.Ev == "" {
			d.events = d.events[:len(d.events)-1]
			if !complete {
				d.truncated = true
				return
			}
			if err == nil {
				err = fmt.Errorf("missing field ev")
			}
			d.err = fmt.Errorf("line %d: %w (%w)", line, err, ErrMalformed)
			return
		}
	}
}

// orderer hands events over in time order. When the first pass found the
// file sorted, in file order; otherwise it holds back the events of the
// chunks so far whose t is above the smallest t still to come (bound),
// which in a real history are a few hundred.
type orderer struct {
	sorted bool
	bound  []int64
	fn     func(*Event)
	log    *Log
	last   int64
	count  int
	carry  []Event // held back, in time order
	spare  []Event
	keys   []sortKey
}

type sortKey struct {
	t int64
	i int
}

func compareKeys(a, b sortKey) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	return cmp.Compare(a.i, b.i)
}

// sortKeys sorts nearly sorted keys by insertion, in about linear time
// when each is only a few places out; past a budget of moves it leaves
// the rest to slices.SortFunc.
func sortKeys(keys []sortKey) {
	budget := 8 * len(keys)
	for i := 1; i < len(keys); i++ {
		k, j := keys[i], i
		for ; j > 0 && compareKeys(k, keys[j-1]) < 0; j-- {
			keys[j] = keys[j-1]
		}
		keys[j] = k
		if budget -= i - j; budget < 0 {
			slices.SortFunc(keys, compareKeys)
			return
		}
	}
}

// add takes chunk k's events, in file order.
func (o *orderer) add(k int, evs []Event) error {
	if o.sorted && len(o.carry) == 0 {
		for i := range evs {
			if err := o.emit(&evs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	// Carried events come before the chunk's in file order: sorting
	// (t, position) keys is a stable sort by t.
	o.keys = o.keys[:0]
	for i := range o.carry {
		o.keys = append(o.keys, sortKey{o.carry[i].T, i})
	}
	for i := range evs {
		o.keys = append(o.keys, sortKey{evs[i].T, len(o.carry) + i})
	}
	sortKeys(o.keys)
	at := func(i int) *Event {
		if i < len(o.carry) {
			return &o.carry[i]
		}
		return &evs[i-len(o.carry)]
	}
	kept := o.spare[:0]
	for _, key := range o.keys {
		if key.t > o.bound[k] {
			kept = append(kept, *at(key.i))
			continue
		}
		if err := o.emit(at(key.i)); err != nil {
			return err
		}
	}
	clear(o.carry)
	o.carry, o.spare = kept, o.carry[:0]
	return nil
}

// emit hands one event over and notes run_start and run_end.
func (o *orderer) emit(e *Event) error {
	if o.count > 0 && e.T < o.last {
		return errChanged
	}
	o.last = e.T
	o.count++
	switch e.Ev {
	case KindRunStart:
		if o.log.Start == nil {
			s := *e
			o.log.Start = &s
		}
	case KindRunEnd:
		end := *e
		o.log.End = &end
	}
	o.fn(e)
	return nil
}

// check refuses a history without run_start or of a newer format.
func (l *Log) check() (*Log, error) {
	if l.Start == nil {
		return nil, fmt.Errorf("no run_start line: %w", ErrMalformed)
	}
	if l.Start.Format > FormatVersion {
		return nil, fmt.Errorf("history format %d is newer than this stansim reads (%d): %w", l.Start.Format, FormatVersion, ErrMalformed)
	}
	return l, nil
}
