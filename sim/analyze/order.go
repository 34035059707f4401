package analyze

import (
	"cmp"
	"slices"
	"sort"
)

// Inversion is one out-of-order pair within a group and key: Early was done
// first although its version is higher than Late's.
type Inversion struct {
	Group, Key    string
	Early, Late   *Message
	EarlyT, LateT int64 // the first done of each, in that group
}

type doneEntry struct {
	t    int64
	idx  int // publish order, the tie breaker
	m    *Message
	done int // index in m.Dones
}

// outOfOrder counts inversions over the first done of each id, per group and
// key: the totals, each group's figures, and the pairs (capped). It marks
// every first done that came after a higher version as Late.
func outOfOrder(msgs []*Message) (OutOfOrder, map[string]OutOfOrder, []Inversion) {
	type gk struct{ g, k string }
	lists := map[gk][]doneEntry{}
	var order []gk
	for i, m := range msgs {
		if !m.Acked {
			continue
		}
		for di, d := range m.Dones {
			if !firstInGroup(m.Dones, di) {
				continue
			}
			k := gk{d.Group, m.Key}
			if _, ok := lists[k]; !ok {
				order = append(order, k)
			}
			lists[k] = append(lists[k], doneEntry{t: d.T, idx: i, m: m, done: di})
		}
	}
	var res OutOfOrder
	perGroup := map[string]OutOfOrder{}
	var pairs []Inversion
	for _, k := range order {
		l := lists[k]
		// (t, idx) is a total order: a message is once in its list.
		slices.SortFunc(l, func(x, y doneEntry) int {
			if c := cmp.Compare(x.t, y.t); c != 0 {
				return c
			}
			return cmp.Compare(x.idx, y.idx)
		})
		vers := make([]int, len(l))
		for i, e := range l {
			vers[i] = e.m.Ver
		}
		before := greaterBefore(vers)
		n := 0
		for j, c := range before {
			n += c
			if c > 0 {
				l[j].m.Dones[l[j].done].Late = true
			}
			// List the pairs ending at j while under the cap: scan back for
			// the c earlier entries with a higher version.
			for i := j - 1; c > 0 && i >= 0 && len(pairs) < MaxPairs; i-- {
				if vers[i] > vers[j] {
					c--
					pairs = append(pairs, Inversion{Group: k.g, Key: k.k, Early: l[i].m, Late: l[j].m, EarlyT: l[i].t, LateT: l[j].t})
				}
			}
		}
		g := perGroup[k.g]
		if n > 0 {
			res.Inversions += n
			res.KeysAffected++
			g.Inversions += n
			g.KeysAffected++
		}
		disp := maxDisplacement(vers)
		res.MaxDisplacement = max(res.MaxDisplacement, disp)
		g.MaxDisplacement = max(g.MaxDisplacement, disp)
		perGroup[k.g] = g
	}
	return res, perGroup, pairs
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

// greaterBefore returns, for each position, how many earlier values are
// greater (a Fenwick tree over value ranks: O(n log n)).
func greaterBefore(vals []int) []int {
	ranks := rankOf(vals)
	tree := make([]int, len(vals)+1)
	out := make([]int, len(vals))
	for j, r := range ranks {
		// count of earlier values with rank <= r
		le := 0
		for i := r + 1; i > 0; i -= i & -i {
			le += tree[i]
		}
		out[j] = j - le
		for i := r + 1; i <= len(vals); i += i & -i {
			tree[i]++
		}
	}
	return out
}

// rankOf maps each value to its rank among the sorted values (ties share a rank).
func rankOf(vals []int) []int {
	s := append([]int(nil), vals...)
	sort.Ints(s)
	ranks := make([]int, len(vals))
	for i, v := range vals {
		ranks[i] = sort.SearchInts(s, v)
	}
	return ranks
}

// maxDisplacement is the largest |done rank - version rank|.
func maxDisplacement(vals []int) int {
	d := 0
	for i, r := range rankOf(vals) {
		d = max(d, abs(i-r))
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
