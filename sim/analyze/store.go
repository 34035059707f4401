package analyze

import (
	"iter"
	"math"
	"slices"
	"unsafe"
)

// This file holds how an Analysis keeps its messages (ARCHITECTURE.md,
// "One analysis"). Nearly every message of a large run has a plain story:
// published and acknowledged, delivered once to one member, which did it
// once, with no death of that member in between. Such a message is kept as
// one plainMsg of 48 bytes and its id instead of a Message with its
// delivery and done (about 450 bytes with their slices and strings), and a large history's
// records are kept mostly in a file (records.go): what keeps a report's
// memory from growing with every message (BENCHMARKS.md). The outputs
// never see the difference: All yields a plain message rebuilt field for
// field, as a Message holding that story would be. A message whose story
// grows (a later line names it) is unfolded back into a Message; one the
// finishing rules would change or name (an inferred send to a dead
// member, a held message, a listed inversion) is made whole before they
// do.

// ref names one message in the store: a slot in full, or an index into
// the plain records. The zero ref names none.
type ref uint32

const plainBit ref = 1 << 31

func fullRef(slot int) ref { return ref(slot + 1) }
func plainRef(i int) ref   { return plainBit | ref(i+1) }
func (r ref) plain() bool  { return r&plainBit != 0 }
func (r ref) at() int      { return int(r&^plainBit) - 1 }

// idChunk is the size of one chunk of id bytes: an id never spans two.
const idChunk = 1 << 20

// shape is what many plain messages share: who published them on which
// channel, and the member (and its group) that got and did them.
type shape struct{ pub, channel, member, group string }

// store holds the messages: every published one in publish order, each a
// whole Message (in a slot of full) or a plain record.
type store struct {
	order []ref
	full  []*Message // by slot; a free slot keeps its Message for reuse
	free  []int32
	recs  records // the plain records (records.go)
	// ids holds the plain messages' ids, back to back in chunks that are
	// written once and never change, so a string made over its bytes stays
	// valid.
	ids    [][]byte
	keys   interner[string, uint32]
	shapes interner[shape, uint16]
	// byMember is the shape last interned for each member: nearly always
	// the one asked for, found by hashing one string instead of four.
	byMember map[string]uint16
}

// addID stores id's bytes and returns where they start; false when the id
// is too long for a record or the id space is full.
func (s *store) addID(id string) (uint32, bool) {
	n := len(id)
	if n == 0 || n > math.MaxUint8 {
		return 0, false
	}
	if last := len(s.ids) - 1; last < 0 || len(s.ids[last])+n > cap(s.ids[last]) {
		if uint64(last+2)*idChunk > math.MaxUint32 {
			return 0, false
		}
		size := idChunk // a small run's ids take a small chunk
		if last < 0 || cap(s.ids[last]) < idChunk/2 {
			size = 4096
			if last >= 0 {
				size = 2 * cap(s.ids[last])
			}
		}
		s.ids = append(s.ids, make([]byte, 0, size))
	}
	last := len(s.ids) - 1
	c := &s.ids[last]
	off := uint32(last)*idChunk + uint32(len(*c))
	*c = append(*c, id...) // within its capacity: the bytes never move
	return off, true
}

// id returns record p's id: a string over the id bytes (never copied,
// never changed).
func (s *store) id(p *plainMsg) string {
	c := s.ids[p.id/idChunk]
	return unsafe.String(&c[p.id%idChunk], int(p.idLen))
}

// interner numbers distinct values in the order first seen.
type interner[K comparable, N uint16 | uint32] struct {
	vals []K
	ids  map[K]N
}

// id returns v's number; false once N cannot name another value (then
// the message stays whole).
func (t *interner[K, N]) id(v K) (N, bool) {
	if id, ok := t.ids[v]; ok {
		return id, true
	}
	if uint64(len(t.vals)) > uint64(^N(0)) {
		return 0, false
	}
	if t.ids == nil {
		t.ids = map[K]N{}
	}
	id := N(len(t.vals))
	t.vals = append(t.vals, v)
	t.ids[v] = id
	return id, true
}

