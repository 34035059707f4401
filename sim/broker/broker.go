// Package broker is the seam between the run engine and a message server:
// start the server and read what it lists, connect a publisher, connect a
// queue-group member and carry out a death on it (ARCHITECTURE.md, "The
// broker seam"). NATS Streaming (package stanbroker) is the first
// implementation; a second broker adds a package, not a second engine.
package broker

import (
	"context"
	"sort"
	"time"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// Broker is one run's own server, with everything the engine asks of it.
type Broker interface {
	// Snapshot reads what the server lists now (clients and subscriptions).
	Snapshot(ctx context.Context) (View, error)
	// Publisher connects a publisher under the given client id.
	Publisher(client string) (Publisher, error)
	// Member connects a member under the given client id and subscribes it
	// to its group; deliver is called for every message, on the client
	// library's goroutine.
	Member(client string, sub Sub, deliver func(Msg)) (Member, error)
	// Versions names the broker and the versions of its server and client
	// libraries, for run_start.
	Versions() map[string]string
	// Shutdown stops the server and releases its ports and files.
	Shutdown()
}

// Sub is a member's subscription, as the scenario's listener sets it.
type Sub struct {
	Channel, Group string
	Durable        string // "" = non-durable
	AckWait        time.Duration
	MaxInflight    int
	StartAll       bool // deliver everything available, not only new messages

	// The fields below are JetStream's (package jsbroker). NATS Streaming
	// ignores them; their zero values leave its behaviour unchanged.

	// Pull makes the member a pull consumer's fetcher (it asks for at most
	// MaxInflight messages at a time) instead of a push queue subscriber.
	Pull bool
	// MaxAckPending caps the unacknowledged messages of the whole consumer,
	// that is of every member of the group together (JetStream has no
	// per-member cap): 0 = MaxInflight.
	MaxAckPending int
	// MaxDeliver caps the deliveries of one message; 0 = unlimited.
	MaxDeliver int
	// BackOff are the redelivery delays after the 1st, 2nd, ... delivery
	// (the last repeats); the server then ignores AckWait and requires
	// MaxDeliver > len(BackOff) (jsbroker.BackOffProblem).
	BackOff []time.Duration
	// NakOnClose makes a graceful death nak every message the member holds,
	// so the server redelivers them at once; without it they wait AckWait.
	NakOnClose bool
}

// Publisher publishes asynchronously; ack is called once per message.
type Publisher interface {
	PublishAsync(channel string, data []byte, ack func(error)) error
	Close() error
}

// Msg is one delivery as the member's handler sees it.
type Msg interface {
	Seq() uint64
	Data() []byte
	Redelivered() bool
	Redeliveries() int
	Ack() error
}

// Member is one connected member: a death's effect is carried out on it,
// a frozen one can be thawed, and Release ends it at the end of the run.
type Member interface {
	// Die carries out a death's effect (Close, dropped or frozen connection).
	Die(effect death.Effect)
	// Thaw ends a freeze: traffic flows again on the same connection.
	Thaw()
	// Release closes whatever is still open, once; safe after any death.
	Release()
}

// View is what the server lists at one moment.
type View struct {
	Clients []string // sorted
	Subs    []history.Sub
}

// Lists reports whether the server still lists the client id.
func (v View) Lists(client string) bool {
	i := sort.SearchStrings(v.Clients, client)
	return i < len(v.Clients) && v.Clients[i] == client
}
