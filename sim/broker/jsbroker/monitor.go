package jsbroker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	natsd "github.com/nats-io/nats-server/v2/server"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
)

// Monitoring paths Snapshot reads: every open connection, and every
// stream's consumers with their configs.
const (
	connzPath = "/connz?limit=100000"
	jszPath   = "/jsz?accounts=true&streams=true&consumers=true&config=true"
)

// ConsumerView is one durable consumer (one queue group) as the
// monitoring endpoint lists it: more than history.Sub can carry.
type ConsumerView struct {
	Stream  string // the stream's name
	Channel string // the stream's subject: the channel
	Name    string // the consumer's (durable) name
	Group   string // the queue group (DeliverGroup, or Description for a pull consumer)
	Pull    bool
	// AckPending is num_ack_pending: delivered to some member, not acked
	// yet (held, or waiting out AckWait after its holder died).
	AckPending int
	// Pending is num_pending: in the stream, not delivered yet.
	Pending uint64
	// Redelivered is num_redelivered: of the ack-pending messages, those
	// delivered more than once.
	Redelivered int
	// Waiting is num_waiting: pull requests waiting on the server.
	Waiting int
	// MaxAckPending is the consumer's cap on AckPending (all members).
	MaxAckPending int
	// PushBound says a push consumer has at least one subscriber.
	PushBound bool
	// Delivered and AckFloor are the stream sequences of the last message
	// delivered and of the last one below which all are acked.
	Delivered, AckFloor uint64
}

// Stalled says the consumer delivers nothing new until an ack: every
// message it may have unacknowledged is.
func (c ConsumerView) Stalled() bool {
	return c.MaxAckPending > 0 && c.AckPending >= c.MaxAckPending
}

// Consumers reads every consumer from /jsz, sorted by channel and group.
func (b *Broker) Consumers(ctx context.Context) ([]ConsumerView, error) {
	var jz natsd.JSInfo
	if err := b.get(ctx, jszPath, &jz); err != nil {
		return nil, err
	}
	var out []ConsumerView
	for _, acc := range jz.AccountDetails {
		for _, st := range acc.Streams {
			for _, ci := range st.Consumer {
				out = append(out, consumerView(st, ci))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Channel != out[j].Channel {
			return out[i].Channel < out[j].Channel
		}
		return out[i].Group < out[j].Group
	})
	return out, nil
}

func consumerView(st natsd.StreamDetail, ci *natsd.ConsumerInfo) ConsumerView {
	v := ConsumerView{
		Stream: st.Name, Channel: st.Name, Name: ci.Name, Group: ci.Name,
		AckPending: ci.NumAckPending, Pending: ci.NumPending, Redelivered: ci.NumRedelivered,
		Waiting: ci.NumWaiting, PushBound: ci.PushBound,
		Delivered: ci.Delivered.Stream, AckFloor: ci.AckFloor.Stream,
	}
	if st.Config != nil && len(st.Config.Subjects) > 0 {
		v.Channel = st.Config.Subjects[0]
	}
	if c := ci.Config; c != nil {
		v.Pull = c.DeliverSubject == ""
		v.MaxAckPending = c.MaxAckPending
		switch {
		case c.DeliverGroup != "":
			v.Group = c.DeliverGroup
		case c.Description != "":
			v.Group = c.Description
		}
	}
	return v
}

// Snapshot implements broker.Broker from /connz (the clients: every open
// connection's name, which each publisher and member sets to its client
// id) and /jsz (one history.Sub per consumer, that is per queue group).
//
// JetStream keeps no per-member state, so the mapping onto history.Sub,
// whose meaning comes from NATS Streaming's per-member subscriptions, is:
// Client "" (a consumer belongs to no one client); Durable true (every
// group's consumer is durable); Pending = num_ack_pending, the group's
// delivered-but-unacked messages, as NATS Streaming's pending count is
// the subscription's unacked messages (num_pending, the messages not
// delivered yet, has no STAN counterpart: it is in Consumers); LastSent =
// the last stream sequence delivered; Stalled = ack pending at
// max_ack_pending; Offline = a push consumer with no subscriber (a pull
// consumer never shows offline: between requests no subscription names it).
func (b *Broker) Snapshot(ctx context.Context) (broker.View, error) {
	var v broker.View
	var cz natsd.Connz
	if err := b.get(ctx, connzPath, &cz); err != nil {
		return v, err
	}
	for _, c := range cz.Conns {
		if c.Name != "" {
			v.Clients = append(v.Clients, c.Name)
		}
	}
	sort.Strings(v.Clients)
	cs, err := b.Consumers(ctx)
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		v.Subs = append(v.Subs, history.Sub{
			Channel: c.Channel, Group: c.Group, Durable: true,
			Offline: !c.Pull && !c.PushBound, Pending: c.AckPending,
			LastSent: c.Delivered, Stalled: c.Stalled(),
		})
	}
	return v, nil
}

func (b *Broker) get(ctx context.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.srv.monitorURL+path, nil)
	if err != nil {
		return err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}
