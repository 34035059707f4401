// Package stanbroker is the NATS Streaming implementation of the broker
// seam: an embedded nats-streaming-server per run (package server), stan.go
// publishers, and members that each own their NATS connection so that a
// death can close it, drop it or freeze it (ARCHITECTURE.md). The rules that
// only NATS Streaming has (whole-second AckWait, durable names without ':')
// live here too, in rules.go.
package stanbroker

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/stan.go"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/freezable"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/server"
)

// Name is the broker's name in run_start.
const Name = history.BrokerNATSStreaming

// libraries whose versions run_start records.
var libraries = []string{
	"github.com/nats-io/nats-streaming-server",
	"github.com/nats-io/stan.go",
	"github.com/nats-io/nats-server/v2",
	"github.com/nats-io/nats.go",
}

// Broker is a running embedded NATS Streaming server.
type Broker struct {
	srv *server.Server
}

var _ broker.Broker = (*Broker)(nil)

// Start runs an embedded server as cfg says and waits until it accepts clients.
func Start(ctx context.Context, cfg server.Config) (*Broker, error) {
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Broker{srv: srv}, nil
}

// Snapshot implements broker.Broker from the monitoring endpoint.
func (b *Broker) Snapshot(ctx context.Context) (broker.View, error) { return b.srv.Snapshot(ctx) }

// Shutdown implements broker.Broker.
func (b *Broker) Shutdown() { b.srv.Shutdown() }

// Versions implements broker.Broker.
func (b *Broker) Versions() map[string]string {
	v := map[string]string{"broker": Name}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			for _, lib := range libraries {
				if d.Path == lib {
					v[lib] = d.Version
				}
			}
		}
	}
	return v
}

// Publisher implements broker.Broker: a stan.go connection of its own.
func (b *Broker) Publisher(client string) (broker.Publisher, error) {
	sc, err := stan.Connect(server.ClusterID, client, stan.NatsURL(b.srv.URL()))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return publisher{sc}, nil
}

type publisher struct{ sc stan.Conn }

func (p publisher) PublishAsync(channel string, data []byte, ack func(error)) error {
	_, err := p.sc.PublishAsync(channel, data, func(_ string, err error) { ack(err) })
	return err
}

func (p publisher) Close() error { return p.sc.Close() }

// Member implements broker.Broker: its own NATS connection (through a
// socket that can be frozen), a streaming connection over it, and a queue
// subscription with manual acks.
func (b *Broker) Member(client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	return Member(b.srv.URL(), client, sub, deliver)
}

// URL is the server's NATS client URL (what a member process connects to).
func (b *Broker) URL() string { return b.srv.URL() }

// Member connects a member to the server at url: what Broker.Member does,
// for a member in a child process that has only the URL.
func Member(url, client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	m := &member{dialer: &freezable.Dialer{}}
	nc, err := nats.Connect(url, nats.Name(client), nats.NoReconnect(), nats.SetCustomDialer(m.dialer))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	m.nc = nc
	sc, err := stan.Connect(server.ClusterID, client, stan.NatsConn(nc))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("stan connect: %w", err)
	}
	m.sc = sc
	opts := []stan.SubscriptionOption{
		stan.SetManualAckMode(),
		stan.AckWait(sub.AckWait),
		stan.MaxInflight(sub.MaxInflight),
	}
	if sub.Durable != "" {
		opts = append(opts, stan.DurableName(sub.Durable))
	}
	if sub.StartAll {
		opts = append(opts, stan.DeliverAllAvailable())
	}
	if _, err := sc.QueueSubscribe(sub.Channel, sub.Group, func(msg *stan.Msg) { deliver(stanMsg{msg}) }, opts...); err != nil {
		_ = sc.Close()
		nc.Close()
		return nil, fmt.Errorf("subscribe to %q as group %q: %w", sub.Channel, sub.Group, err)
	}
	return m, nil
}

// stanMsg adapts a stan.Msg to broker.Msg.
type stanMsg struct{ m *stan.Msg }

func (s stanMsg) Seq() uint64       { return s.m.Sequence }
func (s stanMsg) Data() []byte      { return s.m.Data }
func (s stanMsg) Redelivered() bool { return s.m.Redelivered }
func (s stanMsg) Redeliveries() int { return int(s.m.RedeliveryCount) }
func (s stanMsg) Ack() error        { return s.m.Ack() }
