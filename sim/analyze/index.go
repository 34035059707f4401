package analyze

import (
	"math"
	"strings"
)

// msgIndex finds a message's ref (store.go) by its id. stansim's
// publishers name their messages "<publisher>-<n>" with n counting from 1
// (sim/run/publisher.go), so most ids sit in a list per publisher, indexed
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

// denseList is one publisher's messages by n-1, in chunks of denseChunk
// (so it never grows by copying, nor to twice what it needs as a doubled
// slice would), and how many it holds.
type denseList struct {
	pub    string
	chunks [][]ref
	count  int
}

// denseChunk is how many refs one chunk of a denseList holds (64 KiB).
const denseChunk = 1 << 14

// len is how many n the list has room for.
func (l *denseList) len() int { return len(l.chunks) * denseChunk }

// at returns the slot of n (1 <= n <= len).
func (l *denseList) at(n int) *ref { return &l.chunks[(n-1)/denseChunk][(n-1)%denseChunk] }

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
		if l := x.list(pub); l != nil && n <= l.len() {
			if r := *l.at(n); r != 0 {
				return r
			}
		}
	}
	return x.other[id]
}

// set changes the ref of id, which is in the index.
func (x *msgIndex) set(id string, r ref) {
	if pub, n, ok := splitID(id); ok {
		if l := x.list(pub); l != nil && n <= l.len() && *l.at(n) != 0 {
			*l.at(n) = r
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
		if n <= max(l.len(), 2*l.count+denseSlack) {
			for n > l.len() {
				l.chunks = append(l.chunks, make([]ref, denseChunk))
			}
			if s := l.at(n); *s == 0 {
				*s = r
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

// ByID returns the message with id (published or not), kept (Keep), or
// nil.
func (a *Analysis) ByID(id string) *Message { return a.resolve(a.index.get(id)) }
