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
// every message has one publish, one delivery and one done. When started,
// a helper goroutine makes the next slab and touches its pages while the
// builder works: a large history's analysis is mostly fresh memory, and on
// a virtual machine each first touch of a page (a page fault) costs
// microseconds that would otherwise sit on the one goroutine that reads
// the events in order. Those slabs are about aheadBytes each, and where
// the system offers them they ask for transparent huge pages
// (adviseHuge): one fault for 2 MB instead of 512 (BENCHMARKS.md,
// "stansim report against gzip -6").
type slabs[T any] struct {
	ready chan []T
	stop  chan struct{}
	wg    sync.WaitGroup
	cur   []T
}

// aheadBytes is about the size of a slab made ahead: a few huge pages.
const aheadBytes = 4 << 20

// start begins making slabs ahead on a helper goroutine, which runs until
// close. The helper makes one slab beyond the one in use.
func (s *slabs[T]) start() {
	var zero T
	n := max(slab, aheadBytes/int(unsafe.Sizeof(zero)))
	s.ready, s.stop = make(chan []T), make(chan struct{})
	s.wg.Go(func() {
		for {
			select {
			case s.ready <- touched[T](n):
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

// touched returns a new slab of n records with every page written once,
// asking first for huge pages where they can fit.
func touched[T any](n int) []T {
	s := make([]T, n)
	var zero T
	size := int(unsafe.Sizeof(zero))
	adviseHuge(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*size))
	step := max(1, pageSize/size)
	for i := 0; i < len(s); i += step {
		s[i] = zero
	}
	return s
}
