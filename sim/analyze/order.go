package analyze

import (
	"cmp"
	"math"
	"slices"
)

// Inversion is one out-of-order pair within a group and key: Early was done
// first although its version is higher than Late's.
type Inversion struct {
	Group, Key    string
	Early, Late   *Message
	EarlyT, LateT int64 // the first done of each, in that group
}

// doneEntry is one first done in a (group, key) list: pointer-free, so
// that sorting a million of them moves no pointers.
type doneEntry struct {
	t   int64
	idx int32 // the message's place in publish order, the tie breaker
	// ver is the message's version (gathered here: the records may be in
	// a file), or wideVer for one that does not fit (doneLists' wide).
	ver int32
}

// wideVer marks a doneEntry whose version is in the wide map.
const wideVer = math.MinInt32

// outOfOrder counts inversions over the first done of each id, per group and
// key: the totals, each group's figures, and the pairs (capped). It marks
// every first done that came after a higher version as Late.
func (a *Analysis) outOfOrder() (OutOfOrder, map[string]OutOfOrder, []Inversion) {
	dk := a.doneKeys()
	var res OutOfOrder
	perGroup := map[string]OutOfOrder{}
	var pairs []Inversion
	var sc orderScratch
	for lo := 0; lo < len(dk.keys); {
		// The next keys whose lists fit maxDoneEntries (one key at least).
		batch := maxDoneEntries
		if a.doneBatch > 0 {
			batch = a.doneBatch
		}
		hi, n := lo+1, dk.counts[lo]
		for hi < len(dk.keys) && n+dk.counts[hi] <= batch {
			n += dk.counts[hi]
			hi++
		}
		lists, wide := a.doneLists(dk, lo, hi)
		for ki := lo; ki < hi; ki++ {
			k := dk.keys[ki]
			inv, disp := a.keyInversions(k, lists[ki-lo], wide, &sc, &pairs)
			g := perGroup[k.g]
			if inv > 0 {
				res.Inversions += inv
				res.KeysAffected++
				g.Inversions += inv
				g.KeysAffected++
			}
			res.MaxDisplacement = max(res.MaxDisplacement, disp)
			g.MaxDisplacement = max(g.MaxDisplacement, disp)
			perGroup[k.g] = g
		}
		lo = hi
	}
	return res, perGroup, pairs
}

// maxDoneEntries is how many first dones outOfOrder gathers at once
// (16 MiB of entries): the keys are counted in batches that fit, a walk
// over the messages each, so that a large history's count needs no list
// of every message.
const maxDoneEntries = 1 << 20

// keyInversions counts one (group, key) list's inversions (l: its first
// dones, in any order) and its largest displacement, marks its late
// dones and lists its pairs while under MaxPairs.
func (a *Analysis) keyInversions(k groupKey, l []doneEntry, wide map[int32]int, sc *orderScratch, pairs *[]Inversion) (inversions, displacement int) {
	// (t, idx) is a total order: a message is once in its list.
	slices.SortFunc(l, func(x, y doneEntry) int {
		if c := cmp.Compare(x.t, y.t); c != 0 {
			return c
		}
		return cmp.Compare(x.idx, y.idx)
	})
	vers := sc.versions(l, wide)
	ranks := sc.rank(vers)
	before := sc.greaterBefore(ranks)
	for j, c := range before {
		inversions += c
		if c > 0 {
			a.store.markLate(int(l[j].idx), k.g)
		}
		// List the pairs ending at j while under the cap: scan back for
		// the c earlier entries with a higher version.
		for i := j - 1; c > 0 && i >= 0 && len(*pairs) < MaxPairs; i-- {
			if vers[i] > vers[j] {
				c--
				// A listed pair's messages are kept whole: outputs name
				// them and find them by pointer.
				*pairs = append(*pairs, Inversion{Group: k.g, Key: k.k, Early: a.promoteAt(int(l[i].idx)), Late: a.promoteAt(int(l[j].idx)), EarlyT: l[i].t, LateT: l[j].t})
			}
		}
	}
	return inversions, maxDisplacement(ranks)
}

// groupKey is a (group, key) pair whose first dones are compared.
type groupKey struct{ g, k string }

// doneKeyCounts are the (group, key) pairs with first dones of acked
// messages, in order of first appearance, numbered, with how many each
// has.
type doneKeyCounts struct {
	keys   []groupKey
	ids    map[groupKey]int
	counts []int
}

