// Package history holds the run record: one JSON object per line in
// history.jsonl, written by one goroutine and read back by every later stage.
// The file is the single source of truth for summaries, charts and reports.
package history

import "github.com/stansim/stansim/sim/death"

// FormatVersion is written into run_start; readers reject newer formats.
const FormatVersion = 1

// FileName is the history's file name inside a scenario folder.
const FileName = "history.jsonl"

// Event kinds (the `ev` field). The names are part of the file contract.
const (
	KindRunStart   = "run_start"
	KindPublish    = "publish"
	KindPublishAck = "publish_ack"
	KindDeliver    = "deliver"
	KindDone       = "done"
	// KindSkip: a version-check member neither applied nor acked a
	// delivery (its version was not the key's next); it comes back after
	// AckWait.
	KindSkip       = "skip"
	KindFault      = "fault"
	KindMemberUp   = "member_up"
	KindMemberDown = "member_down"
	KindServerView = "server_view"
	// KindMemberExit: a member process ended (process and command
	// modes), with its exit status, who ended it, and what it left on
	// stderr and printed on stdout that was not a protocol line.
	KindMemberExit = "member_exit"
	KindRunEnd     = "run_end"
)

// Broker names, as run_start's versions["broker"] records them.
const (
	BrokerNATSStreaming = "nats-streaming"
	BrokerJetStream     = "jetstream"
)

// Run end reasons.
const (
	ReasonDone        = "done"
	ReasonTimeout     = "timeout"
	ReasonInterrupted = "interrupted"
	// ReasonFailed: the run could not take place (a member or publisher
	// could not connect); the command exits 1, not 130.
	ReasonFailed = "failed"
)

// What ended a member process (member_exit's by).
const (
	ByFault = "fault" // the scenario's death, by its signal
	ByStop  = "stop"  // the end of the run
)

// Event is one history line. Only the fields of its kind are set; the rest
// are omitted from the JSON. T is nanoseconds since the run's zero.
type Event struct {
	T  int64  `json:"t"`
	Ev string `json:"ev"`

	// run_start
	Format         int               `json:"format,omitempty"`
	Versions       map[string]string `json:"versions,omitempty"`
	Scenario       string            `json:"scenario,omitempty"`
	Seed           *int64            `json:"seed,omitempty"`
	Written        string            `json:"written,omitempty"`
	Resolved       string            `json:"resolved,omitempty"`
	SampleInterval int64             `json:"sample_interval_ns,omitempty"`

	// publish, publish_ack, deliver, done
	Pub     string `json:"pub,omitempty"`
	Channel string `json:"channel,omitempty"`
	ID      string `json:"id,omitempty"`
	Key     string `json:"key,omitempty"`
	Ver     int    `json:"ver,omitempty"`
	Err     string `json:"err,omitempty"`

	// deliver, done, fault, member_up, member_down
	Member       string `json:"member,omitempty"`
	Group        string `json:"group,omitempty"`
	Seq          uint64 `json:"seq,omitempty"`
	Redelivered  *bool  `json:"redelivered,omitempty"`
	Redeliveries *int   `json:"redeliveries,omitempty"`
	AckErr       string `json:"ack_err,omitempty"`
	// skip: the key's last applied version in the group when it skipped.
	Have   *int       `json:"have,omitempty"`
	Death  death.Kind `json:"death,omitempty"`
	Client string     `json:"client,omitempty"`

	// member_exit: Exit is the process's status ("exit status 1",
	// "signal: killed"); By says what ended it (ByFault, ByStop, or ""
	// when it ended by itself); BadLines counts stdout lines that were not
	// protocol lines, FirstBad is the first of them; Stderr is the tail of
	// its standard error.
	Exit     string `json:"exit,omitempty"`
	By       string `json:"by,omitempty"`
	BadLines int    `json:"bad_lines,omitempty"`
	FirstBad string `json:"first_bad,omitempty"`
	Stderr   string `json:"stderr,omitempty"`

	// server_view
	Clients []string `json:"clients,omitempty"`
	Subs    []Sub    `json:"subs,omitempty"`
	ViewErr string   `json:"view_err,omitempty"`

	// run_end
	Reason string `json:"reason,omitempty"`
}

// Sub is one subscription as the server's monitoring endpoint lists it.
type Sub struct {
	Channel  string `json:"channel"`
	Group    string `json:"group"`
	Client   string `json:"client"`
	Durable  bool   `json:"durable"`
	Offline  bool   `json:"offline"`
	Pending  int    `json:"pending"`
	LastSent uint64 `json:"last_sent"`
	Stalled  bool   `json:"stalled"`
}

// Bool and Int return pointers, for the optional fields that must still be
// written when false or zero. The pointers to false, true and small counts
// are shared, so that recording or reading a delivery allocates nothing for
// them: the values an event points to are read-only.
func Bool(b bool) *bool {
	if b {
		return &shared.bools[1]
	}
	return &shared.bools[0]
}

// Int returns a pointer to n (shared for small n; see Bool).
func Int(n int) *int {
	if n >= 0 && n < len(shared.ints) {
		return &shared.ints[n]
	}
	p := new(int) // not &n: n would then move to the heap on every call
	*p = n
	return p
}

// shared holds the values Bool and Int point to.
var shared = func() (s struct {
	bools [2]bool
	ints  [256]int
}) {
	s.bools[1] = true
	for i := range s.ints {
		s.ints[i] = i
	}
	return s
}()

// IsRedelivered reports the deliver line's redelivered flag.
func (e *Event) IsRedelivered() bool { return e.Redelivered != nil && *e.Redelivered }

// RedeliveryCount is the deliver or done line's redelivery count (0 if absent).
func (e *Event) RedeliveryCount() int {
	if e.Redeliveries == nil {
		return 0
	}
	return *e.Redeliveries
}

// Marshal encodes the event as one JSON line without the trailing newline
// (the bytes encoding/json would write; see AppendJSON).
func (e *Event) Marshal() ([]byte, error) { return e.AppendJSON(nil), nil }
