// Package predict answers from a scenario's settings alone, without running
// anything, what the run will show: per death, the zombie window (the death
// table's, sim/death), how the messages the dead member held leave it (its
// Close(), its removal, or AckWait expiry, whichever comes first) and how
// long they wait, how many messages the server sends it while it is dead;
// per queue group, the reordering to expect. Each prediction is a range:
// the zombie window is the death table's; the others are the extremes over
// replays of the scenario against a model of the server's queue-group rules
// (server.go) in virtual time, one replay per unknown the settings leave
// open (where in its window a removal falls, the processing-time draws).
// README.md, "Predictions", states each rule with its formula.
package predict

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/scenario"
)

// Hand-off causes: why a held message went to another member first.
const (
	CauseClose   = "close"   // the dead member called Close()
	CauseRemoval = "removal" // the server dropped the dead member
	CauseAckWait = "ackwait" // AckWait expired while the server still listed it
	// CauseReplay: not a redelivery; a new non-durable group (start: all)
	// got the whole channel again.
	CauseReplay = "replay"
)

// Report is `stansim predict --json`'s document.
type Report struct {
	Scenarios []Scenario `json:"scenarios"`
}

// Scenario is one scenario's predictions (for a sweep: one per cell).
type Scenario struct {
	Name string `json:"name"`
	// Cell names the sweep cell ("server.heartbeat.interval 250ms, ...").
	Cell   string  `json:"cell,omitempty"`
	Deaths []Death `json:"deaths"`
	Groups []Group `json:"groups"`
	// Inversions is summary.json's out_of_order.inversions (over groups).
	Inversions Bounds `json:"inversions"`
	// InversionsUnknown: a group is not modelled (Group.NotModelled), so
	// the replay cannot know the reordering; Inversions is then 0.
	InversionsUnknown bool `json:"inversions_unknown,omitempty"`
	// Replays is how many replays the bounds span.
	Replays int `json:"replays"`
}

// Death is what one fault's death is predicted to bring.
type Death struct {
	Member string  `json:"member"`
	Group  string  `json:"group"`
	Death  string  `json:"death"`
	AtMs   float64 `json:"at_ms"`
	// ZombieMs is how long the server keeps listing the member: the death
	// table's window (death.Kind.Removal), with its rule.
	ZombieMs   Bounds `json:"zombie_ms"`
	ZombieRule string `json:"zombie_rule"`
	// FailedHeartbeatMs is when the first heartbeat to it fails, after the
	// death: from then on the server sends it new messages only when every
	// other member is stalled. Null after Close().
	FailedHeartbeatMs *Bounds `json:"failed_heartbeat_ms"`
	// Held is how many messages it had received and not done.
	Held Bounds `json:"held"`
	// HandOff is what hands the held messages over first (close, removal,
	// ackwait; "ackwait or removal" when the replays differ; "none" when no
	// member takes them during the run), HandOffRule the rule in words.
	HandOff     string `json:"hand_off"`
	HandOffRule string `json:"hand_off_rule"`
	// HandOffCauses lists every cause a held message was handed over by,
	// over the replays (an AckWait chain can end at the removal).
	HandOffCauses []string `json:"hand_off_causes"`
	// HandOffMs is from the death to a held message's delivery to another
	// member (or a new life); null when none comes.
	HandOffMs *Bounds `json:"hand_off_ms"`
	// HeldRedeliveryMs is from a held message's publish to that delivery.
	HeldRedeliveryMs *Bounds `json:"held_redelivery_ms"`
	// NotHandedOff is how many held messages no other member gets.
	NotHandedOff Bounds `json:"not_handed_off"`
	// Sent is how many messages the server sends it first while it is dead.
	Sent     Bounds `json:"sent"`
	SentRule string `json:"sent_rule"`
	// NotModelled says why the replay does not model this death (the
	// member is the scenario's own program: ProgramRule; the broker is
	// JetStream: JetStreamRule): then only the zombie window, the first
	// failed heartbeat and the hand-off's kind are predictions; held,
	// hand-off delay and sent are not. "" when every figure is.
	NotModelled string `json:"not_modelled,omitempty"`
}

// Group is one queue group's predicted figures (summary.json's groups).
type Group struct {
	Name        string `json:"name"`
	Inversions  Bounds `json:"inversions"`
	Redelivered Bounds `json:"redelivered"`
	Duplicates  Bounds `json:"duplicates"`
	Lost        Bounds `json:"lost"`
	// NotModelled says why the group's figures are not predicted ("" when
	// they are).
	NotModelled string `json:"not_modelled,omitempty"`
}

// Bounds is a predicted range: milliseconds or a count.
type Bounds struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Contains reports whether x lies in b widened by margin on both sides.
func (b Bounds) Contains(x, margin float64) bool { return x >= b.Min-margin && x <= b.Max+margin }

// String is "3" or "2 to 5" (numbers as they are; see Ms for times).
func (b Bounds) String() string {
	if b.Min == b.Max {
		return num(b.Min)
	}
	return num(b.Min) + " to " + num(b.Max)
}

// widen makes b cover x (the first x sets it, when set is false).
func (b *Bounds) widen(x float64, set *bool) {
	if !*set {
		*b, *set = Bounds{x, x}, true
		return
	}
	b.Min, b.Max = min(b.Min, x), max(b.Max, x)
}

