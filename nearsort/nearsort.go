// Package nearsort sorts a sequence that arrives nearly in order: with a
// heap as deep as the farthest any element arrives after its place, so
// that a walk over millions of elements sorts them in memory that does
// not grow with them (ARCHITECTURE.md). The analysis walks its messages in
// publish order to yield them by sequence; the order chart walks them by
// sequence to rank them by done time.
package nearsort

// Sorter takes elements in arrival order and gives them back sorted by
// less, given that none arrives more than its window of places after its
// place in the sorted order. less must be a strict total order. A caller
// that does not know the window tries one and checks that the output is
// sorted: if it is, it is the sorted order.
type Sorter[T any] struct {
	window int
	less   func(x, y T) bool
	h      []T
}

// New returns a Sorter for elements that arrive at most window places
// late.
func New[T any](window int, less func(x, y T) bool) *Sorter[T] {
	return &Sorter[T]{window: window, less: less, h: make([]T, 0, window+1)}
}

// Push takes the next element and returns the next one in sorted order
// once more than the window wait (ok), else nothing.
func (s *Sorter[T]) Push(x T) (next T, ok bool) {
	s.h = append(s.h, x)
	for j := len(s.h) - 1; j > 0; {
		p := (j - 1) / 2
		if !s.less(s.h[j], s.h[p]) {
			break
		}
		s.h[j], s.h[p] = s.h[p], s.h[j]
		j = p
	}
	if len(s.h) > s.window {
		return s.Pop()
	}
	return next, false
}

// Pop returns the next element in sorted order of those waiting (after
// the last Push: the rest, one by one); false when none is.
func (s *Sorter[T]) Pop() (next T, ok bool) {
	if len(s.h) == 0 {
		return next, false
	}
	h := s.h
	next, last := h[0], len(h)-1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if c+1 < len(h) && s.less(h[c+1], h[c]) {
			c++
		}
		if !s.less(h[c], h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	s.h = h
	return next, true
}
