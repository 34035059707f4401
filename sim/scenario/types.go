// Package scenario parses and validates stansim's scenario file
// (scenarios.yaml): the publishers, queue-group listeners and injected
// client deaths that one run drives against an embedded NATS Streaming
// server.
//
// Like nats-server's configuration check, Parse collects every problem in the
// file, each with its file:line and field path, and returns them together as
// Errors. Timing relations that are legal but probably not what the author
// meant are returned as File.Warnings.
package scenario

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/death"
)

// Distribution kinds of Dist.Kind.
const (
	DistFixed       = "fixed"
	DistUniform     = "uniform"
	DistExponential = "exponential"
)

// Server stores (Server.Store) and start positions (Listener.Start). Death
// kinds are the death package's table.
const (
	StoreMemory = "memory"
	StoreFile   = "file"
	StartAll    = "all"
	StartNew    = "new"
)

// Brokers (Scenario.Broker).
const (
	BrokerSTAN      = "stan"
	BrokerJetStream = "jetstream"
	DefaultBroker   = BrokerSTAN
)

// JetStream consumer kinds (Listener.Consumer) and what a graceful death
// does with the messages a member holds (Listener.OnClose).
const (
	ConsumerPush = "push"
	ConsumerPull = "pull"
	OnCloseNone  = "none"
	OnCloseNak   = "nak"
)

// Listener modes (Listener.Mode).
const (
	ModeInProcess = "in-process"
	ModeProcess   = "process"
	// ModeCommand: each member is the scenario's own program (Command),
	// killed by the same signals as ModeProcess, reporting what it does as
	// JSON lines on stdout (README, "Bring your own listener").
	ModeCommand = "command"
)

// Listener policies (Listener.Policy): how a member applies a message to
// its group's per-key state (the service's database).
const (
	// PolicyNaive applies every delivery as it comes, then acks it.
	PolicyNaive = "naive"
	// PolicyVersionCheck applies a message only when its version is the
	// key's last applied version + 1; otherwise it neither applies nor acks
	// it, so the server redelivers it after AckWait (the course's fix).
	PolicyVersionCheck = "version-check"
)

// TagSlow marks scenarios that a plain run skips (see File.Select).
const TagSlow = "slow"

// Defaults applied when a field is absent from both the scenario and the
// file's defaults section. The heartbeat values are the server's own.
const (
	DefaultSeed           int64 = 1
	DefaultSampleInterval       = 50 * time.Millisecond
	DefaultStore                = StoreMemory
	DefaultHBInterval           = 30 * time.Second
	DefaultHBTimeout            = 10 * time.Second
	DefaultHBFailCount          = 10
	DefaultKeys                 = 1
	DefaultMembers              = 1
	DefaultAckWait              = 30 * time.Second
	DefaultMaxInflight          = 1024
	DefaultStart                = StartAll
	DefaultPolicy               = PolicyNaive
	DefaultMode                 = ModeInProcess
)

// Dist is a processing-time distribution.
type Dist struct {
	Kind     string        // "fixed" | "uniform" | "exponential"; "" counts as fixed
	Fixed    time.Duration // Kind fixed
	Min, Max time.Duration // Kind uniform
	Mean     time.Duration // Kind exponential
}

// Sample draws one processing time from r: Fixed for a fixed distribution,
// a value in [Min, Max] for uniform, r.ExpFloat64()*Mean for exponential.
// A nil r uses math/rand/v2's global source.
func (d Dist) Sample(r *rand.Rand) time.Duration {
	switch d.Kind {
	case DistUniform:
		span := int64(d.Max - d.Min)
		if span <= 0 || span == 1<<63-1 {
			return d.Min
		}
		if r == nil {
			return d.Min + time.Duration(rand.Int64N(span+1))
		}
		return d.Min + time.Duration(r.Int64N(span+1))
	case DistExponential:
		e := rand.ExpFloat64
		if r != nil {
			e = r.ExpFloat64
		}
		return time.Duration(e() * float64(d.Mean))
	default:
		return d.Fixed
	}
}

// String describes d: "20ms", "uniform 5ms..30ms" or "exponential mean 20ms".
func (d Dist) String() string {
	switch d.Kind {
	case DistUniform:
		return fmt.Sprintf("uniform %s..%s", short(d.Min), short(d.Max))
	case DistExponential:
		return "exponential mean " + short(d.Mean)
	default:
		return short(d.Fixed)
	}
}

// ShortDuration formats d as a scenario file writes it: like
// time.Duration.String without zero trailing units ("1h" rather than
// "1h0m0s", "2m" rather than "2m0s").
func ShortDuration(d time.Duration) string { return short(d) }

func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
	}
	return s
}

// Heartbeat holds the server's client heartbeat settings (ClientHBInterval,
// ClientHBTimeout, ClientHBFailCount); the death table predicts from it.
type Heartbeat = death.Heartbeat

// Ping holds nats-server's PING settings (JetStream's liveness check).
type Ping = death.Ping

// Server holds the embedded server's settings.
type Server struct {
	Store     string // memory | file
	Heartbeat Heartbeat
	// Ping is used on JetStream only (yaml server.ping).
	Ping Ping
}

