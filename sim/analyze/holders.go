package analyze

import "github.com/stansim/stansim/sim/scenario"

// This file holds the one rule for who held a message when a member died,
// which dead member the server sent a message to, and why each redelivered
// copy came (ARCHITECTURE.md, "One analysis"). Charts, reports and diagrams
// read Delivery.After, Delivery.Cause, Message.Unseen, Death.Held and
// Death.Sent; none of them works these out again.

// wireSlack is how long after a publish a member may die with the message
// still on its way to it: the send happened, the member never saw it.
const wireSlack = int64(20e6)

// HandOffSlack is how long before the server's removal of a dead member (as
// sampled) a copy still counts as handed off by that removal: the server
// hands messages over about 100 ms after dropping the client, and a sample
// can see the removal up to one interval late.
const HandOffSlack = int64(150e6)

// resolveDeaths fills in each death's group, removal and restart.
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

// prevCopy is the last copy of a message a group handed out, as far as the
// history shows.
type prevCopy struct {
	member       string
	t            int64
	redeliveries int
	doneT        int64 // when that copy was done; -1 if never
}

// handOffs walks every message's deliveries per group and says, for each
// copy, whose death (if any) it followed and why it came; sends to dead
// members are inferred on the way. Then each death learns what it held and
// what it was sent.
func (a *Analysis) handOffs() {
	v := a.store.walker()
	for i, r := range a.store.order {
		m := a.store.get(r, &v)
		a.handOff(m)
		if m.view && changedView(m) {
			a.promote(i, m) // the rules changed a plain message: keep it whole
			v.reset()       // and the view is rebuilt from scratch
		}
	}
	for _, d := range a.Deaths {
		d.Held, d.Sent = a.heldBy(d), a.sentTo(d)
	}
}

// changedView reports whether the hand-off rules set anything on m, a plain
// message's rebuilt view: what a plain record cannot hold.
func changedView(m *Message) bool {
	dl := &m.Deliveries[0]
	return len(m.Unseen) > 0 || dl.After != nil || dl.Cause != "" || dl.Thawed
}

// handOff works out m's copies: whose death each followed, why it came,
// the sends to dead members.
func (a *Analysis) handOff(m *Message) {
	prev := map[string]prevCopy{}
	for k := range m.Deliveries {
		dl := &m.Deliveries[k]
		p, seen := prev[dl.Group]
		switch {
		case !seen && dl.Redelivered && m.PublishT >= 0:
			// Redelivered at its first sighting: the first copy went to
			// a member that was dead but still listed.
			if d := a.deadListed(dl.Group, m.PublishT, dl.T); d != nil {
				a.infer(m, d, m.PublishT, dl.Redeliveries-1, dl.T)
				dl.After = d
			}
		case seen:
			// The previous holder died still holding it (a copy it had
			// done was no longer its to hand off).
			if d := a.DeathOf(p.member, dl.T); d != nil && d.T >= p.t && (p.doneT < 0 || p.doneT > d.T) {
				dl.After = d
				a.inferResends(m, d, p.t, dl.Redeliveries-p.redeliveries-1, dl.T)
			}
		}
		if dl.Redelivered {
			dl.Cause = a.cause(dl.After, dl.T)
		}
		pc := prevCopy{member: dl.Member, t: dl.T, redeliveries: dl.Redeliveries, doneT: -1}
		if dl.Done >= 0 {
			pc.doneT = m.Dones[dl.Done].T
		}
		prev[dl.Group] = pc
	}
	a.inferUndelivered(m, prev)
	a.markThawed(m)
}

// inferUndelivered infers the sends of a message that some group reading
// its channel never showed at all: the server gave it to a dead member.
func (a *Analysis) inferUndelivered(m *Message, seen map[string]prevCopy) {
	if !m.Acked || m.PublishT < 0 {
		return
	}
	for _, g := range a.readers(m.Channel) {
		if _, ok := seen[g]; ok {
			continue
		}
		if d := a.deadListed(g, m.PublishT, a.End); d != nil {
			a.infer(m, d, m.PublishT, -1, a.End)
		}
	}
}

// deadListed returns the death in group whose member most likely got a
// message published at pub and first seen elsewhere at seen: dead by then
// (or dying with the message on the wire), subscribed and still listed by
// the server at pub. A member that called Close() is dropped at once, so it
// gets nothing published after its death. Of several, the latest death
// wins: the server favours members without a failed heartbeat.
func (a *Analysis) deadListed(group string, pub, seen int64) *Death {
	var found *Death
	for _, d := range a.Deaths {
		switch {
		case d.Group != group || d.T > seen || d.T > pub+wireSlack:
			continue
		case d.Removed >= 0 && d.Removed < pub:
			continue
		case d.Kind.CallsClose() && pub > d.T:
			continue
		case !a.subscribedAt(d, pub):
			continue
		}
		found = d
	}
	return found
}

