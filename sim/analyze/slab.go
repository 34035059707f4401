package analyze

import (
	"sync"
	"unsafe"
)

// slab is how many records a slab holds.
const slab = 1024

// pageSize is the granule in which the kernel hands a process memory.
const pageSize = 4096

// slabs hands out slabs of records: one allocation for many, as nearly
// every message has one publish, one delivery and one done. When started
// with ahead, a helper goroutine makes the next slabs and touches their
// pages while the builder works: a large history's analysis is mostly
// fresh memory, and on a virtual machine each first touch of a page (a
// page fault) costs microseconds that would otherwise sit on the one
// goroutine that reads the events in order (BENCHMARKS.md, "Reading and
// analysing").
type slabs[T any] struct {
	ready chan []T
	stop  chan struct{}
	wg    sync.WaitGroup
	cur   []T
}

// start begins making slabs ahead on a helper goroutine, which runs until
// close.
func (s *slabs[T]) start(ahead int) {
	s.ready, s.stop = make(chan []T, ahead), make(chan struct{})
	s.wg.Go(func() {
		for {
			select {
			case s.ready <- touched[T]():
			case <-s.stop:
				return
			}
		}
	})
}

// close stops the helper, if any, and waits for it.
func (s *slabs[T]) close() {
	if s.stop != nil {
		close(s.stop)
		s.wg.Wait()
		s.stop, s.ready = nil, nil
	}
}

// one returns room for one record: a zeroed slice of length 0 and
// capacity 1 (a second record appended moves both out of the slab).
func (s *slabs[T]) one() []T {
	if len(s.cur) == 0 {
		if s.ready != nil {
			s.cur = <-s.ready
		} else {
			s.cur = make([]T, slab)
		}
	}
	r := s.cur[:0:1]
	s.cur = s.cur[1:]
	return r
}

// touched returns a new slab with every page written once.
func touched[T any]() []T {
	s := make([]T, slab)
	var zero T
	step := max(1, pageSize/int(unsafe.Sizeof(zero)))
	for i := 0; i < len(s); i += step {
		s[i] = zero
	}
	return s
}