// eachFirstDone calls f with every acked message's first done in each
// group, with the message's place in publish order.
func (a *Analysis) eachFirstDone(f func(i int, m *Message, d *Done)) {
	i := -1
	for m := range a.All() {
		i++
		if !m.Acked {
			continue
		}
		for di := range m.Dones {
			if firstInGroup(m.Dones, di) {
				f(i, m, &m.Dones[di])
			}
		}
	}
}

// doneKeys counts the first dones of each (group, key).
func (a *Analysis) doneKeys() doneKeyCounts {
	dk := doneKeyCounts{ids: map[groupKey]int{}}
	a.eachFirstDone(func(_ int, m *Message, d *Done) {
		k := groupKey{d.Group, m.Key}
		id, ok := dk.ids[k]
		if !ok {
			id = len(dk.keys)
			dk.ids[k] = id
			dk.keys = append(dk.keys, k)
			dk.counts = append(dk.counts, 0)
		}
		dk.counts[id]++
	})
	return dk
}

// doneLists gathers the first dones of keys lo..hi-1 (doneKeys' numbers)
// into one list each, lists[id-lo]. The lists share one array, sized from
// the counts, so that none grows by appending. wide holds the versions
// past 32 bits, by place (none in stansim's own runs).
func (a *Analysis) doneLists(dk doneKeyCounts, lo, hi int) ([][]doneEntry, map[int32]int) {
	total := 0
	for _, c := range dk.counts[lo:hi] {
		total += c
	}
	all := make([]doneEntry, total)
	lists := make([][]doneEntry, hi-lo)
	off := 0
	for id, c := range dk.counts[lo:hi] {
		lists[id] = all[off : off : off+c]
		off += c
	}
	var wide map[int32]int
	a.eachFirstDone(func(i int, m *Message, d *Done) {
		id := dk.ids[groupKey{d.Group, m.Key}]
		if id < lo || id >= hi {
			return
		}
		ver := int32(m.Ver)
		if int(ver) != m.Ver || ver == wideVer {
			if wide == nil {
				wide = map[int32]int{}
			}
			ver, wide[int32(i)] = wideVer, m.Ver
		}
		lists[id-lo] = append(lists[id-lo], doneEntry{t: d.T, idx: int32(i), ver: ver})
	})
	return lists, wide
}

// orderScratch holds the buffers one list's count needs, reused from list
// to list.
type orderScratch struct{ vers, sorted, ranks, tree, before []int }

// grow returns buf resized to n (contents undefined).
func grow(buf []int, n int) []int {
	if cap(buf) < n {
		return make([]int, n)
	}
	return buf[:n]
}

// versions returns the versions of l's messages, in l's order.
func (s *orderScratch) versions(l []doneEntry, wide map[int32]int) []int {
	s.vers = grow(s.vers, len(l))
	for i, e := range l {
		s.vers[i] = int(e.ver)
		if e.ver == wideVer {
			s.vers[i] = wide[e.idx]
		}
	}
	return s.vers
}

// rank maps each value to its rank among the sorted values (ties share a rank).
func (s *orderScratch) rank(vals []int) []int {
	s.sorted = append(grow(s.sorted, 0), vals...)
	slices.Sort(s.sorted)
	s.ranks = grow(s.ranks, len(vals))
	for i, v := range vals {
		s.ranks[i], _ = slices.BinarySearch(s.sorted, v)
	}
	return s.ranks
}

// greaterBefore returns, for each position, how many earlier values are
// greater, given the values' ranks (a Fenwick tree over ranks: O(n log n)).
func (s *orderScratch) greaterBefore(ranks []int) []int {
	n := len(ranks)
	s.tree = grow(s.tree, n+1)
	clear(s.tree)
	s.before = grow(s.before, n)
	for j, r := range ranks {
		// count of earlier values with rank <= r
		le := 0
		for i := r + 1; i > 0; i -= i & -i {
			le += s.tree[i]
		}
		s.before[j] = j - le
		for i := r + 1; i <= n; i += i & -i {
			s.tree[i]++
		}
	}
	return s.before
}

// maxDisplacement is the largest |done rank - version rank|.
func maxDisplacement(ranks []int) int {
	d := 0
	for i, r := range ranks {
		d = max(d, abs(i-r))
	}
	return d
}

// firstInGroup reports whether dones[i] is the first of its group (a
// message has a done or two: a scan beats a set).
func firstInGroup(dones []Done, i int) bool {
	for j := range i {
		if dones[j].Group == dones[i].Group {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
