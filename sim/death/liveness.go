package death

import "time"

// Ping holds a nats-server's PING settings: every Interval P the server
// pings a client, and closes the connection of one that leaves more than
// MaxOut pings unanswered. It is JetStream's only check of a client that
// is connected but silent.
type Ping struct {
	Interval time.Duration
	MaxOut   int
}

// Known reports whether the settings can predict anything.
func (p Ping) Known() bool { return p.Interval > 0 && p.MaxOut > 0 }

// The nats-server's own PING defaults (server.DEFAULT_PING_INTERVAL,
// DEFAULT_PING_MAX_OUT).
const (
	DefaultPingInterval = 2 * time.Minute
	DefaultPingMaxOut   = 2
)

// Liveness is how a broker notices a member that is gone: NATS
// Streaming's client heartbeats, or, for JetStream, the connection itself
// (a closed socket is noticed at once) and the server's PINGs (a frozen
// one).
type Liveness struct {
	JetStream bool
	Heartbeat Heartbeat // NATS Streaming
	Ping      Ping      // JetStream
}

// DropWindow bounds a JetStream removal after the connection vanished:
// the server sees the socket close within a few ms; 200 ms covers the
// monitoring sample.
var DropWindow = Window{Min: 0, Max: 200 * time.Millisecond, Rule: "at once (the connection closed)"}

// RemovalBy predicts how long after a death of kind k the server still
// lists the member, for the broker's liveness check: on NATS Streaming
// Removal; on JetStream at once after Close() or a vanished connection,
// and max_out·P to (max_out+2)·P after a freeze (nats-server closes the
// connection on the ping tick that would exceed max_out outstanding
// pings, and skips a tick when it heard from the client within the last
// interval).
func (k Kind) RemovalBy(l Liveness) (Window, bool) {
	if !l.JetStream {
		return k.Removal(l.Heartbeat)
	}
	in, known := Lookup(k)
	if !known {
		return Window{}, false
	}
	switch in.Effect {
	case EffectClose:
		return CloseWindow, true
	case EffectDrop:
		return DropWindow, true
	case EffectFreeze:
		if !l.Ping.Known() {
			return Window{}, false
		}
		return Window{Min: mulSat(l.Ping.MaxOut, l.Ping.Interval), Max: mulSat(l.Ping.MaxOut+2, l.Ping.Interval), Rule: "max_out·P to (max_out+2)·P"}, true
	}
	return Window{}, false
}

// PeriodBy is the time between two liveness checks that fail for a death
// of kind k: Period on NATS Streaming; on JetStream the ping interval
// after a freeze, 0 otherwise (no check has to fail).
func (k Kind) PeriodBy(l Liveness) time.Duration {
	if !l.JetStream {
		return k.Period(l.Heartbeat)
	}
	if Of(k).Effect == EffectFreeze {
		return l.Ping.Interval
	}
	return 0
}
