package jsbroker

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// PullWait is how long one pull request waits on the server for messages.
// A hung pull member's last request can still be filled for up to this
// long after the hang began; once it expires the server sends that member
// nothing more (a hung push member is sent messages until it is dropped).
const PullWait = time.Second

// defaultPullCap is the per-member cap when MaxInflight is 0: JetStream's
// default MaxAckPending.
const defaultPullCap = 1000

// puller is a pull member's fetch loop: it asks for as many messages as it
// may still hold (MaxInflight minus those not yet acked), hands each over
// as it arrives, and asks again.
type puller struct {
	m       *member
	max     int
	cancel  context.CancelFunc
	asked   chan struct{} // closed once the first request is queued
	askOnce sync.Once
	done    chan struct{}
	once    sync.Once
}

func startPuller(m *member, maxInflight int) *puller {
	if maxInflight <= 0 {
		maxInflight = defaultPullCap
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &puller{m: m, max: maxInflight, cancel: cancel, asked: make(chan struct{}), done: make(chan struct{})}
	go p.loop(ctx)
	return p
}

// waitAsked waits (bounded) until the first pull request is queued on the
// connection, so that a flush after it puts it on the server.
func (p *puller) waitAsked() {
	select {
	case <-p.asked:
	case <-p.done:
	case <-time.After(drainWait):
	}
}

// stop ends the loop and waits for it (a handler that never returns would
// hold it: the wait is bounded).
func (p *puller) stop() {
	p.once.Do(p.cancel)
	select {
	case <-p.done:
	case <-time.After(drainWait):
	}
}

func (p *puller) loop(ctx context.Context) {
	defer close(p.done)
	for ctx.Err() == nil {
		n := p.max - p.m.held.count()
		if n <= 0 {
			select {
			case <-p.m.held.freed:
			case <-ctx.Done():
			}
			continue
		}
		if err := p.fetch(ctx, n); err != nil {
			if errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrBadSubscription) {
				return
			}
			// Back off briefly rather than spin on a failing request.
			select {
			case <-time.After(PullWait / 10):
			case <-ctx.Done():
			}
		}
	}
}

// fetch runs one pull request for up to n messages.
func (p *puller) fetch(ctx context.Context, n int) error {
	fctx, cancel := context.WithTimeout(ctx, PullWait)
	defer cancel()
	batch, err := p.m.sub.FetchBatch(n, nats.Context(fctx))
	p.askOnce.Do(func() { close(p.asked) })
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
	for msg := range batch.Messages() {
		p.m.onMsg(msg)
	}
	return nil
}