// Publisher publishes Count messages on Channel at Rate messages per second,
// round-robin over Keys entities.
type Publisher struct {
	Name, Channel string
	Count         int
	Rate          float64 // messages per second
	Keys          int
}

// Listener is a queue group of Members members named <Group>-1 ... <Group>-<Members>.
type Listener struct {
	Group, Channel string
	Members        int
	Durable        string // "" = non-durable
	AckWait        time.Duration
	MaxInflight    int
	ProcessTime    Dist
	Start          string // "all" | "new"
	Policy         string // "naive" | "version-check"
	// Mode says where members run: in this process, each with its own
	// connection (ModeInProcess), or as child processes killed by real
	// signals (ModeProcess; Linux and other Unix systems).
	Mode string
	// CloseOnSignal: the member's SIGTERM/SIGINT handler calls Close()
	// (default); false is the lesson's program before its fix, which the
	// signal ends without Close(). With ModeCommand it states what the
	// program does; the run checks it against what the server saw.
	CloseOnSignal bool
	// Command is the program and its arguments (ModeCommand only); a
	// relative program path is taken from Dir.
	Command []string
	// Env adds to the program's environment (ModeCommand only); stansim's
	// own STANSIM_* settings are not overridden.
	Env map[string]string
	// Dir is the program's working folder (ModeCommand only): absolute,
	// resolved against the scenario file's folder; "" is that folder.
	Dir string

	// JetStream only. Consumer is ConsumerPush (a deliver group) or
	// ConsumerPull; MaxDeliver caps deliveries of one message (0 =
	// unlimited); BackOff are the redelivery delays; OnClose is what a
	// graceful death does with held messages (OnCloseNak: nak them first,
	// so they move at once). MaxInflight is the consumer's MaxAckPending,
	// shared by the group's members.
	Consumer   string
	MaxDeliver int
	BackOff    []time.Duration
	OnClose    string
}

// Fault kills Member at At; with RestartAfter > 0 it comes back (with a new
// client id) RestartAfter after the death. A resumable death (hang) may
// instead end ResumeAfter after it: the same client thaws and goes on.
type Fault struct {
	At           time.Duration
	Member       string
	Death        death.Kind
	RestartAfter time.Duration // 0 = no restart
	ResumeAfter  time.Duration // 0 = stays frozen
}

// Back is when the member is alive again after the fault (restart or
// resume), counted from the fault; 0 when it stays dead.
func (f Fault) Back() time.Duration { return max(f.RestartAfter, f.ResumeAfter) }

// Scenario is one validated scenario with every default filled in.
type Scenario struct {
	Name, Description string
	Tags              []string
	Seed              int64
	Duration          time.Duration
	// SampleInterval (yaml sample_interval, default 50ms, range [5ms, 1s]) is
	// how often the server's monitoring endpoint is sampled.
	SampleInterval time.Duration
	// Broker is BrokerSTAN (NATS Streaming, the default) or
	// BrokerJetStream.
	Broker     string
	Server     Server
	Publishers []Publisher
	Listeners  []Listener
	Faults     []Fault
	// Expect lists what the run must show (summary paths and bounds), in
	// file order; a failed one makes the command exit 3.
	Expect []Expectation
	// Sweep is the scenario's `sweep:` grid (sweep.go); nil for an
	// ordinary scenario. Each of its cells is an ordinary scenario.
	Sweep *Sweep
	// Written is this scenario's YAML as written in the file: the text of
	// its list item, re-indented to column 0 (defaults not merged in).
	Written string
}

// HasTag reports whether s is tagged t.
func (s *Scenario) HasTag(t string) bool { return slices.Contains(s.Tags, t) }

// MemberNames returns the member names of l: "<group>-1" ... "<group>-<members>".
func (s *Scenario) MemberNames(l Listener) []string {
	names := make([]string, 0, max(l.Members, 0))
	for i := 1; i <= l.Members; i++ {
		names = append(names, memberName(l.Group, i))
	}
	return names
}

// ListenerOf returns the listener of s that member belongs to.
func (s *Scenario) ListenerOf(member string) (Listener, bool) {
	for _, l := range s.Listeners {
		for i := 1; i <= l.Members; i++ {
			if memberName(l.Group, i) == member {
				return l, true
			}
		}
	}
	return Listener{}, false
}

func memberName(group string, i int) string { return fmt.Sprintf("%s-%d", group, i) }

// File is a parsed and validated scenario file.
type File struct {
	Path      string
	Scenarios []Scenario
	// Warnings are legal settings that are probably not what was meant
	// (e.g. a run that ends before the server can notice a forced death),
	// sorted by line.
	Warnings []Error
}

// JetStream reports whether the scenario runs on JetStream.
func (s *Scenario) JetStream() bool { return s.Broker == BrokerJetStream }

// Liveness is how the scenario's broker notices a dead member, for the
// death table's predictions.
func (s *Scenario) Liveness() death.Liveness {
	return death.Liveness{JetStream: s.JetStream(), Heartbeat: s.Server.Heartbeat, Ping: s.Server.Ping}
}
