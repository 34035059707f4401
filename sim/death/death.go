// Package death is the one table of the ways a queue-group member can die:
// each kind's name, the words every output uses for it, its colour role, what
// the run does to the member, the signal that does it in process mode, and
// the server-side removal it predicts. Everything else asks this table
// (ARCHITECTURE.md, "Deaths as one typed set"); adding a kind touches this
// file and the run engine, nothing else.
package death

import (
	"fmt"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Kind names a death as the scenario file and the history write it.
type Kind string

// The death kinds. Their string values are part of the file contracts.
const (
	Graceful  Kind = "graceful"
	Interrupt Kind = "interrupt"
	Forced    Kind = "forced"
	Hang      Kind = "hang"
	// UnhandledTerm and UnhandledInt are SIGTERM and SIGINT to a member
	// without a handler that calls Close() (close_on_signal: false, the
	// lesson's program before its fix): the signal ends the process and
	// its connection vanishes, as after SIGKILL. The run records them in
	// place of graceful and interrupt; scenario files do not name them.
	UnhandledTerm Kind = "sigterm-no-close"
	UnhandledInt  Kind = "sigint-no-close"
)

// Effect is what a death does to the member's connection, the one thing the
// run engine needs to know to carry it out.
type Effect int

const (
	// EffectClose calls Close(): the server drops the client at once and
	// hands its unacknowledged messages to the other members.
	EffectClose Effect = iota + 1
	// EffectDrop closes the connection without Close(): the server keeps
	// the client until heartbeats to it fail (each fails at once).
	EffectDrop
	// EffectFreeze leaves the connection open and silent: each heartbeat
	// waits its timeout before it counts as failed.
	EffectFreeze
)

// Role is the colour role of a death in every chart and diagram.
type Role int

const (
	RoleClose Role = iota + 1 // a Close(): blue
	RoleKill                  // a connection that vanished: vermillion
	RoleHang                  // a frozen member: vermillion, dashed
)

// Info is one row of the table.
type Info struct {
	Kind Kind
	// Label names the event in legends: "graceful close", "forced kill".
	Label string
	// Verb completes "<member> ... at 1.20 s": "closed", "was killed".
	Verb string
	// Noun names it after a member: "orders-1 closed", "orders-1 killed".
	Noun string
	// How says in a few words what the death is, for messages and captions.
	How string
	// Role is the death's colour role.
	Role Role
	// Effect is what the run does to the member.
	Effect Effect
	// Signal is the signal that causes it in process mode.
	Signal syscall.Signal
	// Resumable deaths accept resume_after on the fault.
	Resumable bool
	// Recorded kinds are written by the run only, never in a scenario.
	Recorded bool
	// Unhandled is the kind this one becomes when the member has no
	// signal handler that calls Close(); "" when it does not change.
	Unhandled Kind
}

var table = []Info{
	{Kind: Graceful, Label: "graceful close", Verb: "closed", Noun: "closed", How: "Close(), as a SIGTERM handler does",
		Role: RoleClose, Effect: EffectClose, Signal: syscall.SIGTERM, Unhandled: UnhandledTerm},
	{Kind: Interrupt, Label: "interrupt (Close())", Verb: "was interrupted", Noun: "interrupted", How: "Close(), as a SIGINT (Ctrl-C) handler does",
		Role: RoleClose, Effect: EffectClose, Signal: syscall.SIGINT, Unhandled: UnhandledInt},
	{Kind: Forced, Label: "forced kill", Verb: "was killed", Noun: "killed", How: "no Close(): the connection vanishes, as after SIGKILL",
		Role: RoleKill, Effect: EffectDrop, Signal: syscall.SIGKILL},
	{Kind: Hang, Label: "hang (frozen)", Verb: "hung", Noun: "hung", How: "frozen, as under SIGSTOP: connected, answering nothing",
		Role: RoleHang, Effect: EffectFreeze, Signal: syscall.SIGSTOP, Resumable: true},
	{Kind: UnhandledTerm, Label: "SIGTERM, no Close()", Verb: "was ended by SIGTERM (no handler)", Noun: "ended (SIGTERM, no Close())",
		How:  "SIGTERM with no handler calling Close(): the process ended and its connection vanished, as after SIGKILL",
		Role: RoleKill, Effect: EffectDrop, Signal: syscall.SIGTERM, Recorded: true},
	{Kind: UnhandledInt, Label: "SIGINT, no Close()", Verb: "was ended by SIGINT (no handler)", Noun: "ended (SIGINT, no Close())",
		How:  "SIGINT (Ctrl-C) with no handler calling Close(): the process ended and its connection vanished, as after SIGKILL",
		Role: RoleKill, Effect: EffectDrop, Signal: syscall.SIGINT, Recorded: true},
}

// Kinds lists every kind in table order (recorded-only kinds included).
func Kinds() []Kind {
	ks := make([]Kind, len(table))
	for i, in := range table {
		ks[i] = in.Kind
	}
	return ks
}

// Lookup returns the table row of k.
func Lookup(k Kind) (Info, bool) {
	for _, in := range table {
		if in.Kind == k {
			return in, true
		}
	}
	return Info{}, false
}

// Of returns k's row; an unknown kind (a history from a newer tool) gets a
// row that names it as written and predicts nothing.
func Of(k Kind) Info {
	if in, ok := Lookup(k); ok {
		return in
	}
	s := string(k)
	return Info{Kind: k, Label: s + " death", Verb: "died (" + s + ")", Noun: "died (" + s + ")", How: "died (" + s + ")", Role: RoleKill}
}

// Parse reads a kind as written in a scenario file.
func Parse(s string) (Kind, error) {
	if in, ok := Lookup(Kind(s)); ok && !in.Recorded {
		return Kind(s), nil
	}
	if in, ok := Lookup(Kind(s)); ok && in.Recorded {
		return "", fmt.Errorf("death %q is what the run records for a member without a signal handler: write graceful or interrupt with the listener's close_on_signal: false", s)
	}
	return "", fmt.Errorf("death %q: must be one of %s", s, Choices())
}

// Choices lists the kinds a scenario may name, with what each does.
func Choices() string {
	var parts []string
	for _, in := range table {
		if !in.Recorded {
			parts = append(parts, fmt.Sprintf("%s (%s)", in.Kind, in.How))
		}
	}
	return strings.Join(parts, ", ")
}

// Actual is the kind a death of kind k really is for a member whose signal
// handler does (closeOnSignal) or does not call Close().
func (k Kind) Actual(closeOnSignal bool) Kind {
	if u := Of(k).Unhandled; !closeOnSignal && u != "" {
		return u
	}
	return k
}

// Info returns k's row (see Of).
func (k Kind) Info() Info { return Of(k) }

// CallsClose reports whether the member said goodbye: the server drops it at once.
func (k Kind) CallsClose() bool { return Of(k).Effect == EffectClose }

// Heartbeat holds the server's client heartbeat settings: interval I,
// timeout T and fail count F.
type Heartbeat struct {
	Interval, Timeout time.Duration
	FailCount         int
}

// Known reports whether the settings can predict anything.
func (h Heartbeat) Known() bool { return h.Interval > 0 && h.FailCount > 0 }

// Window is a predicted span of time, [Min, Max].
type Window struct {
	Min, Max time.Duration
	// Rule is the formula, e.g. "F·I to (F+1)·I".
	Rule string
}

// CloseWindow bounds a graceful removal: the server drops a client that
// called Close() within a few ms; 200 ms covers the monitoring sample.
var CloseWindow = Window{Min: 0, Max: 200 * time.Millisecond, Rule: "at once (Close())"}

// Removal predicts how long after a death of kind k the server still lists
// the member: at once after Close(); F·I to (F+1)·I after a vanished
// connection (each heartbeat fails at once); F·(I+T) to (F+1)·(I+T) after a
// freeze (each heartbeat waits its timeout). ok is false when the settings
// or the kind cannot say.
func (k Kind) Removal(h Heartbeat) (w Window, ok bool) {
	in, known := Lookup(k)
	if !known {
		return Window{}, false
	}
	switch in.Effect {
	case EffectClose:
		return CloseWindow, true
	case EffectDrop:
		if !h.Known() {
			return Window{}, false
		}
		return periods(h.FailCount, h.Interval, "F·I to (F+1)·I"), true
	case EffectFreeze:
		if !h.Known() {
			return Window{}, false
		}
		return periods(h.FailCount, h.Interval+h.Timeout, "F·(I+T) to (F+1)·(I+T)"), true
	}
	return Window{}, false
}

// periods is F·p to (F+1)·p, saturating instead of overflowing.
func periods(f int, p time.Duration, rule string) Window {
	return Window{Min: mulSat(f, p), Max: mulSat(f+1, p), Rule: rule}
}

func mulSat(n int, d time.Duration) time.Duration {
	if n <= 0 || d <= 0 {
		return 0
	}
	if d > time.Duration(1<<63-1)/time.Duration(n) {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(n) * d
}

// Period is the time one failed heartbeat takes for kind k: I for a
// vanished connection, I+T for a frozen one, 0 when heartbeats play no part.
func (k Kind) Period(h Heartbeat) time.Duration {
	switch Of(k).Effect {
	case EffectDrop:
		return h.Interval
	case EffectFreeze:
		return h.Interval + h.Timeout
	}
	return 0
}

// Sorted returns kinds sorted in table order, without repeats.
func Sorted(ks []Kind) []Kind {
	rank := map[Kind]int{}
	for i, in := range table {
		rank[in.Kind] = i
	}
	seen := map[Kind]bool{}
	var out []Kind
	for _, k := range ks {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, iok := rank[out[i]]
		rj, jok := rank[out[j]]
		if iok != jok {
			return iok
		}
		return ri < rj
	})
	return out
}
