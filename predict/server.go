package predict

import (
	"slices"
	"time"

	"github.com/stansim/stansim/sim/scenario"
)

// This file models the rules of nats-streaming-server v0.25.6 that decide
// where a queue group's messages go (server.go there: findBestQueueSub,
// sendMsgToQueueGroup, sendMsgToSub, processAck,
// performAckExpirationRedelivery, subStore.Remove); the names follow the
// server's.

// removalRedelivery is how soon the server redelivers the messages it
// moved off a member that left (subStore.Remove: fireIn 100 ms).
const removalRedelivery = int64(100 * time.Millisecond)

// expiryLimit is how far ahead an AckWait timer redelivers (the server's
// limit: now + 15 ms).
const expiryLimit = int64(15 * time.Millisecond)

// group is one queue group's state in the server (queueState).
type group struct {
	e        *engine
	l        scenario.Listener
	ch       *channel
	subs     []*sub
	lastSent uint64
	stalled  int  // stalledSubCount
	shadow   *sub // a durable group's last member while none is connected
	gone     bool // a non-durable group whose last member left: deleted

	// What the run would record.
	applied     map[string]int    // the group's per-key state (policy)
	dones       map[uint64]int    // done lines per message
	firstDone   map[uint64]int64  // first done per message
	firstSent   map[uint64]bool   // messages the server has sent to some member
	delivered   int               // deliveries recorded by live members
	redelivered int               // ... of them flagged redelivered
	generation  int               // a new group after a non-durable one was deleted
	joined      map[*sub]struct{} // every sub ever in the group
}

// sub is one member life's subscription in the server (subState).
type sub struct {
	g        *group
	life     *life
	pending  map[uint64]int64 // acksPending: seq -> expiry
	lastSent uint64
	stalled  bool
	failedHB bool
	removed  bool
	timerAt  int64 // ack timer; 0 = none
	timerGen int
}

func newGroup(e *engine, l scenario.Listener, ch *channel) *group {
	return &group{e: e, l: l, ch: ch, applied: map[string]int{}, dones: map[uint64]int{}, firstDone: map[uint64]int64{},
		firstSent: map[uint64]bool{}, joined: map[*sub]struct{}{}}
}

// subscribe adds a member life: to the group, or as the group's first
// member again (a durable group's offline member takes it over and gets its
// unacknowledged messages redelivered; a deleted non-durable group starts
// afresh at its start position).
func (g *group) subscribe(lf *life) {
	if g.gone {
		g.gone = false
		g.generation++
		g.lastSent = 0
		if g.l.Start == scenario.StartNew {
			g.lastSent = uint64(len(g.ch.msgs))
		}
		g.firstSent = map[uint64]bool{}
	}
	s := g.shadow
	if s != nil {
		g.shadow = nil
		s.life, s.removed, s.stalled, s.failedHB = lf, false, false, false
	} else {
		s = &sub{g: g, life: lf, pending: map[uint64]int64{}}
	}
	lf.sub = s
	g.subs = append(g.subs, s)
	g.joined[s] = struct{}{}
	for _, seq := range s.sortedPending() { // performDurableRedelivery
		g.e.sendToSub(s, g.ch.msgs[seq-1], true, true)
	}
	g.sendAvailable()
}

// findBest is findBestQueueSub: the member with the fewest unacknowledged
// messages among those neither stalled nor with a failed heartbeat, ties to
// list order, else the first; the chosen first member moves to the end.
func (g *group) findBest() *sub {
	var best *sub
	least := int(^uint(0) >> 1)
	for _, s := range g.subs {
		if !s.stalled && !s.failedHB && len(s.pending) < least {
			least, best = len(s.pending), s
		}
	}
	if best == nil && len(g.subs) > 0 {
		best = g.subs[0]
	}
	if len(g.subs) > 1 && best == g.subs[0] {
		g.subs = append(g.subs[1:], best)
	}
	return best
}

// sendToGroup is sendMsgToQueueGroup.
func (g *group) sendToGroup(m *msg, force, redelivered bool) (*sub, bool) {
	s := g.findBest()
	if s == nil {
		return nil, false
	}
	wasStalled := s.stalled
	sent := g.e.sendToSub(s, m, force, redelivered)
	if !force && !wasStalled && s.stalled {
		g.stalled++
	}
	if sent && s.lastSent > g.lastSent {
		g.lastSent = s.lastSent
	}
	return s, sent
}

// sendAvailable is sendAvailableMessagesToQueue: the next messages of the
// channel, while a member can take them.
func (g *group) sendAvailable() {
	if len(g.subs) == 0 || g.gone {
		return
	}
	for next := g.lastSent + 1; g.stalled < len(g.subs) && next <= uint64(len(g.ch.msgs)); next++ {
		if _, sent := g.sendToGroup(g.ch.msgs[next-1], false, false); !sent {
			break
		}
	}
}

