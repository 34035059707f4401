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
				Redelivered: e.IsRedelivered(), Redeliveries: e.RedeliveryCount(), Done: -1, Skip: -1,
			})
		case history.KindDone:
			m := a.message(e)
			g := e.Group
			if g == "" {
				g = memberGroup[e.Member]
			}
			d := Done{T: e.T, Member: e.Member, Group: g, Redeliveries: e.RedeliveryCount(), AckErr: e.AckErr, Delivery: -1, Line: i}
			if k := finishes(m, e); k >= 0 {
				d.Delivery, m.Deliveries[k].Done = k, len(m.Dones)
			}
			if e.AckErr != "" {
				a.Summary.AckErrors++
			}
			m.Dones = append(m.Dones, d)
		case history.KindSkip:
			m := a.message(e)
			sk := Skip{T: e.T, Member: e.Member, Group: e.Group, Delivery: -1, Next: -1}
			if e.Have != nil {
				sk.Have = *e.Have
			}
			if sk.Group == "" {
				sk.Group = memberGroup[e.Member]
			}
			if k := finishes(m, e); k >= 0 {
				sk.Delivery, m.Deliveries[k].Skip = k, len(m.Skips)
			}
			m.Skips = append(m.Skips, sk)
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
			if w, ok := a.Settings.Removal(e.Death); ok {
				d.Predicted = &w
			}
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
	a.Sample = sample
	a.linkSkips()
	a.resolveDeaths()
	a.handOffs()
	a.summarise()
	a.checkExpectations()
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

// finishes picks the delivery a done (or skip) line finishes: the member's latest
// unfinished delivery with the done's redelivery count, else its latest
// unfinished one; -1 if none. The count matters when a slow member holds two
// copies of an id (AckWait ran out while the first was still queued): it
// works in arrival order, so its first done is the original's, not the
// newer redelivered copy's.
func finishes(m *Message, e *history.Event) int {
	found := -1
	for k := len(m.Deliveries) - 1; k >= 0; k-- {
		dl := &m.Deliveries[k]
		if dl.Member != e.Member || dl.Done >= 0 || dl.Skip >= 0 || dl.T > e.T {
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

// String is a short human description of the message, e.g. "#17 (pub-k3 v4)".
func (m *Message) String() string {
	if m.Seq > 0 {
		return fmt.Sprintf("#%d (%s v%d)", m.Seq, m.Key, m.Ver)
	}
	return fmt.Sprintf("%s (%s v%d)", m.ID, m.Key, m.Ver)
}

// linkSkips finds, for each skip, the group's next copy of the message.
func (a *Analysis) linkSkips() {
	for _, m := range a.Messages {
		for i := range m.Skips {
			sk := &m.Skips[i]
			for k := range m.Deliveries {
				if dl := &m.Deliveries[k]; dl.Group == sk.Group && dl.T > sk.T && (sk.Delivery < 0 || k > sk.Delivery) {
					sk.Next = k
					break
				}
			}
		}
	}
}
