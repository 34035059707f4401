package nearsort

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSorter: with the window window gives, a Sorter returns every
// arrival order (in order, locally shuffled, shuffled anywhere, with
// repeats ordered by arrival) sorted; with one place less it does not
// whenever the window is not 0.
func TestSorter(t *testing.T) {
	type elem struct{ key, at int }
	less := func(x, y elem) bool { return x.key < y.key || x.key == y.key && x.at < y.at }
	byKey := func(x, y elem) int { return cmp.Compare(x.key, y.key) }
	rng := rand.New(rand.NewPCG(1, 2))
	short := 0
	for trial := range 300 {
		n := rng.IntN(500)
		xs := make([]elem, n)
		for i := range xs {
			xs[i].key = i
		}
		switch trial % 4 {
		case 1:
			for i := range xs {
				if j := i + rng.IntN(9); j < n {
					xs[i], xs[j] = xs[j], xs[i]
				}
			}
		case 2:
			rng.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		case 3:
			for i := range xs {
				xs[i].key = rng.IntN(n/3 + 1)
			}
		}
		for i := range xs {
			xs[i].at = i
		}
		want := slices.Clone(xs)
		slices.SortStableFunc(want, byKey)
		sortWith := func(w int) []elem {
			s := New(w, less)
			var got []elem
			for _, x := range xs {
				if y, ok := s.Push(x); ok {
					got = append(got, y)
				}
			}
			for y, ok := s.Pop(); ok; y, ok = s.Pop() {
				got = append(got, y)
			}
			return got
		}
		w := window(xs, byKey)
		if got := sortWith(w); !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d): window %d did not sort", trial, n, w)
		}
		if w > 0 {
			short++
			if got := sortWith(w - 1); slices.Equal(got, want) {
				t.Fatalf("trial %d: window %d sorted too: the window was not the smallest", trial, w-1)
			}
		}
	}
	if short == 0 {
		t.Fatal("no arrival order needed a window")
	}
}

// window is the smallest window with which a Sorter sorts xs, given in
// arrival order, by cmp (ties keep arrival order): the farthest any
// element arrives after its place.
func window[T any](xs []T, cmp func(x, y T) int) int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return cmp(xs[i], xs[j]) })
	w := 0
	for rank, i := range idx {
		w = max(w, i-rank)
	}
	return w
}
