// Package jsbroker is the JetStream implementation of the broker seam: an
// embedded nats-server with JetStream per run, a stream per channel, a
// durable consumer per queue group (created explicitly, once, and only
// bound by members, so that no member's unsubscribe deletes it), push
// queue subscribers or pull fetchers, and members that each own their
// connection so that a death can close it, drop it or freeze it
// (ARCHITECTURE.md, "The broker seam"). JetStream's own listener rules live
// in rules.go.
//
// What differs from NATS Streaming, and what the analysis must know:
// JetStream has no client heartbeats. A dropped connection is noticed at
// once (the TCP close), a frozen one only when the server's PINGs go
// unanswered (Config.PingInterval, Config.MaxPingsOut). Either way the
// unacked messages of the dead member wait their AckWait (or BackOff
// step) before redelivery; only a nak (Sub.NakOnClose) moves them at once.
// MaxAckPending is the whole consumer's, so one member holding messages
// can stall its group.
package jsbroker

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	natsd "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
)

// Name is the broker's name in run_start.
const Name = history.BrokerJetStream

// libraries whose versions run_start records, with the version each
// declares in its own source, for a binary without module information
// (a test binary lists no dependencies).
var libraries = []struct{ path, own string }{
	{"github.com/nats-io/nats-server/v2", "v" + natsd.VERSION},
	{"github.com/nats-io/nats.go", "v" + nats.Version},
}

// Broker is a running embedded JetStream server.
type Broker struct {
	srv     *embedded
	storage nats.StorageType
	prov    *provisioner
	http    *http.Client
}

var _ broker.Broker = (*Broker)(nil)

// Start runs an embedded server as cfg says and waits until it accepts
// clients with JetStream enabled.
func Start(ctx context.Context, cfg Config) (*Broker, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	storage, err := storageOf(cfg.Store)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, cfg, storage)
	if err != nil {
		return nil, err
	}
	return &Broker{
		srv:     srv,
		storage: storage,
		prov:    newProvisioner(storage),
		http:    &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2}},
	}, nil
}

// Endpoint is what a member in another process needs to join: the
// server's client URL and the store its streams use.
type Endpoint struct {
	URL   string
	Store string
}

// Endpoint is the server's client URL and store, for a member process.
func (b *Broker) Endpoint() Endpoint {
	store := StoreMemory
	if b.storage == nats.FileStorage {
		store = StoreFile
	}
	return Endpoint{URL: b.URL(), Store: store}
}

// URL is the server's NATS client URL.
func (b *Broker) URL() string { return b.srv.srv.ClientURL() }

// MonitorURL is the monitoring endpoint's base URL.
func (b *Broker) MonitorURL() string { return b.srv.monitorURL }

// Shutdown implements broker.Broker: the server stops and its goroutines
// end, its ports close, server.log is closed and a memory store's
// temporary directory is removed. Members and publishers should be
// released first.
func (b *Broker) Shutdown() {
	b.srv.shutdown()
	if t, ok := b.http.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// Versions implements broker.Broker.
func (b *Broker) Versions() map[string]string {
	v := map[string]string{"broker": Name}
	for _, lib := range libraries {
		v[lib.path] = lib.own
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			for _, lib := range libraries {
				if d.Path == lib.path {
					v[lib.path] = d.Version
				}
			}
		}
	}
	return v
}

// Publisher implements broker.Broker: a connection of its own named
// client; each channel's stream is created on first publish.
func (b *Broker) Publisher(client string) (broker.Publisher, error) {
	nc, err := nats.Connect(b.URL(), nats.Name(client), nats.NoReconnect(), quiet)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	js, err := nc.JetStream()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("JetStream context: %w", err)
	}
	ensure := func(channel string) error {
		_, err := b.prov.ensureStream(js, channel)
		return err
	}
	return newPublisher(nc, js, ensure), nil
}

// Member implements broker.Broker: its own connection named client
// (through a socket that can be frozen, never reconnecting), the channel's
// stream and the group's consumer ensured, and a push queue subscription
// with manual acks, or a pull loop when sub.Pull.
func (b *Broker) Member(client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	return asMember(connectMember(b.URL(), b.prov, client, sub, deliver))
}

// Member connects a member to the server at ep: what Broker.Member does,
// for a member in a child process that has only the endpoint. The server
// accepts a stream or consumer create whose config equals the existing
// one, so members in several processes can each ensure them.
func Member(ep Endpoint, client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	storage, err := storageOf(ep.Store)
	if err != nil {
		return nil, err
	}
	return asMember(connectMember(ep.URL, newProvisioner(storage), client, sub, deliver))
}

// asMember keeps a failed connect from returning a non-nil interface that
// holds a nil *member.
func asMember(m *member, err error) (broker.Member, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}