// shapeID interns sh, trying first the shape last used for its member.
func (s *store) shapeID(sh shape) (uint16, bool) {
	if id, ok := s.byMember[sh.member]; ok && s.shapes.vals[id] == sh {
		return id, true
	}
	id, ok := s.shapes.id(sh)
	if ok {
		if s.byMember == nil {
			s.byMember = map[string]uint16{}
		}
		s.byMember[sh.member] = id
	}
	return id, ok
}

// plainView is the Message All rebuilds a plain record into. Between
// records it rewrites only what differs: the fields every plain story
// shares are set once, a shape's and a key's strings when they change.
type plainView struct {
	m     Message
	del   [1]Delivery
	done  [1]Done
	ready bool
	shape uint16 // the shape and key filled in (when ready)
	key   uint32
	// win is a walker's window of spilled chunks (records.go); nil for a
	// view that looks one message up, which reads its record into rec.
	win *window
	rec plainMsg
}

// walker returns a view for a walk over many messages: with a window of
// spilled chunks when the records are spilled.
func (s *store) walker() plainView { return plainView{win: s.recs.window()} }

// reset makes v rebuild its next message from scratch (after the one it
// held was changed), keeping its window.
func (v *plainView) reset() { v.ready = false }

// fill rebuilds record p into v.
func (s *store) fill(v *plainView, p *plainMsg) *Message {
	if !v.ready {
		v.del[0] = Delivery{Done: 0, Skip: -1}
		v.done[0] = Done{Delivery: 0}
		v.m = Message{Acked: true, Deliveries: v.del[:], Dones: v.done[:], slot: -1, view: true}
		v.shape, v.key = ^p.shape, ^p.key
		v.ready = true
	}
	if p.shape != v.shape {
		sh := &s.shapes.vals[p.shape]
		v.m.Pub, v.m.Channel = sh.pub, sh.channel
		v.del[0].Member, v.del[0].Group = sh.member, sh.group
		v.done[0].Member, v.done[0].Group = sh.member, sh.group
		v.shape = p.shape
	}
	if p.key != v.key {
		v.m.Key, v.key = s.keys.vals[p.key], p.key
	}
	m, dl, dn := &v.m, &v.del[0], &v.done[0]
	m.ID, m.Ver, m.PublishT, m.AckT, m.Seq, m.pos = s.id(p), int(p.ver), p.publishT, p.publishT+int64(p.ackD), uint64(p.seq), p.pos
	dl.T, dl.Seq = p.publishT+int64(p.delD), uint64(p.seq)
	dn.T, dn.Line, dn.Late = p.publishT+int64(p.doneD), int(p.line), p.late
	return m
}

// get returns the message r names, rebuilding a plain one into v.
func (s *store) get(r ref, v *plainView) *Message {
	if r.plain() {
		return s.fill(v, s.recs.get(r.at(), v))
	}
	return s.full[r.at()]
}

// markLate marks the first done in group g of the message at place i
// Late.
func (s *store) markLate(i int, g string) {
	if r := s.order[i]; r.plain() {
		s.recs.setLate(r.at()) // a plain message has one done
		return
	}
	dones := s.full[s.order[i].at()].Dones
	for di := range dones {
		if dones[di].Group == g {
			dones[di].Late = true
			return
		}
	}
}

