package report

import (
	"fmt"
	"sort"

	"github.com/stansim/stansim/sim/analyze"
)

// MaxItems caps the items explained in each group of a section; the rest
// are only counted.
const MaxItems = 10

// Group causes: why the anomalies of a group happened.
const (
	CauseDeath       = "death"       // a member died holding the message (or was sent it while dead)
	CauseAckWait     = "ackwait"     // AckWait ran out although no member died
	CauseParallel    = "parallel"    // two members worked at the same time and the newer one finished first
	CauseUnflagged   = "unflagged"   // delivered again without the redelivered flag (group replay, failover)
	CauseAckError    = "ackerr"      // the ack of a done failed
	CauseUndelivered = "undelivered" // a lost message no member ever received
	CauseUnfinished  = "unfinished"  // a lost message still being processed when the run ended
	CauseOther       = "other"
	CauseSkip        = "skip"      // a version check skipped a version that came too early
	CauseReordered   = "reordered" // an older version was applied after the last one
)

// Explanations are a run's anomalies explained in plain sentences, one
// section per kind. Deaths is context (each injected death and what the
// server made of it); the other three are the anomalies.
type Explanations struct {
	Deaths     Section
	Skips      Section // context: what the version check held back
	OutOfOrder Section
	Duplicates Section
	Lost       Section
	FinalState Section // the anomaly that matters most: wrong data
}

// Any reports whether the run had an anomaly: a key left wrong, an
// out-of-order pair, a duplicate or a lost message.
func (e Explanations) Any() bool {
	return e.FinalState.Total+e.OutOfOrder.Total+e.Duplicates.Total+e.Lost.Total > 0
}

// Anomalies returns the anomaly sections in display order: wrong data
// first, then what led to it.
func (e Explanations) Anomalies() []Section {
	return []Section{e.FinalState, e.OutOfOrder, e.Duplicates, e.Lost}
}

// Section is one kind of anomaly: its items grouped by cause, each group
// capped at MaxItems.
type Section struct {
	Kind   string // deaths | out-of-order | duplicates | lost
	Title  string
	Noun   string // the counted unit, singular: pair, message, death
	Total  int    // every anomaly of this kind in the run
	Groups []Group
}

// Unlisted is how many of Total fall in no group: the analysis keeps only
// the first analyze.MaxPairs out-of-order pairs.
func (s Section) Unlisted() int {
	n := s.Total
	for _, g := range s.Groups {
		n -= g.Total
	}
	return max(n, 0)
}

// Group is the anomalies of a section that share a cause.
type Group struct {
	Cause   string         // one of the Cause constants
	Death   *analyze.Death // the death behind them when Cause is CauseDeath
	Heading string         // e.g. "orders-1 killed at 1.21 s"
	Total   int
	Items   []Item // the first MaxItems
}

// More is how many of the group's anomalies are counted but not itemised.
func (g Group) More() int {
	n := g.Total
	for _, it := range g.Items {
		n -= it.Count
	}
	return n
}

// Item is one explained anomaly: a message done late (with the newer ones
// that overtook it), a duplicate, a lost message or a death.
type Item struct {
	Sentence string
	Group    string // queue group
	Key      string
	// Messages are the ids involved. For an out-of-order pair: the message
	// done late first, then the newer one that overtook it.
	Messages []string
	// Members are the members involved, in order of appearance.
	Members []string
	// T is when the anomaly showed: the late done of a pair, the last done
	// of a duplicate, the end of the run for a lost message, the death.
	T int64
	// Count is how many of the section's anomalies the item covers: the
	// pairs of a message done late (one item names every newer message that
	// overtook it), else 1.
	Count int
}

// Explain explains every out-of-order pair, duplicate and lost message of
// the analysis (and each death), grouped by cause and capped.
func Explain(a *analyze.Analysis) Explanations {
	if a == nil || a.Log == nil {
		return Explanations{}
	}
	x := &explainer{a: a}
	return Explanations{
		Deaths:     x.deaths(),
		Skips:      x.skips(),
		OutOfOrder: x.outOfOrder(),
		Duplicates: x.duplicates(),
		Lost:       x.lost(),
		FinalState: x.finalState(),
	}
}

type explainer struct{ a *analyze.Analysis }

// grouper collects items into groups, ordered deaths first (in time order),
// then by cause.
type grouper struct {
	a      *analyze.Analysis
	groups []*Group
	byKey  map[string]*Group
}

var causeRank = map[string]int{CauseAckWait: 1, CauseUnflagged: 2, CauseAckError: 3, CauseParallel: 4, CauseUndelivered: 5, CauseUnfinished: 6, CauseOther: 7}

var causeHeading = map[string]string{
	CauseAckWait:     "AckWait ran out although no member died",
	CauseUnflagged:   "Delivered again without the redelivered flag (a new group replaying the channel, or a server failover)",
	CauseAckError:    "The ack failed",
	CauseParallel:    "Members working in parallel: the newer message finished first",
	CauseUndelivered: "Never delivered",
	CauseUnfinished:  "Still being processed when the run ended",
	CauseOther:       "Other",
}

// add counts n anomalies of a cause (n pairs for one late message, else 1)
// and keeps the item while the group is under MaxItems.
func (gr *grouper) add(cause string, d *analyze.Death, n int, item func() Item) {
	key := cause
	if cause == CauseDeath && d != nil {
		key = fmt.Sprintf("death %p", d)
	} else if cause == CauseDeath {
		cause, key = CauseOther, CauseOther
	}
	g := gr.byKey[key]
	if g == nil {
		if gr.byKey == nil {
			gr.byKey = map[string]*Group{}
		}
		g = &Group{Cause: cause, Heading: causeHeading[cause]}
		if cause == CauseDeath {
			g.Death = d
			g.Heading = fmt.Sprintf("%s %s at %s (%s death)", d.Member, d.Info().Noun, secs(d.T), d.Kind)
		}
		gr.byKey[key] = g
		gr.groups = append(gr.groups, g)
	}
	g.Total += n
	if len(g.Items) < MaxItems {
		it := item()
		it.Count = n
		g.Items = append(g.Items, it)
	}
}

func (gr *grouper) result() []Group {
	rank := func(g *Group) int {
		if g.Death != nil {
			for i, d := range gr.a.Deaths {
				if d == g.Death {
					return i
				}
			}
		}
		return len(gr.a.Deaths) + causeRank[g.Cause]
	}
	sort.SliceStable(gr.groups, func(i, j int) bool { return rank(gr.groups[i]) < rank(gr.groups[j]) })
	out := make([]Group, len(gr.groups))
	for i, g := range gr.groups {
		out[i] = *g
	}
	return out
}
