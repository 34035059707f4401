package analyze

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stansim/stansim/sim/history"
)

// Analyze derives an Analysis from a history read back with history.Read.
func Analyze(l *history.Log) *Analysis {
	b := newBuilder()
	for i := range l.Events {
		b.add(&l.Events[i])
	}
	return b.finish(l)
}

// ReadFile reads and analyses a history file in one stream: the events
// pass through the analysis as they are decoded and are not kept (the
// Analysis's Log has Start, End and Truncated but no Events). Errors are
// history.Stream's.
func ReadFile(path string) (*Analysis, error) { return ReadFileContext(context.Background(), path) }

// ReadFileContext is ReadFile that stops once ctx is done, with ctx's
// error (history.StreamContext).
func ReadFileContext(ctx context.Context, path string) (*Analysis, error) {
	b := newBuilder()
	// A large history's older records go to a file beside it (records.go).
	b.a.store.recs.keep, b.a.store.recs.dir = keepChunks, filepath.Dir(path)
	if fi, err := os.Stat(path); err == nil {
		b.expect(fi.Size())
		if fi.Size() >= aheadFrom {
			defer b.makeAhead()()
		}
	}
	l, err := history.StreamContext(ctx, path, b.add)
	if err != nil {
		return nil, err
	}
	return b.finish(l), nil
}

// ReadDir is ReadFile for DIR/history.jsonl.
func ReadDir(dir string) (*Analysis, error) { return ReadDirContext(context.Background(), dir) }

// ReadDirContext is ReadFileContext for DIR/history.jsonl.
func ReadDirContext(ctx context.Context, dir string) (*Analysis, error) {
	return ReadFileContext(ctx, filepath.Join(dir, history.FileName))
}

// builder derives an Analysis one event at a time, in time order; finish
// then works out everything that needs the whole history.
type builder struct {
	a           *Analysis
	memberGroup map[string]string
	line        int // the event's place in the history, sorted by t
	// lastFault is each member's latest fault, by time.
	lastFault map[string]int64
	// whole keeps every message whole (tests compare it with the plain
	// records).
	whole bool
	// Messages and their first delivery and done come from slabs
	// (slab.go).
	msgs  slabs[Message]
	dels  slabs[Delivery]
	dones slabs[Done]
}

func newBuilder() *builder {
	return &builder{a: &Analysis{}, memberGroup: map[string]string{}, lastFault: map[string]int64{}}
}

// bytesPerMessage is about what a message takes in a history: its
// publish, publish_ack, deliver and done lines.
const bytesPerMessage = 420

// expect sizes the message list for a history file of size bytes, so
// that it does not grow as the messages come.
func (b *builder) expect(size int64) {
	b.a.store.order = make([]ref, 0, int(min(size/bytesPerMessage, 1<<24)))
}

// aheadFrom is the history size from which ReadFile makes its slabs
// ahead (slab.go), about 100,000 messages: below it the helpers are not
// worth starting, and their 4 MB slabs would be mostly unused (a
// 100k-event history peaked 11 MiB higher with them). Tests change it.
var aheadFrom int64 = 40 << 20

// makeAhead starts making the builder's slabs ahead; the function it
// returns stops that.
func (b *builder) makeAhead() (stop func()) {
	b.msgs.start()
	b.dels.start()
	b.dones.start()
	return func() {
		b.msgs.close()
		b.dels.close()
		b.dones.close()
	}
}

// lookup returns the message with id, whole (a plain one is unfolded:
// the line being read adds to its story), or nil.
func (b *builder) lookup(id string) *Message {
	r := b.a.index.get(id)
	switch {
	case r == 0:
		return nil
	case !r.plain():
		return b.a.store.full[r.at()]
	}
	var v plainView
	s := &b.a.store
	w := s.fill(&v, s.recs.get(r.at(), &v))
	m := b.alloc()
	dels, dones := m.Deliveries, m.Dones
	slot := m.slot
	*m = *w
	m.Deliveries, m.Dones = append(dels, w.Deliveries...), append(dones, w.Dones...)
	m.slot, m.view = slot, false
	s.order[w.pos] = fullRef(int(slot))
	b.a.index.set(id, fullRef(int(slot)))
	return m // (its record stays, named by nothing)
}