// File predicts every selected scenario of a file (only: names, empty =
// all, slow ones included); a sweep gives one Scenario per cell.
func File(f *scenario.File, only []string) (*Report, error) {
	r := &Report{Scenarios: []Scenario{}}
	for _, s := range f.Scenarios {
		if len(only) > 0 && !slices.Contains(only, s.Name) {
			continue
		}
		if s.Sweep == nil {
			r.Scenarios = append(r.Scenarios, Predict(&s))
			continue
		}
		for _, c := range s.Cells() {
			p := Predict(&c.Scenario)
			p.Cell = s.Sweep.Describe(c)
			r.Scenarios = append(r.Scenarios, p)
		}
	}
	for _, n := range only {
		if !slices.ContainsFunc(f.Scenarios, func(s scenario.Scenario) bool { return s.Name == n }) {
			return nil, fmt.Errorf("%s: unknown scenario %q", f.Path, n)
		}
	}
	return r, nil
}

// Resolved predicts the scenario a history carries (run_start's resolved
// scenario); false when it cannot be read.
func Resolved(text string) (Scenario, bool) {
	sc, err := scenario.ParseScenario("run_start.resolved", []byte(text))
	if err != nil {
		return Scenario{}, false
	}
	return Predict(sc), true
}

// Predict replays the scenario once per variant and gathers the bounds.
func Predict(sc *scenario.Scenario) Scenario {
	vs := variants(sc)
	out := Scenario{Name: sc.Name, Replays: len(vs), Deaths: []Death{}, Groups: []Group{}}
	acc := newGather(sc)
	for _, v := range vs {
		e := newEngine(sc, v)
		e.run()
		acc.add(e)
	}
	out.Deaths, out.Groups, out.Inversions = acc.deaths(sc), acc.groups(), acc.inversions
	markUnmodelled(sc, &out)
	return out
}

// zombie is the death table's window for a fault.
func zombie(sc *scenario.Scenario, f scenario.Fault) (death.Window, bool) {
	return actual(sc, f).RemovalBy(sc.Liveness())
}

// actual is the kind a fault's death really is: a SIGTERM or SIGINT to a
// member whose handler does not call Close() ends without one (the death
// table's Actual), as the run records it.
func actual(sc *scenario.Scenario, f scenario.Fault) death.Kind {
	l, _ := sc.ListenerOf(f.Member)
	return f.Death.Actual(l.CloseOnSignal)
}

// handOffRule says in words which comes first for a death of this kind
// with these settings (the replays give the numbers).
func handOffRule(sc *scenario.Scenario, f scenario.Fault, l scenario.Listener) string {
	if l.Members < 2 {
		return aloneRule(f, l)
	}
	if actual(sc, f).CallsClose() {
		return "Close(): the server moves them to the other members at once and redelivers them 100 ms later"
	}
	w, ok := zombie(sc, f)
	if !ok {
		return "the settings cannot say when the server drops the member"
	}
	a := l.AckWait
	rem := fmt.Sprintf("removal (%s to %s after the death, %s) + 100 ms", short(w.Min), short(w.Max), w.Rule)
	switch {
	case a < w.Min:
		return fmt.Sprintf("AckWait expiry (%s after each was sent) before the %s; at each expiry the server may pick the dead member again", short(a), rem)
	case a > w.Max+time.Duration(removalRedelivery):
		return fmt.Sprintf("the %s, before AckWait (%s) expires", rem, short(a))
	}
	return fmt.Sprintf("whichever comes first of AckWait expiry (%s after each was sent) and the %s", short(a), rem)
}

// aloneRule is the hand-off of a group's only member.
func aloneRule(f scenario.Fault, l scenario.Listener) string {
	back := "no member takes them"
	if f.RestartAfter > 0 {
		back = fmt.Sprintf("the member comes back %s after the death", short(f.RestartAfter))
	}
	switch {
	case l.Durable != "":
		return "no other member: the durable group keeps them and redelivers them when a member subscribes again; " + back
	case f.Death.Actual(l.CloseOnSignal).CallsClose():
		return "no other member: the group is deleted with them; a member joining again with start: all gets the whole channel again (not flagged redelivered), with start: new never gets them; " + back
	}
	return "no other member: AckWait expiry hands them back to the dead member until the server drops it and deletes the group; " + back
}

// sentRule states the rule for the messages sent to the dead member.
func sentRule(sc *scenario.Scenario, f scenario.Fault, l scenario.Listener) string {
	if actual(sc, f).CallsClose() {
		return "none: after Close() the server no longer lists the member"
	}
	return fmt.Sprintf("to the member with the fewest unacknowledged that is neither stalled nor past a failed heartbeat, ties to list order; "+
		"it stalls at max_inflight %d, less what AckWait moves off it", l.MaxInflight)
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}

// short formats a duration without zero trailing units ("5m", not "5m0s").
func short(d time.Duration) string { return scenario.ShortDuration(d) }

// Ms formats milliseconds bounds: "500 ms to 750 ms", "4.2 s to 6 s".
func Ms(b Bounds) string {
	one := func(ms float64) string {
		if ms >= 1000 || ms <= -1000 {
			return num(ms/1000) + " s"
		}
		return fmt.Sprintf("%.0f ms", ms)
	}
	if b.Min == b.Max {
		return one(b.Min)
	}
	return one(b.Min) + " to " + one(b.Max)
}
