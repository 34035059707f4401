package analyze

import (
	"slices"
	"strings"
)

// msgIndex finds a message by its id. stansim's publishers name their
// messages "<publisher>-<n>" with n counting from 1 (sim/run/publisher.go),
// so most ids sit in a slice per publisher, indexed by n: 8 bytes a message
// and no hashing of the id, where a map of every id cost about 56 bytes a
// message and most of the builder's lookups. Any other id (another
// program's, or an n far beyond what the publisher has sent) goes in a map.
type msgIndex struct {
	dense map[string]*[]*Message // publisher -> messages by n-1
	other map[string]*Message
	// last is the publisher of the last dense lookup: a history's lines
	// name few publishers, one mostly.
	lastPub  string
	lastList *[]*Message
}

// denseSlack is how far past a publisher's highest n an id may go and
// still be stored by n (lines of one publisher come nearly in order).
const denseSlack = 1 << 16

// splitID splits "<pub>-<n>" into pub and n; ok is false for any other id
// (no dash, no digits after it, a leading zero, or an n past 2^31).
func splitID(id string) (pub string, n int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || i == len(id)-1 || len(id)-i-1 > 10 || id[i+1] == '0' {
		return "", 0, false
	}
	for _, c := range []byte(id[i+1:]) {
		if c < '0' || c > '9' {
			return "", 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 1<<31 {
		return "", 0, false
	}
	return id[:i], n, true
}

// list returns pub's slice, making it when create is true.
func (x *msgIndex) list(pub string, create bool) *[]*Message {
	if x.lastList != nil && x.lastPub == pub {
		return x.lastList
	}
	l := x.dense[pub]
	if l == nil {
		if !create {
			return nil
		}
		if x.dense == nil {
			x.dense = map[string]*[]*Message{}
		}
		l = new([]*Message)
		x.dense[pub] = l
	}
	x.lastPub, x.lastList = pub, l
	return l
}

// get returns the message with id, or nil.
func (x *msgIndex) get(id string) *Message {
	if pub, n, ok := splitID(id); ok {
		if l := x.list(pub, false); l != nil && n <= len(*l) {
			if m := (*l)[n-1]; m != nil && m.ID == id {
				return m
			}
		}
	}
	return x.other[id]
}

// put adds m; its id must not be in the index yet.
func (x *msgIndex) put(m *Message) {
	if pub, n, ok := splitID(m.ID); ok {
		l := x.list(pub, true)
		if n <= len(*l)+denseSlack {
			if old := len(*l); n > old {
				*l = slices.Grow(*l, max(n-old, old))[:n] // doubling: little garbage
				clear((*l)[old:])
			}
			if (*l)[n-1] == nil {
				(*l)[n-1] = m
				return
			}
		}
	}
	if x.other == nil {
		x.other = map[string]*Message{}
	}
	x.other[m.ID] = m
}

// ByID returns the message with id, or nil.
func (a *Analysis) ByID(id string) *Message { return a.index.get(id) }