// subscribedAt reports whether the life that died in d was up at t.
func (a *Analysis) subscribedAt(d *Death, t int64) bool {
	mb := a.Member(d.Member)
	if mb == nil {
		return true
	}
	for _, s := range mb.Spans {
		if s.Client == d.Client || (d.Client == "" && s.Up <= d.T) {
			return s.Up <= t
		}
	}
	return true
}

// infer adds the first, unseen send of m to dead member d at t, and its
// resends at AckWait expiry (resends of them; -1 = as many as fit before
// the removal or before).
func (a *Analysis) infer(m *Message, d *Death, t int64, resends int, before int64) {
	m.Unseen = append(m.Unseen, Send{T: t, Death: d})
	a.inferResends(m, d, t, resends, before)
}

// inferResends adds up to n resends of m to dead member d, one every
// AckWait after from, while the server still listed it and before the
// copy seen at before (n < 0: no limit but those).
func (a *Analysis) inferResends(m *Message, d *Death, from int64, n int, before int64) {
	if a.Settings.AckWait(d.Group) <= 0 {
		return
	}
	t := from
	for k := 1; n < 0 || k <= n; k++ {
		t += int64(a.Settings.Redelivery(d.Group, k))
		if t <= d.T || t >= before-HandOffSlack || (d.Removed >= 0 && t > d.Removed) {
			if t <= d.T {
				continue
			}
			break
		}
		m.Unseen = append(m.Unseen, Send{T: t, Death: d, Redelivered: true})
	}
}

// cause says why a redelivered copy delivered at t came: the previous
// holder's Close(), its removal by the server, or AckWait expiry.
func (a *Analysis) cause(after *Death, t int64) string {
	switch {
	case after == nil:
		return CauseAckWait
	case a.Settings.JetStream:
		// JetStream hands nothing over at a removal: held messages wait
		// AckWait from their delivery, unless a graceful death naked them.
		if after.Kind.CallsClose() && a.Settings.Groups[after.Group].OnClose == scenario.OnCloseNak {
			return CauseClose
		}
		return CauseAckWait
	case after.Kind.CallsClose():
		return CauseClose
	case after.Removed >= 0 && t >= after.Removed-a.Sample-HandOffSlack:
		return CauseRemoval
	}
	return CauseAckWait
}

// heldBy lists the messages d's member received in the life that died and
// had not done when it died (a resumed hang may do them afterwards).
func (a *Analysis) heldBy(d *Death) []*Message {
	up := int64(-1 << 62)
	if mb := a.Member(d.Member); mb != nil {
		for _, sp := range mb.Spans {
			if sp.Up <= d.T {
				up = sp.Up
			}
		}
	}
	var held []*Message
	v := a.store.walker()
	for i, r := range a.store.order {
		m := a.store.get(r, &v)
		for k := range m.Deliveries {
			dl := &m.Deliveries[k]
			undone := dl.Done < 0 || m.Dones[dl.Done].T > d.T // a resumed member may do it later
			if dl.Group == d.Group && dl.Member == d.Member && dl.T >= up && dl.T <= d.T && undone {
				held = append(held, a.promote(i, m)) // (the builder keeps these whole)
				break
			}
		}
	}
	return held
}

// sentTo lists the messages whose first copy went to d's member while dead.
func (a *Analysis) sentTo(d *Death) []*Message {
	var sent []*Message
	for m := range a.All() {
		for _, s := range m.Unseen { // a plain message has none: m is whole
			if s.Death == d && !s.Redelivered {
				sent = append(sent, m)
				break
			}
		}
	}
	return sent
}

// Resumed reports whether d's member came back in the same connection (a
// hang thawed, as by SIGCONT) rather than restarting with a new client:
// d.Restart is then a resume. False when the member never came back.
func (a *Analysis) Resumed(d *Death) bool {
	if d.Restart < 0 || d.Client == "" {
		return false
	}
	if mb := a.Member(d.Member); mb != nil {
		for _, s := range mb.Spans {
			if s.Up == d.Restart {
				return s.Client == d.Client
			}
		}
	}
	return false
}

// markThawed finds the copies a resumed hung member read once thawed: an
// unflagged delivery to the member, in the life that hung, at or after its
// resume, of a message the analysis says was sent to it while frozen.
func (a *Analysis) markThawed(m *Message) {
	for _, u := range m.Unseen {
		d := u.Death
		if !a.Resumed(d) {
			continue
		}
		for k := range m.Deliveries {
			if dl := &m.Deliveries[k]; dl.Member == d.Member && dl.Group == d.Group && dl.T >= d.Restart && !dl.Redelivered == !u.Redelivered {
				dl.Thawed = true
				break
			}
		}
	}
}
