package run

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"syscall"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// member is one queue-group member across its lives (a restart is a new
// life with a new client id).
type member struct {
	env      memberEnv
	name     string
	listener scenario.Listener
	lives    int
	cur      *life // guarded by the engine's mu
}

// memberEnv is what a member's lives need from their surroundings: the
// engine when members run in this process, the parent's pipes when the
// member is a child process (child.go). The member code is the same.
type memberEnv interface {
	connect(client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error)
	record(t time.Time, ev history.Event)
	// offer asks the group's state whether key's version ver is applied;
	// commit runs under the group's lock when it is.
	offer(group, key string, ver int, commit func()) (applied bool, have int)
	// done tells the run's end test that group finished id.
	done(group, id string)
	seed() int64
}

// life is one connection of a member. mu orders death against acks: a
// handler checks dead, acks and records done under mu, so either the ack and
// its done line happen before the death or neither happens.
type life struct {
	client string
	conn   broker.Member // in-process members
	proc   *child        // process-mode members (process.go)
	rng    *rand.Rand    // used only by the subscription's handler goroutine

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

// delivery is a queued message with its body, decoded once when it came
// (handle); finish reads the same decoded body.
type delivery struct {
	broker.Msg
	p payload
}

// bodyOf is msg's decoded body: the one handle decoded, or decoded now
// for a message that did not come through handle.
func bodyOf(msg broker.Msg) payload {
	if d, ok := msg.(*delivery); ok {
		return d.p
	}
	var p payload
	decodePayload(msg.Data(), &p)
	return p
}

// finisher is what finish needs from one message to the next, made once
// per work loop so that a done allocates nothing: the event it records and
// the commit the group's state runs (the ack and the done line).
type finisher struct {
	env memberEnv
	msg broker.Msg
	ev  history.Event
	// commit is f.ack, made once: a method value passed on allocates.
	commit func()
}

func newFinisher(env memberEnv) *finisher {
	f := &finisher{env: env}
	f.commit = f.ack
	return f
}

// ack acks the message being finished and records its done line.
func (f *finisher) ack() {
	if err := f.msg.Ack(); err != nil {
		f.ev.AckErr = err.Error()
	}
	f.env.record(time.Now(), f.ev)
}

// connect starts a new life of the member: its own connection to the
// broker and the queue subscription.
func (m *member) connect() (*life, error) {
	l := &life{
		client: fmt.Sprintf("%s-r%d", m.name, m.lives),
		died:   make(chan struct{}),
		ready:  make(chan struct{}, 1),
		rng:    rand.New(rand.NewPCG(uint64(m.env.seed()), seedOf(m.name, m.lives))),
	}
	m.lives++
	if e, ok := m.env.(*engine); ok && m.listener.Mode != scenario.ModeInProcess {
		spawn := e.spawn
		if m.listener.Mode == scenario.ModeCommand {
			spawn = e.spawnCommand
		}
		if err := spawn(m, l); err != nil {
			return nil, fmt.Errorf("member %s: %w", m.name, err)
		}
		return l, nil
	}
	if err := m.subscribe(l); err != nil {
		return nil, fmt.Errorf("member %s: %w", m.name, err)
	}
	m.env.record(time.Now(), history.Event{Ev: history.KindMemberUp, Member: m.name, Group: m.listener.Group, Client: l.client})
	go m.work(l)
	return l, nil
}

// subscribe connects the life to the broker with the listener's options.
func (m *member) subscribe(l *life) error {
	ls := m.listener
	sub := broker.Sub{Channel: ls.Channel, Group: ls.Group, Durable: ls.Durable, AckWait: ls.AckWait,
		MaxInflight: ls.MaxInflight, StartAll: ls.Start == scenario.StartAll,
		Pull: ls.Consumer == scenario.ConsumerPull, MaxDeliver: ls.MaxDeliver, BackOff: ls.BackOff,
		NakOnClose: ls.OnClose == scenario.OnCloseNak}
	conn, err := m.env.connect(l.client, sub, func(msg broker.Msg) { m.handle(l, msg) })
	if err != nil {
		return err
	}
	l.conn = conn
	return nil
}

// handle records the delivery the moment the client library hands it over
// and queues it for the worker: the queue is the member's client buffer, so
// a slow member's backlog shows as time between deliver and done.
func (m *member) handle(l *life, msg broker.Msg) {
	now := time.Now()
	d := &delivery{Msg: msg}
	decodePayload(msg.Data(), &d.p)
	p := &d.p
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return
	}
	m.env.record(now, history.Event{
		Ev: history.KindDeliver, Member: m.name, Group: m.listener.Group, Seq: msg.Seq(),
		ID: p.ID, Key: p.Key, Ver: p.Ver,
		Redelivered: history.Bool(msg.Redelivered()), Redeliveries: history.Int(msg.Redeliveries()),
	})
	l.queue = append(l.queue, d)
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
	f := newFinisher(m.env)
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
		if !m.finish(l, msg, f) {
			return
		}
	}
}

