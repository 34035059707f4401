package analyze

import (
	"fmt"

	"github.com/stansim/stansim/sim/history"
)

// Analyze derives an Analysis from a history read back with history.Read.
func Analyze(l *history.Log) *Analysis {
	a := &Analysis{Log: l, ByID: map[string]*Message{}, Settings: ReadSettings(l.Start)}
	memberGroup := map[string]string{}
	var sample int64
	if l.Start != nil {
		sample = l.Start.SampleInterval
	}
	for i := range l.Events {
		e := &l.Events[i]
		a.End = max(a.End, e.T)
		if e.Member != "" && e.Group != "" {
			memberGroup[e.Member] = e.Group
		}
		switch e.Ev {
		case history.KindPublish:
			if a.ByID[e.ID] == nil {
				m := &Message{ID: e.ID, Pub: e.Pub, Channel: e.Channel, Key: e.Key, Ver: e.Ver, PublishT: e.T, AckT: -1}
				a.ByID[e.ID] = m
				a.Messages = append(a.Messages, m)
			}
		case history.KindPublishAck:
			if m := a.ByID[e.ID]; m != nil && m.AckT < 0 {
				m.AckT, m.AckErr, m.Acked = e.T, e.Err, e.Err == ""
			}
		case history.KindDeliver:
			a.Summary.Delivered++
			if e.IsRedelivered() {
				a.Summary.Redelivered++
			}
			m := a.message(e)
			if m.Seq == 0 {
				m.Seq = e.Seq
			}
			m.Deliveries = append(m.Deliveries, Delivery{
				T: e.T, Member: e.Member, Group: e.Group, Seq: e.Seq,
				Redelivered: e.IsRedelivered(), Redeliveries: e.RedeliveryCount(), Done: -1,
			})
		case history.KindDone:
			m := a.message(e)
			g := e.Group
			if g == "" {
				g = memberGroup[e.Member]
			}
			d := Done{T: e.T, Member: e.Member, Group: g, Redeliveries: e.RedeliveryCount(), AckErr: e.AckErr, Delivery: -1}
			if k := finishes(m, e); k >= 0 {
				d.Delivery, m.Deliveries[k].Done = k, len(m.Dones)
			}
			if e.AckErr != "" {
				a.Summary.AckErrors++
			}
			m.Dones = append(m.Dones, d)
		case history.KindMemberUp:
			mb := a.member(e.Member, memberGroup[e.Member])
			mb.Spans = append(mb.Spans, Span{Client: e.Client, Up: e.T, Down: -1})
		case history.KindMemberDown:
			mb := a.member(e.Member, memberGroup[e.Member])
			if n := len(mb.Spans); n > 0 && mb.Spans[n-1].Down < 0 {
				mb.Spans[n-1].Down, mb.Spans[n-1].Death = e.T, e.Death
			}
		case history.KindFault:
			d := &Death{Member: e.Member, Group: memberGroup[e.Member], Kind: e.Death, Client: e.Client, T: e.T, Removed: -1, Restart: -1}
			if mb := a.Member(e.Member); d.Client == "" && mb != nil && len(mb.Spans) > 0 {
				d.Client = mb.Spans[len(mb.Spans)-1].Client
			}
			a.Deaths = append(a.Deaths, d)
		case history.KindServerView:
			v := View{T: e.T, Subs: e.Subs, Err: e.ViewErr, Clients: make(map[string]bool, len(e.Clients))}
			for _, c := range e.Clients {
				v.Clients[c] = true
			}
			a.Views = append(a.Views, v)
		}
	}
	a.resolveDeaths()
	a.classifyRedeliveries(sample)
	a.summarise()
	return a
}

// message finds the message a deliver/done line names, creating a stub for
// an id the history never saw published (kept out of the counts).
func (a *Analysis) message(e *history.Event) *Message {
	if m := a.ByID[e.ID]; m != nil {
		return m
	}
	m := &Message{ID: e.ID, Key: e.Key, Ver: e.Ver, Channel: e.Channel, PublishT: -1, AckT: -1}
	a.ByID[e.ID] = m
	return m
}

// finishes picks the delivery a done line finishes: the member's latest
// unfinished delivery with the done's redelivery count, else its latest
// unfinished one; -1 if none. The count matters when a slow member holds two
// copies of an id (AckWait ran out while the first was still queued): it
// works in arrival order, so its first done is the original's, not the
// newer redelivered copy's.
func finishes(m *Message, e *history.Event) int {
	found := -1
	for k := len(m.Deliveries) - 1; k >= 0; k-- {
		dl := &m.Deliveries[k]
		if dl.Member != e.Member || dl.Done >= 0 || dl.T > e.T {
			continue
		}
		if e.Redeliveries == nil || dl.Redeliveries == *e.Redeliveries {
			return k
		}
		if found < 0 {
			found = k
		}
	}
	return found
}

