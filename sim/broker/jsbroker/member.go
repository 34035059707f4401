package jsbroker

import (
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/freezable"
	"github.com/stansim/stansim/sim/death"
)

// drainWait bounds a graceful death's Drain; after it the connection is
// closed without waiting further (nats.go's DrainTimeout).
const drainWait = 2 * time.Second

// quiet drops the client library's asynchronous errors, which nats.go
// would otherwise print to stderr: a member's death makes them on purpose
// (a write to a closed socket, a drain cut short), and the history, not
// stderr, is where a run reports.
var quiet = nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {})

// member is one connected member: its own connection through a socket that
// can be frozen, and a push queue subscription or a pull loop on its
// group's durable consumer.
type member struct {
	nc      *nats.Conn
	dialer  *freezable.Dialer
	sub     *nats.Subscription
	deliver func(broker.Msg)
	nak     bool // NakOnClose
	held    *held
	pull    *puller // nil for a push member
	closed  chan struct{}

	mu       sync.Mutex
	released bool
}

// connectMember connects client to url and subscribes it to its group,
// creating the channel's stream and the group's consumer if need be.
func connectMember(url string, prov *provisioner, client string, sub broker.Sub, deliver func(broker.Msg)) (*member, error) {
	m := &member{dialer: &freezable.Dialer{}, deliver: deliver, nak: sub.NakOnClose, held: newHeld(), closed: make(chan struct{})}
	var once sync.Once
	nc, err := nats.Connect(url, nats.Name(client), nats.NoReconnect(), nats.SetCustomDialer(m.dialer),
		nats.DrainTimeout(drainWait), quiet, nats.ClosedHandler(func(*nats.Conn) { once.Do(func() { close(m.closed) }) }))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	m.nc = nc
	if err := m.subscribe(prov, sub); err != nil {
		nc.Close()
		return nil, err
	}
	// The server knows the subscription (a pull member: its first
	// request) when Member returns.
	if m.pull != nil {
		m.pull.waitAsked()
	}
	if err := nc.Flush(); err != nil {
		m.Release()
		return nil, fmt.Errorf("flush subscription: %w", err)
	}
	return m, nil
}

// subscribe binds the member to its group's consumer.
func (m *member) subscribe(prov *provisioner, sub broker.Sub) error {
	js, err := m.nc.JetStream()
	if err != nil {
		return fmt.Errorf("JetStream context: %w", err)
	}
	stream, err := prov.ensureStream(js, sub.Channel)
	if err != nil {
		return err
	}
	durable, err := prov.ensureConsumer(js, stream, sub)
	if err != nil {
		return err
	}
	bind := nats.Bind(stream, durable)
	if sub.Pull {
		if m.sub, err = js.PullSubscribe(sub.Channel, durable, bind); err != nil {
			return fmt.Errorf("pull subscribe to %q as group %q: %w", sub.Channel, sub.Group, err)
		}
		m.pull = startPuller(m, sub.MaxInflight)
		return nil
	}
	if m.sub, err = js.QueueSubscribe(sub.Channel, sub.Group, m.onMsg, bind, nats.ManualAck()); err != nil {
		return fmt.Errorf("subscribe to %q as group %q: %w", sub.Channel, sub.Group, err)
	}
	return nil
}

// onMsg hands one delivery to the handler. A message without JetStream
// metadata (no ack subject) cannot be acked and is not a delivery. After
// a graceful death began, a delivery is naked (with NakOnClose) or left to
// wait AckWait, never handed over.
func (m *member) onMsg(msg *nats.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		return
	}
	seq := meta.Sequence.Stream
	if !m.held.add(seq, msg) {
		if m.nak {
			_ = msg.Nak()
		}
		return
	}
	m.deliver(&jsMsg{m: msg, seq: seq, delivered: meta.NumDelivered, held: m.held})
}

// Die implements broker.Member: a graceful close (nak what it holds if
// NakOnClose, then Drain); the connection vanishing (SIGKILL): the socket
// is closed with no unsubscribe and no nak; or the socket frozen
// (SIGSTOP): connected and silent until the server's PINGs fail.
func (m *member) Die(effect death.Effect) {
	m.mu.Lock()
	released := m.released
	m.mu.Unlock()
	if released {
		return
	}
	if m.dialer.Frozen() && effect != death.EffectFreeze {
		// A frozen member can say no goodbye, and its frozen socket would
		// block one: it vanishes.
		m.Release()
		return
	}
	switch effect {
	case death.EffectClose:
		m.closeGracefully()
	case death.EffectFreeze:
		m.dialer.Freeze()
	default:
		m.held.close()
		m.dialer.Close()
		m.stopPull()
		m.nc.Close()
	}
}

// closeGracefully stops deliveries, withdraws the subscription (UNSUB goes
// out first, so a nak cannot bring a message back to this member), naks
// what the member holds if asked, then drains the connection, waiting at
// most drainWait before closing it.
func (m *member) closeGracefully() {
	msgs := m.held.close()
	m.stopPull()
	if m.sub != nil {
		_ = m.sub.Drain()
	}
	if m.nak {
		for _, msg := range msgs {
			_ = msg.Nak()
		}
	}
	if err := m.nc.Drain(); err != nil {
		m.nc.Close()
		return
	}
	select {
	case <-m.closed:
	case <-time.After(drainWait + time.Second):
		m.nc.Close()
	}
}

// Thaw implements broker.Member (SIGCONT).
func (m *member) Thaw() { m.dialer.Thaw() }

// Release implements broker.Member: closes the connection once, safe after
// any death. A frozen socket would block the close (nats.go flushes under
// its lock): it is closed first.
func (m *member) Release() {
	m.mu.Lock()
	if m.released {
		m.mu.Unlock()
		return
	}
	m.released = true
	m.mu.Unlock()
	m.held.close()
	if m.dialer.Frozen() {
		m.dialer.Close()
	}
	m.stopPull()
	m.nc.Close()
}

func (m *member) stopPull() {
	if m.pull != nil {
		m.pull.stop()
	}
}