// finish offers the processed message to the group's state: applied, it
// is acked and recorded done; skipped (version-check), it is recorded as a
// skip and left unacked. Nothing happens when the member died first. f is
// the work loop's finisher.
func (m *member) finish(l *life, msg broker.Msg, f *finisher) bool {
	p := bodyOf(msg)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return false
	}
	f.msg = msg
	defer func() { f.msg = nil }()
	ev := &f.ev
	*ev = history.Event{
		Ev: history.KindDone, Member: m.name, Group: m.listener.Group, Seq: msg.Seq(),
		ID: p.ID, Key: p.Key, Ver: p.Ver, Redeliveries: history.Int(msg.Redeliveries()),
	}
	applied, have := m.env.offer(m.listener.Group, p.Key, p.Ver, f.commit)
	if !applied {
		// Neither applied nor acked: the server redelivers it after AckWait.
		ev.Ev, ev.Have = history.KindSkip, history.Int(have)
		m.env.record(time.Now(), *ev)
	}
	l.queue[0] = nil
	l.queue = l.queue[1:]
	if applied && ev.AckErr == "" {
		m.env.done(m.listener.Group, p.ID)
	}
	return true
}

// kill ends the life as the given death: the member records nothing more,
// then the death table's effect is carried out (on the connection in this
// process, by the kind's signal for a child process).
func (m *member) kill(l *life, kind death.Kind) {
	ev := history.Event{Member: m.name, Group: m.listener.Group, Death: kind, Client: l.client}
	if l.proc != nil {
		m.env.record(time.Now(), withEv(ev, history.KindFault))
		l.proc.fault(kind.Info().Signal)
	} else {
		// Dead first, under the lock the handlers take: no delivery or
		// done line can follow the fault line.
		l.mu.Lock()
		l.dead = true
		close(l.died)
		m.env.record(time.Now(), withEv(ev, history.KindFault))
		l.mu.Unlock()
		l.die(kind.Info().Effect)
	}
	m.env.record(time.Now(), withEv(ev, history.KindMemberDown))
}

func withEv(e history.Event, kind string) history.Event { e.Ev = kind; return e }

// die stops the life from recording and acking, then carries out effect on
// its connection.
func (l *life) die(effect death.Effect) {
	l.mu.Lock()
	if !l.dead {
		l.dead = true
		close(l.died)
	}
	l.frozen = effect == death.EffectFreeze
	l.mu.Unlock()
	l.conn.Die(effect)
}

// resume thaws a frozen life (SIGCONT): the same client goes on with what
// it had buffered, as a stopped process does when continued; the server may
// have dropped it meanwhile.
func (m *member) resume(l *life) {
	if l.proc != nil {
		// Stamped before SIGCONT: whatever the thawed process does next
		// comes after it on the run's clock.
		t := time.Now()
		l.proc.signal(syscall.SIGCONT)
		m.env.record(t, history.Event{Ev: history.KindMemberUp, Member: m.name, Group: m.listener.Group, Client: l.client})
		return
	}
	l.mu.Lock()
	if !l.frozen {
		l.mu.Unlock()
		return
	}
	l.frozen, l.dead = false, false
	l.died = make(chan struct{})
	m.env.record(time.Now(), history.Event{Ev: history.KindMemberUp, Member: m.name, Group: m.listener.Group, Client: l.client})
	l.mu.Unlock()
	l.conn.Thaw()
	go m.work(l)
}

// busy reports whether a live life still has messages to process.
func (l *life) busy() bool {
	if l.proc != nil {
		return l.proc.busy()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.dead && len(l.queue) > 0
}

// stop closes a live member at the end of the run.
func (m *member) stop(l *life) {
	if l.proc != nil {
		l.proc.stop()
		m.env.record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client})
		return
	}
	l.mu.Lock()
	wasDead := l.dead
	if !wasDead {
		l.dead = true
		close(l.died)
	}
	l.mu.Unlock()
	l.conn.Release()
	if !wasDead {
		m.env.record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Client: l.client})
	}
}

// release frees a dead life's connection or process.
func (l *life) release() {
	if l.proc != nil {
		l.proc.kill()
		return
	}
	l.conn.Release()
}

// seedOf derives a member life's random stream from its name, so the
// processing times of one member do not depend on the others.
func seedOf(name string, life int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, life)
	return h.Sum64()
}
