package predict

import "github.com/stansim/stansim/sim/scenario"

// HandOffUnknown is a program's hand-off: the replay cannot know it.
const HandOffUnknown = "unknown"

// ProgramRule says why only the zombie window is predicted for a member
// that is the scenario's own program.
const ProgramRule = "the member is the scenario's own program (mode: command): how long it processes a message and when it acks are its own, so only the zombie window (the server's side) is predicted"

// markPrograms keeps, for a death in a group of programs, only what the
// server's settings decide (the zombie window, the first failed
// heartbeat); the replay's guesses at the program's processing are
// dropped, as are the group's figures and the scenario's inversion total.
func markPrograms(sc *scenario.Scenario, out *Scenario) {
	prog := map[string]bool{}
	for _, l := range sc.Listeners {
		if l.Mode == scenario.ModeCommand {
			prog[l.Group] = true
		}
	}
	if len(prog) == 0 {
		return
	}
	for i, d := range out.Deaths {
		if prog[d.Group] {
			out.Deaths[i] = Death{Member: d.Member, Group: d.Group, Death: d.Death, AtMs: d.AtMs,
				ZombieMs: d.ZombieMs, ZombieRule: d.ZombieRule, FailedHeartbeatMs: d.FailedHeartbeatMs,
				Program: true, HandOff: HandOffUnknown, HandOffRule: ProgramRule, HandOffCauses: []string{}, SentRule: ProgramRule}
		}
	}
	for i, g := range out.Groups {
		if prog[g.Name] {
			out.Groups[i] = Group{Name: g.Name, Program: true}
		}
	}
	out.Inversions, out.InversionsUnknown = Bounds{}, true
}