// alloc returns a whole message in a slot: a recycled one (with its
// delivery and done room kept, emptied) or a new one from the slab.
func (b *builder) alloc() *Message {
	s := &b.a.store
	if n := len(s.free); n > 0 {
		m := s.full[s.free[n-1]]
		s.free = s.free[:n-1]
		return m
	}
	m := &b.msgs.one()[:1][0]
	m.slot = int32(len(s.full))
	s.full = append(s.full, m)
	return m
}

// newMessage returns a whole message in a slot, set to m, in the index;
// published (and appended to the publish order) when publish.
func (b *builder) newMessage(m Message, publish bool) *Message {
	p := b.alloc()
	dels, dones, slot := p.Deliveries[:0], p.Dones[:0], p.slot
	*p = m
	p.Deliveries, p.Dones, p.slot, p.pos = dels, dones, slot, -1
	b.a.index.put(p.ID, fullRef(int(slot)))
	if publish {
		b.publish(p)
	}
	return p
}

// publish appends m to the publish order.
func (b *builder) publish(m *Message) {
	s := &b.a.store
	m.pos = int32(len(s.order))
	s.order = append(s.order, fullRef(int(m.slot)))
}

// message finds the message a deliver/done line names, creating a stub for
// an id the history never saw published (kept out of the counts).
func (b *builder) message(e *history.Event) *Message {
	if m := b.lookup(e.ID); m != nil {
		return m
	}
	return b.newMessage(Message{ID: e.ID, Key: e.Key, Ver: e.Ver, Channel: e.Channel, PublishT: -1, AckT: -1}, false)
}

// addDelivery appends d to m's deliveries; the first goes into a slab.
func (b *builder) addDelivery(m *Message, d Delivery) {
	if cap(m.Deliveries) == 0 {
		m.Deliveries = b.dels.one()
	}
	m.Deliveries = append(m.Deliveries, d)
}

// addDone appends d to m's dones; the first goes into a slab.
func (b *builder) addDone(m *Message, d Done) {
	if cap(m.Dones) == 0 {
		m.Dones = b.dones.one()
	}
	m.Dones = append(m.Dones, d)
}

// compact stores m as a plain record when its story so far is plain
// (store.go) and its member has not died since the delivery (a death
// after it would make m one the member held), and frees its slot.
func (b *builder) compact(m *Message) {
	if b.whole || !plainStory(m) {
		return
	}
	s, dl, dn := &b.a.store, &m.Deliveries[0], &m.Dones[0]
	if t, ok := b.lastFault[dl.Member]; ok && t >= dl.T {
		return
	}
	key, ok := s.keys.id(m.Key)
	if !ok {
		return
	}
	sh, ok := s.shapeID(shape{pub: m.Pub, channel: m.Channel, member: dl.Member, group: dl.Group})
	if !ok {
		return
	}
	id, ok := s.addID(m.ID)
	if !ok {
		return
	}
	i, ok := s.recs.add(plainMsg{publishT: m.PublishT, ackD: int32(m.AckT - m.PublishT),
		delD: int32(dl.T - m.PublishT), doneD: int32(dn.T - m.PublishT), seq: uint32(m.Seq),
		ver: int32(m.Ver), line: int32(dn.Line), pos: m.pos, key: key, id: id, idLen: uint8(len(m.ID)), shape: sh})
	if !ok {
		return
	}
	r := plainRef(i)
	s.order[m.pos] = r
	b.a.index.set(m.ID, r)
	slot, dels, dones := m.slot, m.Deliveries[:0], m.Dones[:0]
	clear(dels[:1])
	clear(dones[:1])
	*m = Message{Deliveries: dels, Dones: dones, slot: slot}
	s.free = append(s.free, slot)
}

