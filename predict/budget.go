package predict

import (
	"fmt"
	"strconv"

	"github.com/stansim/stansim/sim/scenario"
)

// Work is what Predict's replays of sc cost, in message replays: its
// messages times its queue groups times the replays it runs (the unit its
// own budget counts). It grows with the run, about 2 µs a unit.
func Work(sc *scenario.Scenario) int {
	return messages(sc) * max(len(sc.Listeners), 1) * len(variants(sc))
}

// ResolvedWithin is Resolved for a caller that may spend at most budget
// message replays (Work), such as the report of a run of a million
// events: a scenario that costs more is not replayed. Its deaths then
// carry only what the settings decide (the zombie window and the first
// failed heartbeat, as for a member program), their NotModelled saying
// why; its groups' figures and inversions are unknown. Which faults kill a
// live member comes from a replay of the faults alone, without messages:
// a member's life does not depend on them.
func ResolvedWithin(text string, budget int) (Scenario, bool) {
	sc, err := scenario.ParseScenario("run_start.resolved", []byte(text))
	if err != nil {
		return Scenario{}, false
	}
	if w := Work(sc); w > budget {
		return faultsOnly(sc, overBudget(sc, w, budget)), true
	}
	return Predict(sc), true
}

// overBudget says why a scenario is not replayed.
func overBudget(sc *scenario.Scenario, work, budget int) string {
	return fmt.Sprintf("the run is too large to replay here (%s messages × %s × %d replays = %s message replays, over the %s allowed); stansim predict replays it in full",
		thousands(messages(sc)), plural(max(len(sc.Listeners), 1), "queue group"), len(variants(sc)), thousands(work), thousands(budget))
}

// faultsOnly predicts sc's deaths from the settings alone, why saying
// why nothing else is predicted.
func faultsOnly(sc *scenario.Scenario, why string) Scenario {
	quiet := *sc
	quiet.Publishers = nil // channels come from the listeners too
	e := newEngine(&quiet, variant{process: processDraw, seed: 1})
	e.run()
	acc := newGather(sc)
	acc.add(e)
	out := Scenario{Name: sc.Name, Deaths: acc.deaths(sc), Groups: acc.groups(), InversionsUnknown: true}
	markUnmodelled(sc, &out) // a program's or JetStream's own reason first
	for i, d := range out.Deaths {
		if d.NotModelled == "" {
			out.Deaths[i] = Death{Member: d.Member, Group: d.Group, Death: d.Death, AtMs: d.AtMs,
				ZombieMs: d.ZombieMs, ZombieRule: d.ZombieRule, FailedHeartbeatMs: d.FailedHeartbeatMs,
				NotModelled: why, HandOff: HandOffUnknown, HandOffRule: why, HandOffCauses: []string{}, SentRule: why}
		}
	}
	for i, g := range out.Groups {
		if g.NotModelled == "" {
			out.Groups[i] = Group{Name: g.Name, NotModelled: why}
		}
	}
	return out
}

// thousands writes n with commas: 1,500,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// plural is "1 queue group" or "2 queue groups".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
