package report

import (
	"fmt"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// story is how a message travelled within one group up to a delivery, told
// from the analysis's hand-offs (Delivery.After and Delivery.Cause).
type story struct {
	parts   []string
	death   *analyze.Death // the first death that held it up
	cause   string         // CauseDeath, CauseAckWait, CauseUnflagged or ""
	members []string
	told    map[*analyze.Death]bool // deaths already narrated
}

func (s *story) member(name string) {
	for _, m := range s.members {
		if m == name {
			return
		}
	}
	s.members = append(s.members, name)
}

func (s *story) add(format string, args ...any) {
	s.parts = append(s.parts, fmt.Sprintf(format, args...))
}

// blame records d as the story's cause unless an earlier one was found.
func (s *story) blame(d *analyze.Death) {
	if s.death == nil {
		s.death, s.cause = d, CauseDeath
	}
}

// travel tells the deliveries of m in group g up to delivery index upto.
func (x *explainer) travel(m *analyze.Message, g string, upto int) *story {
	s := &story{told: map[*analyze.Death]bool{}}
	var steps []*analyze.Delivery
	for k := 0; k <= upto && k < len(m.Deliveries); k++ {
		if d := &m.Deliveries[k]; d.Group == g {
			steps = append(steps, d)
		}
	}
	if len(steps) == 0 {
		return s
	}
	first := steps[0]
	switch {
	case first.After != nil:
		// The first copy this history saw followed a send to a member
		// that was dead but still listed, which recorded nothing.
		x.sentDead(s, m, first.After)
		x.handOff(s, m, g, first)
	case first.Redelivered:
		s.add("%s first reached %s at %s already flagged redelivered (an earlier delivery went unrecorded)", m, first.Member, secs(first.T))
		s.cause = CauseAckWait
	default:
		s.add("%s reached %s at %s", m, first.Member, secs(first.T))
	}
	s.member(first.Member)
	const maxSteps = 4
	for i := 1; i < len(steps); i++ {
		prev, next := steps[i-1], steps[i]
		if i == maxSteps && len(steps) > maxSteps+1 {
			s.add("it was delivered %d more times", len(steps)-1-i)
			i = len(steps) - 1
			prev, next = steps[i-1], steps[i]
		}
		s.member(next.Member)
		switch {
		case next.After != nil && !s.told[next.After]:
			d := next.After
			s.add("%s %s at %s", d.Member, d.Info().Verb, secs(d.T))
			x.resends(s, m, d)
			x.handOff(s, m, g, next)
		case next.After != nil:
			s.add("%s reached %s at %s", short(m), next.Member, secs(next.T))
		case next.Thawed:
			s.add("%s read %s only when it resumed, at %s: the copy the server had sent it while it was frozen", next.Member, short(m), secs(next.T))
		case !next.Redelivered:
			if s.cause == "" {
				s.cause = CauseUnflagged
			}
			s.add("%s reached %s again at %s, not flagged redelivered", short(m), next.Member, secs(next.T))
		default:
			if s.cause == "" {
				s.cause = CauseAckWait
			}
			s.add("%s ran out while %s still had it, and %s reached %s at %s", x.ackWait(g), prev.Member, short(m), next.Member, secs(next.T))
		}
	}
	return s
}

// sentDead tells the unseen send of m to d's member (Message.Unseen).
func (x *explainer) sentDead(s *story, m *analyze.Message, d *analyze.Death) {
	if d.T <= m.PublishT {
		s.add("%s was published at %s while %s was dead (%s at %s) but still listed, so the server most likely sent it there",
			m, secs(m.PublishT), d.Member, d.Info().Noun, secs(d.T))
	} else {
		s.add("%s was published at %s and most likely sent to %s, which %s at %s before it could record it",
			m, secs(m.PublishT), d.Member, d.Info().Verb, secs(d.T))
	}
	x.resends(s, m, d)
	s.member(d.Member)
}

// resends tells how often the server resent m to d's dead member as
// AckWait ran out (the redelivered sends of Message.Unseen).
func (x *explainer) resends(s *story, m *analyze.Message, d *analyze.Death) {
	n := 0
	for _, u := range m.Unseen {
		if u.Death == d && u.Redelivered {
			n++
		}
	}
	if n > 0 {
		s.add("as %s ran out the server resent it there %s", x.ackWait(d.Group), times(n))
	}
}

// handOff tells how the copy dl, which followed the death dl.After, came:
// by the dead member's Close(), by the server's removal of it, or at
// AckWait expiry while the server still listed it (Delivery.Cause).
func (x *explainer) handOff(s *story, m *analyze.Message, g string, dl *analyze.Delivery) {
	d := dl.After
	s.told[d] = true
	s.blame(d)
	s.member(d.Member)
	switch dl.Cause {
	case analyze.CauseRemoval:
		s.parts = append(s.parts, removalPart(d))
		s.add("%s reached %s at %s", short(m), dl.Member, secs(dl.T))
	case analyze.CauseClose:
		s.add("the server handed %s to %s at %s", short(m), dl.Member, secs(dl.T))
	case analyze.CauseAckWait:
		if d.Removed >= 0 && dl.T > d.Removed {
			// JetStream: the removal hands nothing over; AckWait did.
			s.add("%s ran out after the server had dropped %s at %s, and %s reached %s at %s", x.ackWait(g), d.Member, secs(d.Removed), short(m), dl.Member, secs(dl.T))
			break
		}
		s.add("%s ran out while the server still listed %s, and %s reached %s at %s", x.ackWait(g), d.Member, short(m), dl.Member, secs(dl.T))
	case "":
		s.add("%s reached %s again at %s, not flagged redelivered", short(m), dl.Member, secs(dl.T))
	default:
		s.add("%s reached %s at %s (%s)", short(m), dl.Member, secs(dl.T), dl.Cause)
	}
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
	end := endTime(x.a)
	switch x.a.Log.Reason() {
	case history.ReasonInterrupted:
		return "the run was interrupted at " + secs(end)
	case history.ReasonTimeout:
		return "the run hit its time limit at " + secs(end)
	}
	return "the run ended at " + secs(end)
}