// add takes the next event. It keeps nothing of e but strings and the
// slices e owns (a streamed event is reused).
func (b *builder) add(e *history.Event) {
	a, i := b.a, b.line
	b.line++
	a.End = max(a.End, e.T)
	if e.Member != "" && e.Group != "" {
		b.memberGroup[e.Member] = e.Group
	}
	switch e.Ev {
	case history.KindPublish:
		// A plain message was published already: a second publish line
		// of its id changes nothing, as for a whole one.
		if r := a.index.get(e.ID); r != 0 && r.plain() {
			break
		}
		switch m := b.lookup(e.ID); {
		case m == nil:
			b.newMessage(Message{ID: e.ID, Pub: e.Pub, Channel: e.Channel, Key: e.Key, Ver: e.Ver, PublishT: e.T, AckT: -1}, true)
		case m.PublishT < 0:
			// A stub: a delivery's line was written before the publish's
			// (lines of different goroutines); the message is still this
			// publish's.
			m.Pub, m.Channel, m.Key, m.Ver, m.PublishT = e.Pub, e.Channel, e.Key, e.Ver, e.T
			b.publish(m)
			b.compact(m)
		}
	case history.KindPublishAck:
		// A plain message has its publish_ack already.
		if r := a.index.get(e.ID); r != 0 && r.plain() {
			break
		}
		if m := b.lookup(e.ID); m != nil && m.AckT < 0 {
			m.AckT, m.AckErr, m.Acked = e.T, e.Err, e.Err == ""
			b.compact(m)
		}
	case history.KindDeliver:
		b.deliver(e)
	case history.KindDone:
		b.done(e, i)
	case history.KindSkip:
		b.skip(e)
	case history.KindMemberUp:
		mb := a.member(e.Member, b.memberGroup[e.Member])
		mb.Spans = append(mb.Spans, Span{Client: e.Client, Up: e.T, Down: -1})
	case history.KindMemberDown:
		mb := a.member(e.Member, b.memberGroup[e.Member])
		if n := len(mb.Spans); n > 0 && mb.Spans[n-1].Down < 0 {
			mb.Spans[n-1].Down, mb.Spans[n-1].Death = e.T, e.Death
		}
	case history.KindFault:
		b.lastFault[e.Member] = max(b.lastFault[e.Member], e.T)
		d := &Death{Member: e.Member, Group: b.memberGroup[e.Member], Kind: e.Death, Client: e.Client, T: e.T, Removed: -1, Restart: -1}
		if mb := a.Member(e.Member); d.Client == "" && mb != nil && len(mb.Spans) > 0 {
			d.Client = mb.Spans[len(mb.Spans)-1].Client
		}
		a.Deaths = append(a.Deaths, d)
	case history.KindMemberExit:
		b.exit(e)
	case history.KindServerView:
		v := View{T: e.T, Subs: e.Subs, Err: e.ViewErr, Clients: make(map[string]bool, len(e.Clients))}
		for _, c := range e.Clients {
			v.Clients[c] = true
		}
		a.Views = append(a.Views, v)
	}
}

func (b *builder) deliver(e *history.Event) {
	a := b.a
	a.Summary.Delivered++
	if e.IsRedelivered() {
		a.Summary.Redelivered++
	}
	m := b.message(e)
	if m.Seq == 0 {
		m.Seq = e.Seq
	}
	b.addDelivery(m, Delivery{
		T: e.T, Member: e.Member, Group: e.Group, Seq: e.Seq,
		Redelivered: e.IsRedelivered(), Redeliveries: e.RedeliveryCount(), Done: -1, Skip: -1,
	})
}