func (a *Analysis) member(name, group string) *Member {
	if m := a.Member(name); m != nil {
		if m.Group == "" {
			m.Group = group
		}
		return m
	}
	m := &Member{Name: name, Group: group}
	a.Members = append(a.Members, m)
	return m
}

func (a *Analysis) resolveDeaths() {
	for _, d := range a.Deaths {
		for _, v := range a.Views {
			if v.T >= d.T && v.Err == "" && !v.Clients[d.Client] {
				d.Removed = v.T
				break
			}
		}
		if mb := a.Member(d.Member); mb != nil {
			if d.Group == "" {
				d.Group = mb.Group
			}
			for _, s := range mb.Spans {
				if s.Up > d.T {
					d.Restart = s.Up
					break
				}
			}
		}
	}
}

// classifyRedeliveries says, for each redelivered copy, whether the previous
// holder's death handed it off or its AckWait ran out.
func (a *Analysis) classifyRedeliveries(sample int64) {
	const slack = int64(150e6) // handoff follows removal by ~100 ms
	for _, m := range a.Messages {
		for k := range m.Deliveries {
			d := &m.Deliveries[k]
			if !d.Redelivered {
				continue
			}
			d.Cause = CauseAckWait
			death := a.holderDeath(m, k)
			switch {
			case death == nil:
			case death.Kind == history.DeathGraceful:
				d.Cause = CauseClose
			case death.Removed >= 0 && d.T >= death.Removed-sample-slack:
				d.Cause = CauseRemoval
			}
		}
	}
}

// holderDeath is the death of the member that held the copy before
// delivery k, or nil when that holder was alive (then only AckWait explains
// the redelivery). The holder is the member of the previous delivery in the
// same group. Without one, the copy went to a member that was already dead,
// since a dead member records nothing: the earliest death in the group, at or
// before the redelivery, whose client the server still listed when the
// message was published.
func (a *Analysis) holderDeath(m *Message, k int) *Death {
	d := &m.Deliveries[k]
	for j := k - 1; j >= 0; j-- {
		if prev := &m.Deliveries[j]; prev.Group == d.Group {
			if death := a.DeathOf(prev.Member, d.T); death != nil && death.T >= prev.T {
				return death
			}
			return nil
		}
	}
	for _, death := range a.Deaths {
		if death.Group == d.Group && death.T <= d.T && (death.Removed < 0 || death.Removed >= m.PublishT) {
			return death
		}
	}
	return nil
}

func (a *Analysis) summarise() {
	s := &a.Summary
	if st := a.Log.Start; st != nil {
		s.Scenario = st.Scenario
	}
	s.Reason = a.Log.Reason()
	s.Truncated = a.Log.Truncated
	if a.Log.End != nil {
		s.DurationMs = Ms(a.Log.End.T)
	} else {
		s.DurationMs = Ms(a.End)
	}
	var e2e, redeliv []float64
	for _, m := range a.Messages {
		if m.AckErr != "" {
			s.PublishErrors++
		}
		if !m.Acked {
			continue
		}
		s.Published++
		first := m.FirstDone()
		if first == nil {
			s.Lost++
			continue
		}
		s.Processed++
		if duplicated(m) {
			s.Duplicates++
		}
		e2e = append(e2e, Ms(first.T-m.PublishT))
		if first.Delivery >= 0 && m.Deliveries[first.Delivery].Redelivered {
			redeliv = append(redeliv, Ms(m.Deliveries[first.Delivery].T-m.PublishT))
		}
	}
	s.EndToEndMs = NewQuantiles(e2e)
	s.RedeliveryDelayMs = NewQuantiles(redeliv)
	s.OutOfOrder, a.Inversions = outOfOrder(a.Messages)
	s.ZombieWindows = []ZombieWindow{}
	for _, d := range a.Deaths {
		z := ZombieWindow{Member: d.Member, Death: d.Kind, AtMs: Ms(d.T)}
		if d.Removed >= 0 {
			z.Ms = ptr(Ms(d.Removed - d.T))
		}
		s.ZombieWindows = append(s.ZombieWindows, z)
	}
}

// duplicated reports whether one group finished the id twice or more.
func duplicated(m *Message) bool {
	seen := map[string]bool{}
	for _, d := range m.Dones {
		if seen[d.Group] {
			return true
		}
		seen[d.Group] = true
	}
	return false
}

// String is a short human description of the message, e.g. "#17 (pub-k3 v4)".
func (m *Message) String() string {
	if m.Seq > 0 {
		return fmt.Sprintf("#%d (%s v%d)", m.Seq, m.Key, m.Ver)
	}
	return fmt.Sprintf("%s (%s v%d)", m.ID, m.Key, m.Ver)
}
