package stanbroker

import (
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/stan.go"

	"github.com/stansim/stansim/sim/broker/freezable"
	"github.com/stansim/stansim/sim/death"
)

// member is one connected member's connections.
type member struct {
	nc     *nats.Conn
	sc     stan.Conn
	dialer *freezable.Dialer

	mu     sync.Mutex
	closed bool // the connections have been released
}

// Die implements broker.Member: Close() (as a SIGTERM handler would); the
// NATS connection closed without Close() (SIGKILL), so the server keeps the
// client until heartbeats fail; or the socket frozen (SIGSTOP): open and
// silent, so each heartbeat waits its timeout.
func (m *member) Die(effect death.Effect) {
	switch effect {
	case death.EffectClose:
		m.Release()
	case death.EffectFreeze:
		m.dialer.Freeze()
	default:
		m.nc.Close()
	}
}

// Thaw implements broker.Member (SIGCONT).
func (m *member) Thaw() { m.dialer.Thaw() }

// Release implements broker.Member: closes the streaming and NATS
// connections once. After a dropped connection it only stops the client's
// timers: its socket is gone.
func (m *member) Release() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	m.mu.Unlock()
	if m.dialer.Frozen() {
		// A frozen socket would block the goodbye: close it first.
		m.dialer.Close()
	}
	_ = m.sc.Close()
	m.nc.Close()
}
