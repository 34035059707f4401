package analyze

import (
	"iter"
	"slices"

	"github.com/stansim/stansim/nearsort"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// Analysis is everything later stages need, derived from one history.
// Times are run nanoseconds (history t).
type Analysis struct {
	Log      *history.Log
	Settings Settings
	Summary  Summary
	// The messages are All (in publish order), NumMessages, MessageAt and
	// ByID (store.go).
	Members []*Member // in order of first appearance
	Deaths  []*Death  // in time order
	Views   []View    // server_view samples in time order
	Exits   []Exit    // member processes' ends, in time order
	// Problems are what member programs did wrong (programs.go).
	Problems []Problem
	// Inversions lists out-of-order pairs (capped at MaxPairs; the full
	// count is Summary.OutOfOrder.Inversions).
	Inversions []Inversion
	// End is the time of the last event.
	End int64
	// Sample is the monitoring sample interval (ns), 0 when unknown.
	Sample int64

	store     store
	index     msgIndex
	readersOf map[string][]string // channel -> groups, built on first use
	// groups and publishers are Groups and Publishers, worked out once the
	// events are in (nil for an Analysis not made by Analyze: then every
	// call works them out). An Analysis is read-only once made.
	groups, publishers []string
	// seqWindow is sequenceWindow's answer, worked out once the events
	// are in (when seqKnown).
	seqWindow int
	seqKnown  bool
	// doneBatch, when set, replaces maxDoneEntries (tests count in small
	// batches).
	doneBatch int
}

// MaxPairs caps the inversion pairs kept for explanation.
const MaxPairs = 1000

// Message is one published id with everything that happened to it.
type Message struct {
	ID, Pub, Channel, Key string
	Ver                   int
	PublishT              int64
	Acked                 bool   // publish_ack without error
	AckT                  int64  // -1 without publish_ack
	AckErr                string // publish_ack's error
	Seq                   uint64 // server sequence (from the first delivery; 0 if none)
	Deliveries            []Delivery
	Dones                 []Done
	Skips                 []Skip
	// Unseen are the sends to dead members, in time order.
	Unseen []Send

	pos  int32 // the place in publish order, -1 until published
	slot int32 // the slot in the store's full list, -1 for a rebuilt view
	view bool  // rebuilt from a plain record by All (store.go)
}

// Delivery is one deliver line.
type Delivery struct {
	T            int64
	Member       string
	Group        string
	Seq          uint64
	Redeliveries int
	// Cause says why a redelivered copy came: CauseClose, CauseRemoval or
	// CauseAckWait; empty for a first delivery and for an unflagged copy.
	Cause string
	// After is the death of the member that held the message before this
	// copy (seen, or inferred from a send to a dead member), or nil when the
	// holder was alive (then only AckWait explains a redelivery).
	After *Death
	// Done is the index in Message.Dones this delivery finished, or -1.
	Done int32
	// Skip is the index in Message.Skips this delivery ended in (a
	// version-check member did not apply it), or -1.
	Skip        int32
	Redelivered bool
	// Thawed marks the copy a hung member got while frozen and read only
	// when it resumed: the send the history could not show (Unseen), not a
	// second one.
	Thawed bool
}

// Skip is one skip line: a version-check member processed a delivery whose
// version was not its key's next, and neither applied nor acked it.
type Skip struct {
	T      int64
	Member string
	Group  string
	Have   int // the key's last applied version in the group then
	// Delivery is the index in Message.Deliveries this skip ended, or -1.
	Delivery int
	// Next is the index in Message.Deliveries of the group's next copy
	// (the redelivery the skip waits for), or -1 when none came.
	Next int
}

// Redelivery causes as read from the history.
const (
	CauseClose   = "close"   // handed off when the holder closed gracefully
	CauseRemoval = "removal" // handed off when the server dropped a dead holder
	CauseAckWait = "ackwait" // AckWait expired while the holder kept it
)

// Done is one done line.
type Done struct {
	T            int64
	Member       string
	Group        string
	Redeliveries int
	AckErr       string
	// Line is the done's place in the history (sorted by t, stably): the
	// tie-breaker between dones at one instant.
	Line int
	// Delivery is the index in Message.Deliveries this done finished, or -1.
	Delivery int32
	// Late marks the message's first done in its group when a higher
	// version of its key was done before it there (it is out of order).
	Late bool
}

// Send is a send of a message to a member that was dead but still listed
// by the server: never recorded (a dead member records nothing), inferred
// from what happened next (see holders.go).
type Send struct {
	T           int64
	Death       *Death // the dead member's death
	Redelivered bool   // a resend at AckWait expiry
}

// Member is one listener member's life: every up and down.
type Member struct {
	Name, Group string
	Spans       []Span
}

// Span is one connection of a member, from member_up to member_down (or to
// the end of the run: Down is -1).
type Span struct {
	Client string
	Up     int64
	Down   int64
	Death  death.Kind // the death that ended it; "" (still up, or closed at run end)
}

// Death is one injected fault and what the server made of it.
type Death struct {
	Member, Group, Client string
	Kind                  death.Kind
	T                     int64
	Removed               int64 // first server_view without the client; -1 if never
	Restart               int64 // next member_up of the member (restart or resume); -1 if none
	// Predicted is the removal window the settings predict, from the death
	// table; nil when the history does not carry the settings.
	Predicted *death.Window
	// Held lists the messages the member had received in the life that
	// died and not done, in publish order.
	Held []*Message
	// Sent lists the messages the server sent the member while it was dead
	// (Message.Unseen names each send), in publish order.
	Sent []*Message
}

// Info is the death's row in the death table.
func (d *Death) Info() death.Info { return d.Kind.Info() }

// Listed is how long the server still listed the member after its death,
// or -1 when it still did at the end of the run.
func (d *Death) Listed() int64 {
	if d.Removed < 0 {
		return -1
	}
	return d.Removed - d.T
}

// Inside reports whether the measured window lies inside the prediction
// widened by margin on both sides; false when either is unknown.
func (d *Death) Inside(margin int64) bool {
	if d.Predicted == nil || d.Removed < 0 {
		return false
	}
	w := d.Listed()
	return w >= int64(d.Predicted.Min)-margin && w <= int64(d.Predicted.Max)+margin
}

// View is one server_view sample.
type View struct {
	T       int64
	Clients map[string]bool
	Subs    []history.Sub
	Err     string
}

// FirstDone returns the message's first done, or nil.
func (m *Message) FirstDone() *Done {
	if len(m.Dones) == 0 {
		return nil
	}
	return &m.Dones[0]
}

// Member returns the named member, or nil.
func (a *Analysis) Member(name string) *Member {
	for _, m := range a.Members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// DeathOf returns the death of member that is the latest at or before t, or nil.
func (a *Analysis) DeathOf(member string, t int64) *Death {
	var found *Death
	for _, d := range a.Deaths {
		if d.Member == member && d.T <= t {
			found = d
		}
	}
	return found
}

// Publishers lists publisher names in order of first publish.
func (a *Analysis) Publishers() []string {
	if a.publishers != nil {
		return slices.Clone(a.publishers)
	}
	return a.listPublishers()
}

func (a *Analysis) listPublishers() []string {
	var ps []string
	seen := map[string]bool{}
	for m := range a.All() {
		if !seen[m.Pub] {
			seen[m.Pub] = true
			ps = append(ps, m.Pub)
		}
	}
	return ps
}

// BySeq yields the messages sorted by server sequence (unsequenced ones
// last, in publish order), rebuilt as All's are.
func (a *Analysis) BySeq() iter.Seq[*Message] {
	return func(yield func(*Message) bool) {
		w := a.seqWindow
		if !a.seqKnown {
			w = a.sequenceWindow()
		}
		if w == 0 {
			a.All()(yield)
			return
		}
		a.bySeqWithin(w, yield)
	}
}

// seqEntry is a message waiting in BySeq's heap: its sequence and place.
type seqEntry struct {
	seq uint64
	pos int32
}

// before is BySeq's order: by sequence (compareSeq), then publish order.
func (x seqEntry) before(y seqEntry) bool {
	if c := compareSeq(x.seq, y.seq); c != 0 {
		return c < 0
	}
	return x.pos < y.pos
}

// bySeqWithin yields the messages in BySeq's order, given that none is
// more than w places later in publish order than in that order
// (sequenceWindow): a nearsort.Sorter sorts the walk in publish order,
// in memory for w messages however many there are. (With one publisher
// per channel publish order is sequence order and w is 0; two publishers
// on a channel interleave within a few hundred places.)
func (a *Analysis) bySeqWithin(w int, yield func(*Message) bool) {
	sorter := nearsort.New(w, seqEntry.before)
	s := &a.store
	v := s.walker()
	for m := range a.All() {
		if e, ok := sorter.Push(seqEntry{m.Seq, m.pos}); ok && !yield(s.get(s.order[e.pos], &v)) {
			return
		}
	}
	for e, ok := sorter.Pop(); ok; e, ok = sorter.Pop() {
		if !yield(s.get(s.order[e.pos], &v)) {
			return
		}
	}
}

// sequenceWindow returns a window with which bySeqWithin sorts the
// messages: 0 when publish order is BySeq's order (as it nearly always
// is), else the first of 64, 128, ... with which a walk comes out sorted
// (at most twice the smallest, which only sorting a list of every message
// would find).
func (a *Analysis) sequenceWindow() int {
	for w := 0; ; w = max(64, 2*w) {
		if a.seqSortedWithin(w) {
			return w
		}
	}
}

// seqSortedWithin reports whether a nearsort.Sorter of window w gives the
// messages in BySeq's order: whether its output is in that order.
func (a *Analysis) seqSortedWithin(w int) bool {
	sorter := nearsort.New(w, seqEntry.before)
	var last seqEntry
	first := true
	next := func(e seqEntry) bool {
		ok := first || last.before(e)
		first, last = false, e
		return ok
	}
	for m := range a.All() {
		if e, out := sorter.Push(seqEntry{m.Seq, m.pos}); out && !next(e) {
			return false
		}
	}
	for e, ok := sorter.Pop(); ok; e, ok = sorter.Pop() {
		if !next(e) {
			return false
		}
	}
	return true
}

// compareSeq orders sequences, 0 (none) last.
func compareSeq(a, b uint64) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	case a < b:
		return -1
	}
	return 1
}
