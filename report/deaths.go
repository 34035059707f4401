package report

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// deaths explains each injected death: how long the server kept the member,
// what it held and what it was sent meanwhile.
func (x *explainer) deaths() Section {
	s := Section{Kind: "deaths", Title: "Deaths and what the server made of them", Noun: "death", Total: len(x.a.Deaths)}
	if len(x.a.Deaths) == 0 {
		return s
	}
	g := Group{Cause: CauseDeath, Total: len(x.a.Deaths)}
	for _, d := range x.a.Deaths {
		if len(g.Items) == MaxItems {
			break
		}
		it := x.death(d)
		it.Count = 1
		g.Items = append(g.Items, it)
	}
	s.Groups = []Group{g}
	return s
}

func (x *explainer) death(d *analyze.Death) Item {
	var parts []string
	if d.Kind == history.DeathGraceful {
		parts = append(parts, fmt.Sprintf("%s closed gracefully at %s", d.Member, secs(d.T)))
		if d.Removed >= 0 {
			parts = append(parts, fmt.Sprintf("the server dropped it by %s", secs(d.Removed)))
		} else {
			parts = append(parts, "the server still listed it when the run ended")
		}
	} else {
		if d.Kind == history.DeathHang {
			parts = append(parts, fmt.Sprintf("%s hung at %s (frozen as under SIGSTOP: connected, answering nothing)", d.Member, secs(d.T)))
		} else {
			parts = append(parts, fmt.Sprintf("%s was killed (%s death) at %s", d.Member, d.Kind, secs(d.T)))
		}
		if d.Removed >= 0 {
			p := fmt.Sprintf("the server listed it until %s, %s later", secs(d.Removed), secs(d.Removed-d.T))
			if st := x.a.Settings; st.Known && st.Heartbeat.Interval > 0 {
				lo, hi := st.Heartbeat.RemovalWindowFor(d.Kind)
				wait := ""
				if d.Kind == history.DeathHang {
					wait = fmt.Sprintf(", each waiting %s,", st.Heartbeat.Timeout)
				}
				p += fmt.Sprintf(" (heartbeats every %s%s failing %d times predict %s to %s)", st.Heartbeat.Interval, wait, st.Heartbeat.FailCount, secs(int64(lo)), secs(int64(hi)))
			}
			parts = append(parts, p)
		} else {
			parts = append(parts, "the server still listed it when the run ended")
		}
	}
	held, sent := x.heldBy(d)
	if len(held) > 0 {
		parts = append(parts, fmt.Sprintf("it held %s unacknowledged (%s)", count(len(held), "message"), msgList(held, 5)))
	}
	if len(sent) > 0 {
		parts = append(parts, fmt.Sprintf("while dead it was most likely sent %s (%s)", count(len(sent), "message"), msgList(sent, 5)))
	}
	if d.Restart >= 0 {
		parts = append(parts, fmt.Sprintf("it came back at %s", secs(d.Restart)))
	}
	ids := make([]string, 0, len(held)+len(sent))
	for _, m := range append(append([]*analyze.Message(nil), held...), sent...) {
		ids = append(ids, m.ID)
	}
	return Item{Sentence: strings.Join(parts, "; ") + ".", Group: d.Group, Messages: ids, Members: []string{d.Member}, T: d.T}
}

// heldBy lists the messages d's member had received but not done when it
// died, and those the server most likely sent it while it was dead.
func (x *explainer) heldBy(d *analyze.Death) (held, sent []*analyze.Message) {
	var up int64 = -1 << 62
	if mb := x.a.Member(d.Member); mb != nil {
		for _, sp := range mb.Spans {
			if sp.Up <= d.T {
				up = sp.Up
			}
		}
	}
	for _, m := range x.a.Messages {
		for k := range m.Deliveries {
			dl := &m.Deliveries[k]
			if dl.Group != d.Group {
				continue
			}
			if dl.Member == d.Member && dl.T >= up && dl.T <= d.T && dl.Done < 0 {
				held = append(held, m)
				break
			}
			if dl.Redelivered && k == firstIn(m, d.Group) && x.zombieHolder(m, d.Group, dl.T) == d {
				sent = append(sent, m)
				break
			}
		}
	}
	return held, sent
}

func firstIn(m *analyze.Message, g string) int {
	for k := range m.Deliveries {
		if m.Deliveries[k].Group == g {
			return k
		}
	}
	return -1
}