// sendToSub is sendMsgToSub: it reports whether the message went out.
func (e *engine) sendToSub(s *sub, m *msg, force, redelivered bool) bool {
	if !force && len(s.pending) >= s.g.l.MaxInflight {
		s.stalled = true
		return false
	}
	s.life.deliver(m, redelivered)
	if s.timerAt == 0 {
		e.setTimer(s, e.now+int64(s.g.l.AckWait))
	}
	if exp, ok := s.pending[m.seq]; ok {
		s.pending[m.seq] = exp + int64(s.g.l.AckWait)
		return true
	}
	s.lastSent = max(s.lastSent, m.seq)
	s.pending[m.seq] = e.now + int64(s.g.l.AckWait)
	if !force && len(s.pending) == s.g.l.MaxInflight {
		s.stalled = true
	}
	return true
}

// ack is processAck: a member's ack (fromUser) or the server's own when it
// moved a message to another member.
func (g *group) ack(s *sub, seq uint64, fromUser bool) {
	if _, ok := s.pending[seq]; ok {
		delete(s.pending, seq)
	} else if fromUser {
		for _, o := range g.subs {
			if _, ok := o.pending[seq]; ok && o != s {
				delete(o.pending, seq)
				break
			}
		}
	}
	if s.stalled && len(s.pending) < s.g.l.MaxInflight {
		s.stalled = false
		if g.stalled > 0 {
			g.stalled--
		}
		if !s.removed {
			g.sendAvailable()
		}
	}
}

// setTimer (re)arms a member's ack timer.
func (e *engine) setTimer(s *sub, t int64) {
	s.timerGen++
	gen := s.timerGen
	s.timerAt = t
	e.at(t+e.v.latency, func() {
		if s.timerGen == gen && !s.removed {
			e.expire(s)
		}
	})
}

// expire is performAckExpirationRedelivery: every message whose AckWait has
// run out goes to the group's best member (forced past max_inflight); one
// that went elsewhere is acked for the old holder.
func (e *engine) expire(s *sub) {
	g := s.g
	order := s.sortedByExpiry()
	if len(order) == 0 {
		s.timerAt = 0
		return
	}
	limit := e.now + expiryLimit
	var next int64
	for _, seq := range order {
		exp, ok := s.pending[seq]
		if !ok {
			continue
		}
		if exp > limit {
			next = exp
			break
		}
		pick, sent := g.sendToGroup(g.ch.msgs[seq-1], true, true)
		if pick == nil {
			break
		}
		if pick != s && sent {
			g.ack(s, seq, false)
		}
	}
	switch {
	case s.removed:
	case len(s.pending) == 0:
		s.timerAt = 0
	case next <= e.now:
		e.setTimer(s, e.now+int64(g.l.AckWait))
	default:
		e.setTimer(s, next)
	}
}

// remove is subStore.Remove: the member leaves the group; its
// unacknowledged messages go round-robin to the others, redelivered 100 ms
// later. The last member of a durable group stays as the group's shadow; a
// non-durable group without members is deleted.
func (g *group) remove(s *sub) {
	s.removed = true
	s.timerGen++
	s.timerAt = 0
	g.subs = slices.DeleteFunc(g.subs, func(o *sub) bool { return o == s })
	if len(g.subs) == 0 {
		if g.l.Durable != "" {
			g.shadow, g.stalled = s, 0
		} else {
			g.gone = true
		}
		return
	}
	if s.stalled && g.stalled > 0 {
		g.stalled--
	}
	past := g.e.now - int64(time.Second)
	touched := map[*sub]bool{}
	for i, seq := range s.sortedByExpiry() {
		o := g.subs[i%len(g.subs)]
		o.pending[seq] = past
		o.lastSent = max(o.lastSent, seq)
		touched[o] = true
	}
	for _, o := range g.subs {
		if touched[o] {
			g.e.setTimer(o, g.e.now+removalRedelivery)
		}
	}
}

// sortedByExpiry lists pending sequences by expiry, then sequence.
func (s *sub) sortedByExpiry() []uint64 {
	seqs := s.sortedPending()
	slices.SortStableFunc(seqs, func(a, b uint64) int {
		ea, eb := s.pending[a], s.pending[b]
		switch {
		case ea < eb:
			return -1
		case ea > eb:
			return 1
		}
		return 0
	})
	return seqs
}

// sortedPending lists pending sequences in order.
func (s *sub) sortedPending() []uint64 {
	seqs := make([]uint64, 0, len(s.pending))
	for seq := range s.pending {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	return seqs
}
