package report

import (
	"fmt"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// story is how a message travelled within one group up to a delivery.
type story struct {
	parts   []string
	death   *analyze.Death // the first death that held it up
	cause   string         // CauseDeath, CauseAckWait, CauseUnflagged or ""
	members []string
}

func (s *story) member(name string) {
	for _, m := range s.members {
		if m == name {
			return
		}
	}
	s.members = append(s.members, name)
}

// travel tells the deliveries of m in group g up to delivery index upto.
func (x *explainer) travel(m *analyze.Message, g string, upto int) *story {
	s := &story{}
	var steps []*analyze.Delivery
	for k := 0; k <= upto && k < len(m.Deliveries); k++ {
		if d := &m.Deliveries[k]; d.Group == g {
			steps = append(steps, d)
		}
	}
	if len(steps) == 0 {
		return s
	}
	told := map[*analyze.Death]bool{}
	first := steps[0]
	if first.Redelivered {
		// The first copy this history saw was already a redelivery: the
		// server sent it before to a member that recorded nothing, a dead
		// one it still listed.
		if d := x.zombieHolder(m, g, first.T); d != nil {
			s.parts = append(s.parts, fmt.Sprintf("%s was published at %s while %s was dead (%s at %s) but still listed, so the server most likely sent it there",
				m, secs(m.PublishT), d.Member, deathVerb(d), secs(d.T)))
			s.parts = append(s.parts, removalPart(d))
			s.death, s.cause, told[d] = d, CauseDeath, true
			s.member(d.Member)
			s.parts = append(s.parts, fmt.Sprintf("%s reached %s at %s", short(m), first.Member, secs(first.T)))
		} else {
			s.parts = append(s.parts, fmt.Sprintf("%s first reached %s at %s already flagged redelivered (an earlier delivery went unrecorded)",
				m, first.Member, secs(first.T)))
			s.cause = CauseAckWait
		}
	} else {
		s.parts = append(s.parts, fmt.Sprintf("%s reached %s at %s", m, first.Member, secs(first.T)))
	}
	s.member(first.Member)
	const maxSteps = 4
	for i := 1; i < len(steps); i++ {
		prev, next := steps[i-1], steps[i]
		if i == maxSteps && len(steps) > maxSteps+1 {
			s.parts = append(s.parts, fmt.Sprintf("it was delivered %d more times", len(steps)-1-i))
			i = len(steps) - 1
			prev, next = steps[i-1], steps[i]
		}
		s.member(next.Member)
		d := x.a.DeathOf(prev.Member, next.T)
		died := d != nil && d.T >= prev.T
		switch {
		case died && !told[d]:
			told[d] = true
			if s.death == nil {
				s.death, s.cause = d, CauseDeath
			}
			s.parts = append(s.parts, fmt.Sprintf("%s was %s at %s", d.Member, deathVerb(d), secs(d.T)))
			if d.Kind != history.DeathGraceful {
				s.parts = append(s.parts, removalPart(d))
			}
			s.parts = append(s.parts, fmt.Sprintf("%s reached %s at %s", short(m), next.Member, secs(next.T)))
		case died:
			s.parts = append(s.parts, fmt.Sprintf("%s reached %s at %s", short(m), next.Member, secs(next.T)))
		case !next.Redelivered:
			if s.cause == "" {
				s.cause = CauseUnflagged
			}
			s.parts = append(s.parts, fmt.Sprintf("%s reached %s again at %s, not flagged redelivered", short(m), next.Member, secs(next.T)))
		default:
			if s.cause == "" {
				s.cause = CauseAckWait
			}
			s.parts = append(s.parts, fmt.Sprintf("%s ran out while %s still had it, and %s reached %s at %s", x.ackWait(g), prev.Member, short(m), next.Member, secs(next.T)))
		}
	}
	return s
}

// zombieHolder finds the dead member of group g that the server most likely
// sent m to: dead before the visible delivery at t and still listed when m
// was published. The latest such death wins.
func (x *explainer) zombieHolder(m *analyze.Message, g string, t int64) *analyze.Death {
	var found *analyze.Death
	for _, d := range x.a.Deaths {
		if d.Group == g && d.T <= t && (d.Removed < 0 || d.Removed >= m.PublishT) {
			found = d
		}
	}
	return found
}

func deathVerb(d *analyze.Death) string {
	switch d.Kind {
	case history.DeathGraceful:
		return "closed"
	case history.DeathHang:
		return "hung"
	}
	return "killed"
}

func removalPart(d *analyze.Death) string {
	if d.Removed < 0 {
		return "the server still listed it when the run ended"
	}
	return "the server listed it until " + secs(d.Removed)
}

func (x *explainer) ackWait(g string) string {
	if s := x.a.Settings; s.Known {
		if gs, ok := s.Groups[g]; ok && gs.AckWait > 0 {
			return fmt.Sprintf("AckWait (%s)", gs.AckWait)
		}
	}
	return "AckWait"
}

// endClause says how the run ended: "the run was interrupted at 0.46 s".
func (x *explainer) endClause() string {
	end := x.a.End
	if e := x.a.Log.End; e != nil {
		end = e.T
	}
	switch x.a.Log.Reason() {
	case history.ReasonInterrupted:
		return "the run was interrupted at " + secs(end)
	case history.ReasonTimeout:
		return "the run hit its time limit at " + secs(end)
	}
	return "the run ended at " + secs(end)
}
