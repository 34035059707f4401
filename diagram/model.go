package diagram

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
)

// Lane kinds, in the order lanes are laid out.
const (
	lanePublisher = iota
	laneChannel
	laneMember
)

// lane is one column of the sequence diagram.
type lane struct {
	Name string // publisher, channel or member name
	Role string // shown under the name
	Kind int
}

// msgView is one published message as the diagram names it.
type msgView struct {
	M     *analyze.Message
	Seq   uint64 // server sequence, inferred from publish order when never delivered
	Label string // "#6 k1 v6"
	Short string // "v6" on a single key, "k1 v6" otherwise
}

// send is one time the server handed a message to a member: a recorded
// delivery, or a send to a dead member inferred from what happened next.
type send struct {
	T           int64
	Member      string
	Msg         *msgView
	Redelivered bool
	Cause       string // analyze.Cause* for redelivered copies
	Inferred    bool   // never recorded: the member was dead
}

// bar is one stretch of processing on a member: from the moment its worker
// took the message to the done, to the skip (a version check did not apply
// it), or to the member's death (Cut).
type bar struct {
	Member   string
	From, To int64
	Msg      *msgView
	Done     bool
	Skip     bool // ended in a skip
	Cut      bool // ended by the member's death or the end of the run
}

// doneView is one done line; After lists the higher versions of the same
// key that were done before it (out of order), in done order.
type doneView struct {
	Member      string
	T           int64
	Msg         *msgView
	Redelivered bool
	After       []*msgView
}

// panelView is everything one panel draws, derived from one analysis.
type panelView struct {
	Name, Title string
	A           *analyze.Analysis
	Lanes       []lane
	Msgs        []*msgView // in publish order
	Sends       []send     // in time order
	Bars        []bar
	Dones       []doneView // in time order
	Skips       []skipView // in time order
	Deaths      []*analyze.Death
	End         int64 // the run's last event
	// Content is the time of the last thing worth drawing (a delivery, a
	// done, a death or a removal).
	Content  int64
	MultiKey bool
}

// newPanelView derives a panel from an analysis.
func newPanelView(name, title string, a *analyze.Analysis) *panelView {
	pv := &panelView{Name: name, Title: title, A: a, End: a.End, Deaths: a.Deaths}
	if a.Log != nil && a.Log.End != nil {
		pv.End = a.Log.End.T
	}
	pv.lanes()
	pv.messages()
	pv.sends()
	pv.bars()
	pv.dones()
	pv.skips()
	pv.content()
	return pv
}

func (pv *panelView) lanes() {
	a := pv.A
	for _, p := range a.Publishers() {
		pv.Lanes = append(pv.Lanes, lane{Name: p, Role: "publisher", Kind: lanePublisher})
	}
	var chans []string
	for m := range a.All() {
		if m.Channel != "" && !slices.Contains(chans, m.Channel) {
			chans = append(chans, m.Channel)
		}
	}
	for _, c := range chans {
		pv.Lanes = append(pv.Lanes, lane{Name: c, Role: "channel (server)", Kind: laneChannel})
	}
	for _, mb := range a.Members {
		role := "member"
		if mb.Group != "" {
			role = "group " + mb.Group
		}
		pv.Lanes = append(pv.Lanes, lane{Name: mb.Name, Role: role, Kind: laneMember})
	}
}

// messages names every published message. Messages never delivered get
// their server sequence from publish order when the channel's known
// sequences follow it.
func (pv *panelView) messages() {
	// One kept list (a diagram's run is small): the maps below find its
	// messages by pointer.
	msgs := pv.A.List()
	keys := map[string]bool{}
	for _, m := range msgs {
		keys[m.Key] = true
	}
	pv.MultiKey = len(keys) > 1
	byChan := map[string][]*analyze.Message{}
	var chans []string
	for _, m := range msgs {
		if _, ok := byChan[m.Channel]; !ok {
			chans = append(chans, m.Channel)
		}
		byChan[m.Channel] = append(byChan[m.Channel], m)
	}
	seqs := map[*analyze.Message]uint64{}
	for _, c := range chans {
		ms := byChan[c]
		offset, consistent, known := int64(0), true, false
		for i, m := range ms {
			if m.Seq == 0 {
				continue
			}
			o := int64(m.Seq) - int64(i)
			if known && o != offset {
				consistent = false
			}
			offset, known = o, true
		}
		for i, m := range ms {
			seqs[m] = m.Seq
			if m.Seq == 0 && known && consistent && int64(i)+offset > 0 {
				seqs[m] = uint64(int64(i) + offset)
			}
		}
	}
	for _, m := range msgs {
		mv := &msgView{M: m, Seq: seqs[m]}
		key := shortKey(m.Key, m.Pub)
		mv.Short = fmt.Sprintf("v%d", m.Ver)
		if pv.MultiKey {
			mv.Short = key + " " + mv.Short
		}
		id := m.ID
		if mv.Seq > 0 {
			id = fmt.Sprintf("#%d", mv.Seq)
		}
		mv.Label = fmt.Sprintf("%s %s v%d", id, key, m.Ver)
		pv.Msgs = append(pv.Msgs, mv)
	}
}

// shortKey drops the publisher prefix the run gives keys: "tickets-k1" -> "k1".
func shortKey(key, pub string) string {
	if pub != "" && strings.HasPrefix(key, pub+"-") {
		return strings.TrimPrefix(key, pub+"-")
	}
	return key
}

