package run

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// member is one queue-group member across its lives (a restart is a new
// life with a new client id).
type member struct {
	e        *engine
	name     string
	listener scenario.Listener
	lives    int
	cur      *life // guarded by e.mu
}

// life is one connection of a member. mu orders death against acks: a
// handler checks dead, acks and records done under mu, so either the ack and
// its done line happen before the death or neither happens.
type life struct {
	client string
	conn   broker.Member
	rng    *rand.Rand // used only by the subscription's handler goroutine

	mu     sync.Mutex
	dead   bool
	died   chan struct{}
	frozen bool // hung: may be resumed
	queue  []broker.Msg
	ready  chan struct{} // signalled when queue grows
}

// payload is the message body every publisher sends.
type payload struct {
	ID  string `json:"id"`
	Key string `json:"key"`
	Ver int    `json:"ver"`
}

// connect starts a new life of the member: its own connection to the
// broker and the queue subscription.
func (m *member) connect() (*life, error) {
	e := m.e
	l := &life{
		client: fmt.Sprintf("%s-r%d", m.name, m.lives),
		died:   make(chan struct{}),
		ready:  make(chan struct{}, 1),
		rng:    rand.New(rand.NewPCG(uint64(e.sc.Seed), seedOf(m.name, m.lives))),
	}
	m.lives++
	ls := m.listener
	sub := broker.Sub{Channel: ls.Channel, Group: ls.Group, Durable: ls.Durable, AckWait: ls.AckWait,
		MaxInflight: ls.MaxInflight, StartAll: ls.Start == scenario.StartAll}
	conn, err := e.b.Member(l.client, sub, func(msg broker.Msg) { m.handle(l, msg) })
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", m.name, err)
	}
	l.conn = conn
	e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberUp, Member: m.name, Group: ls.Group, Client: l.client})
	go m.work(l)
	return l, nil
}

// handle records the delivery the moment the client library hands it over
// and queues it for the worker: the queue is the member's client buffer, so
// a slow member's backlog shows as time between deliver and done.
func (m *member) handle(l *life, msg broker.Msg) {
	now := time.Now()
	var p payload
	_ = json.Unmarshal(msg.Data(), &p)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return
	}
	m.e.rec.Record(now, history.Event{
		Ev: history.KindDeliver, Member: m.name, Group: m.listener.Group, Seq: msg.Seq(),
		ID: p.ID, Key: p.Key, Ver: p.Ver,
		Redelivered: history.Bool(msg.Redelivered()), Redeliveries: history.Int(msg.Redeliveries()),
	})
	l.queue = append(l.queue, msg)
	select {
	case l.ready <- struct{}{}:
	default:
	}
}

// work processes queued messages one at a time, in arrival order, until
// the life ends. A message is done when processing is over and the ack sent.
func (m *member) work(l *life) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		// The message stays queued until it is done: a frozen member
		// resumes with it, and a queue that is not empty is work pending.
		l.mu.Lock()
		var msg broker.Msg
		if len(l.queue) > 0 {
			msg = l.queue[0]
		}
		l.mu.Unlock()
		if msg == nil {
			select {
			case <-l.ready:
				continue
			case <-l.died:
				return
			}
		}
		if d := m.listener.ProcessTime.Sample(l.rng); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-l.died:
				return
			}
		}
		if !m.finish(l, msg) {
			return
		}
	}
}

// finish offers the processed message to the group's state: applied, it
// is acked and recorded done; skipped (version-check), it is recorded as a
// skip and left unacked. Nothing happens when the member died first.
func (m *member) finish(l *life, msg broker.Msg) bool {
	var p payload
	_ = json.Unmarshal(msg.Data(), &p)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return false
	}
	ev := history.Event{
		Ev: history.KindDone, Member: m.name, Group: m.listener.Group, Seq: msg.Seq(),
		ID: p.ID, Key: p.Key, Ver: p.Ver, Redeliveries: history.Int(msg.Redeliveries()),
	}
	applied, have := m.e.states[m.listener.Group].offer(p.Key, p.Ver, func() {
		if err := msg.Ack(); err != nil {
			ev.AckErr = err.Error()
		}
		m.e.rec.Record(time.Now(), ev)
	})
	if !applied {
		// Neither applied nor acked: the server redelivers it after AckWait.
		ev.Ev, ev.Have = history.KindSkip, history.Int(have)
		m.e.rec.Record(time.Now(), ev)
	}
	l.queue[0] = nil
	l.queue = l.queue[1:]
	if applied && ev.AckErr == "" {
		m.e.track.done(m.listener.Group, p.ID)
	}
	return true
}

// kill ends the life as the given death: the member records nothing more,
// then the broker carries out the death table's effect on its connection.
func (m *member) kill(l *life, kind death.Kind) {
	e := m.e
	effect := kind.Info().Effect
	l.mu.Lock()
	l.dead = true
	l.frozen = effect == death.EffectFreeze
	close(l.died)
	e.rec.Record(time.Now(), history.Event{Ev: history.KindFault, Member: m.name, Group: m.listener.Group, Death: kind, Client: l.client})
	l.mu.Unlock()
	l.conn.Die(effect)
	e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client, Death: kind})
}

// resume thaws a frozen life (SIGCONT): the same client goes on with what
// it had buffered, as a stopped process does when continued; the server may
// have dropped it meanwhile.
func (m *member) resume(l *life) {
	l.mu.Lock()
	if !l.frozen {
		l.mu.Unlock()
		return
	}
	l.frozen, l.dead = false, false
	l.died = make(chan struct{})
	m.e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberUp, Member: m.name, Group: m.listener.Group, Client: l.client})
	l.mu.Unlock()
	l.conn.Thaw()
	go m.work(l)
}

// busy reports whether a live life still has messages to process.
func (l *life) busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.dead && len(l.queue) > 0
}

// stop closes a live member at the end of the run.
func (m *member) stop(l *life) {
	l.mu.Lock()
	wasDead := l.dead
	if !wasDead {
		l.dead = true
		close(l.died)
	}
	l.mu.Unlock()
	l.conn.Release()
	if !wasDead {
		m.e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client})
	}
}

// seedOf derives a member life's random stream from its name, so the
// processing times of one member do not depend on the others.
func seedOf(name string, life int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, life)
	return h.Sum64()
}