func (b *builder) done(e *history.Event, line int) {
	a := b.a
	m := b.message(e)
	g := e.Group
	if g == "" {
		g = b.memberGroup[e.Member]
	}
	d := Done{T: e.T, Member: e.Member, Group: g, Redeliveries: e.RedeliveryCount(), AckErr: e.AckErr, Delivery: -1, Line: line}
	if k := finishes(m, e); k >= 0 {
		d.Delivery, m.Deliveries[k].Done = int32(k), int32(len(m.Dones))
	}
	if e.AckErr != "" {
		a.Summary.AckErrors++
	}
	b.addDone(m, d)
	b.compact(m)
}

func (b *builder) skip(e *history.Event) {
	m := b.message(e)
	sk := Skip{T: e.T, Member: e.Member, Group: e.Group, Delivery: -1, Next: -1}
	if e.Have != nil {
		sk.Have = *e.Have
	}
	if sk.Group == "" {
		sk.Group = b.memberGroup[e.Member]
	}
	if k := finishes(m, e); k >= 0 {
		sk.Delivery, m.Deliveries[k].Skip = k, int32(len(m.Skips))
	}
	m.Skips = append(m.Skips, sk)
}

// finish derives what needs the whole history: the settings and each
// death's prediction, removal and hand-offs, the summary.
func (b *builder) finish(l *history.Log) *Analysis {
	a := b.a
	a.Log, a.Settings = l, ReadSettings(l.Start)
	if l.Start != nil {
		a.Sample = l.Start.SampleInterval
	}
	for _, d := range a.Deaths {
		if w, ok := a.Settings.Removal(d.Kind); ok {
			d.Predicted = &w
		}
	}
	a.groups, a.publishers = a.listGroups(), a.listPublishers()
	a.seqWindow = a.sequenceWindow()
	a.seqKnown = true
	a.linkSkips()
	a.resolveDeaths()
	a.handOffs()
	a.summarise()
	a.findProblems()
	a.checkExpectations()
	return a
}

// finishes picks the delivery a done (or skip) line finishes: the member's latest
// unfinished delivery with the done's redelivery count, else its latest
// unfinished one; -1 if none. The count matters when a slow member holds two
// copies of an id (AckWait ran out while the first was still queued): it
// works in arrival order, so its first done is the original's, not the
// newer redelivered copy's.
func finishes(m *Message, e *history.Event) int {
	found := -1
	for k := len(m.Deliveries) - 1; k >= 0; k-- {
		dl := &m.Deliveries[k]
		if dl.Member != e.Member || dl.Done >= 0 || dl.Skip >= 0 || dl.T > e.T {
			continue
		}
		if e.Redeliveries == nil || dl.Redeliveries == *e.Redeliveries {
			return k
		}
		if found < 0 {
			found = k
		}
	}
	return found
}

func (a *Analysis) member(name, group string) *Member {
	if m := a.Member(name); m != nil {
		if m.Group == "" {
			m.Group = group
		}
		return m
	}
	m := &Member{Name: name, Group: group}
	a.Members = append(a.Members, m)
	return m
}

// String is a short human description of the message, e.g. "#17 (pub-k3 v4)".
func (m *Message) String() string {
	if m.Seq > 0 {
		return fmt.Sprintf("#%d (%s v%d)", m.Seq, m.Key, m.Ver)
	}
	return fmt.Sprintf("%s (%s v%d)", m.ID, m.Key, m.Ver)
}

// linkSkips finds, for each skip, the group's next copy of the message.
func (a *Analysis) linkSkips() {
	for m := range a.All() {
		for i := range m.Skips { // a plain message has none: m is whole here
			sk := &m.Skips[i]
			for k := range m.Deliveries {
				if dl := &m.Deliveries[k]; dl.Group == sk.Group && dl.T > sk.T && (sk.Delivery < 0 || k > sk.Delivery) {
					sk.Next = k
					break
				}
			}
		}
	}
}
