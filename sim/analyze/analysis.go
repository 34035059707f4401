package analyze

import (
	"sort"

	"github.com/stansim/stansim/sim/history"
)

// Analysis is everything later stages need, derived from one history.
// Times are run nanoseconds (history t).
type Analysis struct {
	Log      *history.Log
	Settings Settings
	Summary  Summary
	Messages []*Message // in publish order
	ByID     map[string]*Message
	Members  []*Member // in order of first appearance
	Deaths   []*Death  // in time order
	Views    []View    // server_view samples in time order
	// Inversions lists out-of-order pairs (capped at MaxPairs; the full
	// count is Summary.OutOfOrder.Inversions).
	Inversions []Inversion
	// End is the time of the last event.
	End int64
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
}

// Delivery is one deliver line.
type Delivery struct {
	T            int64
	Member       string
	Group        string
	Seq          uint64
	Redelivered  bool
	Redeliveries int
	// Cause says why a redelivered copy came: CauseClose, CauseRemoval or
	// CauseAckWait; empty for a first delivery.
	Cause string
	// Done is the index in Message.Dones this delivery finished, or -1.
	Done int
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
	// Delivery is the index in Message.Deliveries this done finished, or -1.
	Delivery int
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
	Death  string // forced | graceful | "" (still up, or closed at run end)
}

// Death is one injected fault and what the server made of it.
type Death struct {
	Member, Group, Kind, Client string
	T                           int64
	Removed                     int64 // first server_view without the client; -1 if never
	Restart                     int64 // next member_up of the member; -1 if none
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

// Groups lists the group names in order of first appearance.
func (a *Analysis) Groups() []string {
	var gs []string
	seen := map[string]bool{}
	for _, m := range a.Members {
		if !seen[m.Group] {
			seen[m.Group] = true
			gs = append(gs, m.Group)
		}
	}
	return gs
}

// Publishers lists publisher names in order of first publish.
func (a *Analysis) Publishers() []string {
	var ps []string
	seen := map[string]bool{}
	for _, m := range a.Messages {
		if !seen[m.Pub] {
			seen[m.Pub] = true
			ps = append(ps, m.Pub)
		}
	}
	return ps
}

// Messages sorted by server sequence (unsequenced ones last, in publish order).
func (a *Analysis) BySeq() []*Message {
	out := append([]*Message(nil), a.Messages...)
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := out[i].Seq, out[j].Seq
		if si == 0 || sj == 0 {
			return si != 0 && sj == 0
		}
		return si < sj
	})
	return out
}
