package jsbroker

import (
	"sync"

	"github.com/nats-io/nats.go"
)

// held is what a member holds: every message handed to its handler and
// not acked yet, by stream sequence (the newest delivery of each). A
// graceful death closes it, takes the list to nak, and from then on no
// message reaches the handler.
type held struct {
	mu     sync.Mutex
	msgs   map[uint64]*nats.Msg
	closed bool
	freed  chan struct{} // cap 1: a message was acked (the pull loop waits on it)
}

func newHeld() *held {
	return &held{msgs: map[uint64]*nats.Msg{}, freed: make(chan struct{}, 1)}
}

// add records a message about to be handed over; false once closed.
func (h *held) add(seq uint64, m *nats.Msg) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.msgs[seq] = m
	return true
}

// remove forgets an acked message.
func (h *held) remove(seq uint64) {
	h.mu.Lock()
	delete(h.msgs, seq)
	h.mu.Unlock()
	select {
	case h.freed <- struct{}{}:
	default:
	}
}

// count is how many messages are held.
func (h *held) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.msgs)
}

// close stops handing messages over and returns those still held.
func (h *held) close() []*nats.Msg {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	out := make([]*nats.Msg, 0, len(h.msgs))
	for _, m := range h.msgs {
		out = append(out, m)
	}
	return out
}

// jsMsg adapts a JetStream delivery to broker.Msg.
type jsMsg struct {
	m         *nats.Msg
	seq       uint64 // stream sequence
	delivered uint64 // this delivery's count: 1 = first
	held      *held
}

// Seq implements broker.Msg: the stream sequence.
func (j *jsMsg) Seq() uint64 { return j.seq }

// Data implements broker.Msg.
func (j *jsMsg) Data() []byte { return j.m.Data }

// Redelivered implements broker.Msg: JetStream has no flag, so a delivery
// count above 1 says it.
func (j *jsMsg) Redelivered() bool { return j.delivered > 1 }

// Redeliveries implements broker.Msg: deliveries before this one.
func (j *jsMsg) Redeliveries() int { return int(j.delivered) - 1 }

// Ack implements broker.Msg (fire and forget, as stan.go's Ack).
func (j *jsMsg) Ack() error {
	j.held.remove(j.seq)
	return j.m.Ack()
}
