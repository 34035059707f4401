package jsbroker

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// closeAckWait bounds how long Close waits for outstanding publish acks.
const closeAckWait = 2 * time.Second

// ErrPublisherClosed is the ack error of a message whose PubAck had not
// arrived when the publisher closed, and PublishAsync's error after Close.
var ErrPublisherClosed = errors.New("jsbroker: publisher closed before the server acknowledged the message")

// publisher is one publisher's own connection. Acks are handed to the
// caller in publish order by one goroutine, so a caller sees them one at a
// time, as stan.go hands them over.
type publisher struct {
	nc     *nats.Conn
	js     nats.JetStreamContext
	ensure func(channel string) error

	mu      sync.Mutex
	queue   []pending
	closed  bool
	wake    chan struct{} // cap 1: the queue grew
	done    chan struct{} // closed by Close: stop waiting for acks
	stopped chan struct{} // closed when the ack goroutine returns
}

// pending is one message whose ack has not been handed over yet.
type pending struct {
	f   nats.PubAckFuture
	ack func(error)
}

func newPublisher(nc *nats.Conn, js nats.JetStreamContext, ensure func(string) error) *publisher {
	p := &publisher{nc: nc, js: js, ensure: ensure,
		wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{})}
	go p.acks()
	return p
}

// PublishAsync implements broker.Publisher: the channel's stream is
// created on first use; ack is called exactly once, with the PubAck's
// error (nil when the stream stored the message).
func (p *publisher) PublishAsync(channel string, data []byte, ack func(error)) error {
	if err := p.ensure(channel); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrPublisherClosed
	}
	f, err := p.js.PublishAsync(channel, data)
	if err != nil {
		return fmt.Errorf("publish to %q: %w", channel, err)
	}
	p.queue = append(p.queue, pending{f: f, ack: ack})
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return nil
}

// acks hands each message's ack over in publish order until Close; then
// every ack still outstanding gets ErrPublisherClosed.
func (p *publisher) acks() {
	defer close(p.stopped)
	for {
		next, ok := p.pop()
		if !ok {
			select {
			case <-p.wake:
				continue
			case <-p.done:
				p.failRest()
				return
			}
		}
		select {
		case <-next.f.Ok():
			next.ack(nil)
		case err := <-next.f.Err():
			next.ack(err)
		case <-p.done:
			p.finish(next)
			p.failRest()
			return
		}
	}
}

func (p *publisher) pop() (pending, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return pending{}, false
	}
	next := p.queue[0]
	p.queue[0] = pending{}
	p.queue = p.queue[1:]
	return next, true
}

// finish hands over an ack that has arrived, or ErrPublisherClosed.
func (p *publisher) finish(n pending) {
	select {
	case <-n.f.Ok():
		n.ack(nil)
	case err := <-n.f.Err():
		n.ack(err)
	default:
		n.ack(ErrPublisherClosed)
	}
}

func (p *publisher) failRest() {
	for {
		next, ok := p.pop()
		if !ok {
			return
		}
		p.finish(next)
	}
}

// Close implements broker.Publisher: it waits up to closeAckWait for the
// outstanding acks, hands over the rest as ErrPublisherClosed, and closes
// the connection.
func (p *publisher) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	select {
	case <-p.js.PublishAsyncComplete():
	case <-time.After(closeAckWait):
	}
	close(p.done)
	<-p.stopped
	p.nc.Close()
	return nil
}