// sends lists the analysis's sends of each message: its recorded
// deliveries (with the cause the analysis gave each redelivered copy) and
// its sends to dead members (Message.Unseen: a dead member records
// nothing; a resend there is an AckWait expiry).
func (pv *panelView) sends() {
	for _, mv := range pv.Msgs {
		m := mv.M
		for _, d := range m.Deliveries {
			pv.Sends = append(pv.Sends, send{T: d.T, Member: d.Member, Msg: mv, Redelivered: d.Redelivered, Cause: d.Cause})
		}
		for _, u := range m.Unseen {
			if u.Death == nil {
				continue
			}
			s := send{T: u.T, Member: u.Death.Member, Msg: mv, Redelivered: u.Redelivered, Inferred: true}
			if u.Redelivered {
				s.Cause = analyze.CauseAckWait
			}
			pv.Sends = append(pv.Sends, s)
		}
	}
	sort.SliceStable(pv.Sends, func(i, j int) bool { return pv.Sends[i].T < pv.Sends[j].T })
}

// bars rebuilds each member's processing: its worker takes messages in
// arrival order, one at a time, so one starts when it arrives or when the
// previous one is done (or skipped), whichever is later.
func (pv *panelView) bars() {
	type arrival struct {
		t    int64
		mv   *msgView
		done int64 // the done or skip; -1 when neither came
		skip bool
	}
	byMember := map[string][]arrival{}
	for _, mv := range pv.Msgs {
		for _, d := range mv.M.Deliveries {
			ar := arrival{t: d.T, mv: mv, done: -1}
			switch {
			case d.Done >= 0:
				ar.done = mv.M.Dones[d.Done].T
			case d.Skip >= 0:
				ar.done, ar.skip = mv.M.Skips[d.Skip].T, true
			}
			byMember[d.Member] = append(byMember[d.Member], ar)
		}
	}
	for _, mb := range pv.A.Members {
		arr := byMember[mb.Name]
		sort.SliceStable(arr, func(i, j int) bool { return arr[i].t < arr[j].t })
		for _, sp := range mb.Spans {
			end := pv.End
			if sp.Down >= 0 {
				end = sp.Down
			}
			for _, d := range pv.Deaths {
				if d.Member == mb.Name && d.T >= sp.Up && d.T <= end {
					end = d.T
					break
				}
			}
			free := sp.Up
			for _, ar := range arr {
				if ar.t < sp.Up || ar.t > end {
					continue
				}
				start := max(ar.t, free)
				if ar.done >= 0 {
					start = min(start, ar.done)
					pv.Bars = append(pv.Bars, bar{Member: mb.Name, From: start, To: ar.done, Msg: ar.mv, Done: !ar.skip, Skip: ar.skip})
					free = ar.done
					continue
				}
				if start < end {
					pv.Bars = append(pv.Bars, bar{Member: mb.Name, From: start, To: end, Msg: ar.mv, Cut: true})
				}
				free = end
			}
		}
	}
}

// dones lists every done. A late one (Done.Late: the first done of its
// message in its group came after a higher version) lists the newer
// versions done before it there, from the analysis's inversions.
func (pv *panelView) dones() {
	byMsg := map[*analyze.Message]*msgView{}
	for _, mv := range pv.Msgs {
		byMsg[mv.M] = mv
	}
	type lateIn struct {
		m     *analyze.Message
		group string
	}
	after := map[lateIn][]*msgView{}
	for _, inv := range pv.A.Inversions {
		k := lateIn{inv.Late, inv.Group}
		after[k] = append(after[k], byMsg[inv.Early])
	}
	for k, l := range after {
		sort.SliceStable(l, func(i, j int) bool { return l[i].M.Ver < l[j].M.Ver })
		after[k] = l
	}
	for _, mv := range pv.Msgs {
		for _, d := range mv.M.Dones {
			dv := doneView{Member: d.Member, T: d.T, Msg: mv}
			if d.Delivery >= 0 {
				dv.Redelivered = mv.M.Deliveries[d.Delivery].Redelivered
			}
			if d.Late {
				dv.After = after[lateIn{mv.M, d.Group}]
			}
			pv.Dones = append(pv.Dones, dv)
		}
	}
	sort.SliceStable(pv.Dones, func(i, j int) bool { return pv.Dones[i].T < pv.Dones[j].T })
}

func (pv *panelView) content() {
	c := int64(0)
	for _, s := range pv.Sends {
		c = max(c, s.T)
	}
	for _, b := range pv.Bars {
		if b.Done || b.Skip {
			c = max(c, b.To)
		}
	}
	for _, d := range pv.Deaths {
		c = max(c, d.T)
		if d.Removed >= 0 {
			c = max(c, d.Removed)
		}
		if d.Restart >= 0 {
			c = max(c, d.Restart)
		}
	}
	for _, m := range pv.Msgs {
		c = max(c, m.M.PublishT)
	}
	pv.Content = min(c, max(pv.End, c))
}

// lane returns the index of the named lane of the given kind, or -1.
func (pv *panelView) lane(kind int, name string) int {
	for i, l := range pv.Lanes {
		if l.Kind == kind && l.Name == name {
			return i
		}
	}
	return -1
}
