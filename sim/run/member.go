package run

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/stan.go"

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
	nc     *nats.Conn
	sc     stan.Conn
	dialer *freezableDialer
	rng    *rand.Rand // used only by the subscription's handler goroutine

	mu     sync.Mutex
	dead   bool
	died   chan struct{}
	closed bool // the stan connection has been released
	frozen bool // its socket was frozen (hang)
	queue  []*stan.Msg
	ready  chan struct{} // signalled when queue grows
}

// payload is the message body every publisher sends.
type payload struct {
	ID  string `json:"id"`
	Key string `json:"key"`
	Ver int    `json:"ver"`
}

// connect starts a new life of the member: its own NATS connection, a
// streaming connection over it, and the queue subscription.
func (m *member) connect() (*life, error) {
	e := m.e
	l := &life{
		client: fmt.Sprintf("%s-r%d", m.name, m.lives),
		died:   make(chan struct{}),
		ready:  make(chan struct{}, 1),
		dialer: &freezableDialer{},
		rng:    rand.New(rand.NewPCG(uint64(e.sc.Seed), seedOf(m.name, m.lives))),
	}
	m.lives++
	nc, err := nats.Connect(e.srv.URL(), nats.Name(l.client), nats.NoReconnect(), nats.SetCustomDialer(l.dialer))
	if err != nil {
		return nil, fmt.Errorf("member %s: connect: %w", m.name, err)
	}
	l.nc = nc
	sc, err := stan.Connect(e.clusterID, l.client, stan.NatsConn(nc))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("member %s: stan connect: %w", m.name, err)
	}
	l.sc = sc
	ls := m.listener
	opts := []stan.SubscriptionOption{
		stan.SetManualAckMode(),
		stan.AckWait(ls.AckWait),
		stan.MaxInflight(ls.MaxInflight),
	}
	if ls.Durable != "" {
		opts = append(opts, stan.DurableName(ls.Durable))
	}
	if ls.Start == scenario.StartAll {
		opts = append(opts, stan.DeliverAllAvailable())
	}
	if _, err := sc.QueueSubscribe(ls.Channel, ls.Group, func(msg *stan.Msg) { m.handle(l, msg) }, opts...); err != nil {
		_ = sc.Close()
		nc.Close()
		return nil, fmt.Errorf("member %s: subscribe to %q as group %q: %w", m.name, ls.Channel, ls.Group, err)
	}
	e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberUp, Member: m.name, Group: ls.Group, Client: l.client})
	go m.work(l)
	return l, nil
}

// handle records the delivery the moment the client library hands it over
// and queues it for the worker: the queue is the member's client buffer, so
// a slow member's backlog shows as time between deliver and done.
func (m *member) handle(l *life, msg *stan.Msg) {
	now := time.Now()
	var p payload
	_ = json.Unmarshal(msg.Data, &p)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return
	}
	m.e.rec.Record(now, history.Event{
		Ev: history.KindDeliver, Member: m.name, Group: m.listener.Group, Seq: msg.Sequence,
		ID: p.ID, Key: p.Key, Ver: p.Ver,
		Redelivered: history.Bool(msg.Redelivered), Redeliveries: history.Int(int(msg.RedeliveryCount)),
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
		l.mu.Lock()
		var msg *stan.Msg
		if len(l.queue) > 0 {
			msg = l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
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

// finish acks the message and records done, unless the member died first.
func (m *member) finish(l *life, msg *stan.Msg) bool {
	var p payload
	_ = json.Unmarshal(msg.Data, &p)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return false
	}
	ev := history.Event{
		Ev: history.KindDone, Member: m.name, Group: m.listener.Group, Seq: msg.Sequence,
		ID: p.ID, Key: p.Key, Ver: p.Ver, Redeliveries: history.Int(int(msg.RedeliveryCount)),
	}
	if err := msg.Ack(); err != nil {
		ev.AckErr = err.Error()
	}
	m.e.rec.Record(time.Now(), ev)
	if ev.AckErr == "" {
		m.e.track.done(p.ID)
	}
	return true
}

// kill ends the life as the given death: graceful calls Close() as a
// SIGTERM handler would; forced closes only the member's own NATS
// connection (SIGKILL), so the server keeps the client until heartbeats
// fail; hang freezes the connection (SIGSTOP): it stays open and silent, so
// each heartbeat waits its timeout.
func (m *member) kill(l *life, death string) {
	e := m.e
	l.mu.Lock()
	l.dead = true
	close(l.died)
	e.rec.Record(time.Now(), history.Event{Ev: history.KindFault, Member: m.name, Group: m.listener.Group, Death: death, Client: l.client})
	l.mu.Unlock()
	switch death {
	case history.DeathGraceful:
		l.release()
	case history.DeathHang:
		l.mu.Lock()
		l.frozen = true
		l.mu.Unlock()
		l.dialer.freeze()
	default:
		l.nc.Close()
	}
	e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client, Death: death})
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
	l.release()
	if !wasDead {
		m.e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client})
	}
}

// release closes the streaming and NATS connections once. After a forced
// death or a hang it only stops the client's timers: its socket is gone.
func (l *life) release() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	frozen := l.frozen
	l.mu.Unlock()
	if frozen {
		// A frozen socket would block the goodbye: close it first.
		l.dialer.close()
	}
	_ = l.sc.Close()
	l.nc.Close()
}

// seedOf derives a member life's random stream from its name, so the
// processing times of one member do not depend on the others.
func seedOf(name string, life int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, life)
	return h.Sum64()
}
