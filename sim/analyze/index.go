package analyze

import (
	"math"
	"slices"
	"strings"
)

// msgIndex finds a message's ref (store.go) by its id. stansim's
// publishers name their messages "<publisher>-<n>" with n counting from 1
// (sim/run/publisher.go), so most ids sit in a slice per publisher, indexed
// by n: 4 bytes a message and no hashing of the id, where a map of every id
// cost about 56 bytes a message and most of the builder's lookups. Any other id (another
// program's, or an n far beyond what the publisher has sent) goes in a map.
// Once built it is only read (get writes nothing), so outputs may look
// messages up from several goroutines.
type msgIndex struct {
	dense map[string]*denseList
	other map[string]ref
	// last is the list put last: a history's lines name few publishers,
	// one mostly. Only put sets it.
	last *denseList
}

// denseList is one publisher's messages by n-1, and how many it holds.
type denseList struct {
	pub   string
	msgs  []ref
	count int
}

// denseSlack is how far past twice its messages a publisher's list may
// grow for an id to be stored by n: lines of one publisher come nearly in
// order, and a history whose ids jump ahead (not stansim's) costs at most
// about twice its ids, the rest going to the map.
const denseSlack = 1 << 10

// splitID splits "<pub>-<n>" into pub and n; ok is false for any other id
// (no dash, no digits after it, a leading zero, or an n past 2^31-1).
func splitID(id string) (pub string, n int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || i == len(id)-1 || len(id)-i-1 > 10 || id[i+1] == '0' {
		return "", 0, false
	}
	var v int64
	for _, c := range []byte(id[i+1:]) {
		if c < '0' || c > '9' {
			return "", 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if v > math.MaxInt32 {
		return "", 0, false
	}
	return id[:i], int(v), true
}

// list returns pub's list, or nil.
func (x *msgIndex) list(pub string) *denseList {
	if x.last != nil && x.last.pub == pub {
		return x.last
	}
	return x.dense[pub]
}

// get returns the ref of the message with id, or 0. (splitID is one to
// one: the slot of an n holds no other id.)
func (x *msgIndex) get(id string) ref {
	if pub, n, ok := splitID(id); ok {
		if l := x.list(pub); l != nil && n <= len(l.msgs) {
			if r := l.msgs[n-1]; r != 0 {
				return r
			}
		}
	}
	return x.other[id]
}

// set changes the ref of id, which is in the index.
func (x *msgIndex) set(id string, r ref) {
	if pub, n, ok := splitID(id); ok {
		if l := x.list(pub); l != nil && n <= len(l.msgs) && l.msgs[n-1] != 0 {
			l.msgs[n-1] = r
			return
		}
	}
	x.other[id] = r
}

// put adds id's ref; id must not be in the index yet.
func (x *msgIndex) put(id string, r ref) {
	if pub, n, ok := splitID(id); ok {
		l := x.list(pub)
		if l == nil {
			if x.dense == nil {
				x.dense = map[string]*denseList{}
			}
			l = &denseList{pub: pub}
			x.dense[pub] = l
		}
		x.last = l
		if n <= max(len(l.msgs), 2*l.count+denseSlack) {
			if old := len(l.msgs); n > old {
				l.msgs = slices.Grow(l.msgs, max(n-old, old))[:n] // doubling: little garbage
				clear(l.msgs[old:])
			}
			if l.msgs[n-1] == 0 {
				l.msgs[n-1] = r
				l.count++
				return
			}
		}
	}
	if x.other == nil {
		x.other = map[string]ref{}
	}
	x.other[id] = r
}

// trim gives back the room each publisher's list grew into beyond its
// ids (up to half of it, as lists grow by doubling): the index lives as
// long as the analysis.
func (x *msgIndex) trim() {
	for _, l := range x.dense {
		if cap(l.msgs) > len(l.msgs)+len(l.msgs)/8 {
			l.msgs = slices.Clone(l.msgs)
		}
	}
}

// ByID returns the message with id (published or not), kept (Keep), or
// nil.
func (a *Analysis) ByID(id string) *Message { return a.resolve(a.index.get(id)) }