// plainStory reports whether m's story is plain (see the top of this
// file) and fits a plain record.
func plainStory(m *Message) bool {
	if m.pos < 0 || m.PublishT < 0 || !m.Acked || m.AckT < 0 || m.AckErr != "" ||
		len(m.Deliveries) != 1 || len(m.Dones) != 1 || len(m.Skips) != 0 || len(m.Unseen) != 0 ||
		m.Ver < math.MinInt32 || m.Ver > math.MaxInt32 {
		return false
	}
	dl, dn := &m.Deliveries[0], &m.Dones[0]
	return dl.Seq == m.Seq && !dl.Redelivered && dl.Redeliveries == 0 && dl.Cause == "" && dl.After == nil &&
		dl.Done == 0 && dl.Skip == -1 && !dl.Thawed &&
		dn.Member == dl.Member && dn.Group == dl.Group && dn.Redeliveries == 0 && dn.AckErr == "" &&
		dn.Delivery == 0 && !dn.Late && dn.Line <= math.MaxInt32 && m.Seq <= math.MaxUint32 &&
		fits32(m.AckT-m.PublishT) && fits32(dl.T-m.PublishT) && fits32(dn.T-m.PublishT)
}

// fits32 reports whether d fits an int32 (a time from the publish within
// about 2.1 s either side).
func fits32(d int64) bool { return d >= math.MinInt32 && d <= math.MaxInt32 }

// NumMessages is how many messages were published (All's length).
func (a *Analysis) NumMessages() int { return len(a.store.order) }

// All yields every published message in publish order. A message with a
// plain story is rebuilt into one Message that the next step reuses: a
// caller that keeps a message (or a pointer into its deliveries or
// dones) past its step keeps Keep's result instead.
func (a *Analysis) All() iter.Seq[*Message] {
	return func(yield func(*Message) bool) {
		v := a.store.walker()
		for _, r := range a.store.order {
			if !yield(a.store.get(r, &v)) {
				return
			}
		}
	}
}

// Keep returns a message All yielded in a form that stays valid: m itself
// when the analysis holds it whole, else a copy of the rebuilt one.
func (a *Analysis) Keep(m *Message) *Message {
	if !m.view {
		return m
	}
	c := *m
	c.Deliveries, c.Dones, c.view = slices.Clone(m.Deliveries), slices.Clone(m.Dones), false
	return &c
}

// MessageAt returns the message at place i of publish order (All's
// order), kept (Keep).
func (a *Analysis) MessageAt(i int) *Message {
	var v plainView
	return a.Keep(a.store.get(a.store.order[i], &v))
}

// List returns every published message, kept (Keep): a new copy of each
// plain one on every call, so it is for small runs and tests.
func (a *Analysis) List() []*Message {
	out := make([]*Message, 0, a.NumMessages())
	for m := range a.All() {
		out = append(out, a.Keep(m))
	}
	return out
}

// Close releases the file a large history's records were spilled to
// (records.go). The messages cannot be read after it; the summary, the
// settings and the lists of members, deaths and inversions stay.
func (a *Analysis) Close() error { return a.store.recs.close() }

// Pos is the message's place in publish order (All's order, MessageAt's
// index), or -1 for a message never published.
func (m *Message) Pos() int { return int(m.pos) }

// promote makes the message at place pos whole, set to m (the rebuilt
// view of it, possibly changed), and returns it. Only the builder's
// finishing rules call it, before the analysis is read.
func (a *Analysis) promote(pos int, m *Message) *Message {
	s := &a.store
	if !s.order[pos].plain() {
		return s.full[s.order[pos].at()]
	}
	c := a.Keep(m)
	c.slot = int32(len(s.full))
	s.full = append(s.full, c)
	r := fullRef(int(c.slot))
	s.order[pos] = r
	a.index.set(c.ID, r)
	return c
}

// promoteAt makes the message at place pos whole and returns it.
func (a *Analysis) promoteAt(pos int) *Message {
	var v plainView
	return a.promote(pos, a.store.get(a.store.order[pos], &v))
}

// resolve returns the message r names, stable: a plain one as a kept
// copy; nil for the zero ref.
func (a *Analysis) resolve(r ref) *Message {
	if r == 0 {
		return nil
	}
	var v plainView
	return a.Keep(a.store.get(r, &v))
}
