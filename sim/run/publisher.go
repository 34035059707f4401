package run

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// publisher publishes one scenario publisher's messages, evenly spaced,
// with async publishes whose acks are recorded as they come.
type publisher struct {
	e    *engine
	p    scenario.Publisher
	conn broker.Publisher
}

func (e *engine) connectPublisher(p scenario.Publisher) (*publisher, error) {
	conn, err := e.b.Publisher("pub-" + p.Name)
	if err != nil {
		return nil, fmt.Errorf("publisher %s: %w", p.Name, err)
	}
	return &publisher{e: e, p: p, conn: conn}, nil
}

// run publishes until Count messages are out or ctx ends. Message i is due
// at zero + i/rate; when behind, it publishes without waiting.
func (pb *publisher) run(ctx context.Context, zero time.Time) {
	e, p := pb.e, pb.p
	vers := make([]int, p.Keys)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for i := range p.Count {
		due := zero.Add(time.Duration(float64(i) * float64(time.Second) / p.Rate))
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		k := i % p.Keys
		vers[k]++
		msg := payload{ID: fmt.Sprintf("%s-%d", p.Name, i+1), Key: fmt.Sprintf("%s-k%d", p.Name, k+1), Ver: vers[k]}
		data, _ := json.Marshal(msg)
		e.track.published(msg.ID, p.Channel)
		e.rec.Record(time.Now(), history.Event{Ev: history.KindPublish, Pub: p.Name, Channel: p.Channel, Key: msg.Key, Ver: msg.Ver, ID: msg.ID})
		id := msg.ID
		if err := pb.conn.PublishAsync(p.Channel, data, func(err error) { pb.acked(id, err) }); err != nil {
			pb.acked(id, err)
		}
	}
	e.track.publisherDone()
}

func (pb *publisher) acked(id string, err error) {
	ev := history.Event{Ev: history.KindPublishAck, ID: id}
	if err != nil {
		ev.Err = err.Error()
	}
	pb.e.rec.Record(time.Now(), ev)
	pb.e.track.acked(id, err == nil)
}
