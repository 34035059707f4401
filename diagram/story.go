package diagram

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// Story is what one panel shows, in numbers: the first death, how long the
// server kept listing the dead member, what it held and was sent, where
// those messages went, and which versions were done out of order.
type Story struct {
	Panel string
	// Death is the panel's first death (nil when nothing died).
	Death *analyze.Death
	// Window is how long the server still listed the dead member after its
	// death; -1 when it still listed it at the end of the run.
	Window time.Duration
	// Predicted is the removal window the analysis predicts for the
	// death (nil when the settings are unknown).
	Predicted *death.Window
	// Heartbeat and AckWait are the run's settings (AckWait of the dead
	// member's group).
	Heartbeat analyze.Heartbeat
	AckWait   time.Duration
	// Held are the messages the member had received but not finished when
	// it died (Death.Held); SentToDead the ones the server first sent it
	// afterwards (Death.Sent, inferred: a dead member records nothing).
	Held, SentToDead []*analyze.Message
	// HandOffs are the first redelivered copies that followed the death
	// (Delivery.After) on another member, one per message, in time order.
	HandOffs []HandOff
	// Late lists the out-of-order dones: a version done after newer ones.
	Late []Late
	// DoneOrder is the order versions were first done in, per key.
	DoneOrder map[string][]int
}

// HandOff is one redelivered copy of a dead member's message.
type HandOff struct {
	Msg    *analyze.Message
	Member string
	T      int64
	Cause  string // analyze.Cause*
}

// Late is a message done after newer versions of its key.
type Late struct {
	Msg   *analyze.Message
	After []*analyze.Message // in version order
}

// story derives a panel's Story of its first death (see stories).
func (pv *panelView) story() Story { return pv.stories()[0] }

// stories derives one Story per death of the panel, in time order (one
// Story without a death when nothing died). The late dones and the done
// order are the panel's and repeat in each.
func (pv *panelView) stories() []Story {
	base := Story{Panel: pv.Name, Window: -1, Heartbeat: pv.A.Settings.Heartbeat, DoneOrder: map[string][]int{}}
	for _, d := range pv.Dones {
		if d.Msg.M.FirstDone() != nil && d.Msg.M.FirstDone().T == d.T {
			base.DoneOrder[d.Msg.M.Key] = append(base.DoneOrder[d.Msg.M.Key], d.Msg.M.Ver)
		}
		if len(d.After) > 0 {
			l := Late{Msg: d.Msg.M}
			for _, a := range d.After {
				l.After = append(l.After, a.M)
			}
			base.Late = append(base.Late, l)
		}
	}
	if len(pv.Deaths) == 0 {
		return []Story{base}
	}
	var out []Story
	for _, d := range pv.Deaths {
		st := base
		st.Death = d
		st.AckWait = pv.A.Settings.AckWait(d.Group)
		st.Predicted = d.Predicted
		if w := d.Listed(); w >= 0 {
			st.Window = time.Duration(w)
		}
		st.Held, st.SentToDead = d.Held, d.Sent
		st.HandOffs = handOffs(pv.A, d)
		sort.SliceStable(st.HandOffs, func(i, j int) bool { return st.HandOffs[i].T < st.HandOffs[j].T })
		out = append(out, st)
	}
	return out
}

// handOffs lists, per message, the first redelivered copy another member
// got after d's member died holding it or was sent it dead.
func handOffs(a *analyze.Analysis, d *analyze.Death) []HandOff {
	var hs []HandOff
	for m := range a.All() {
		for _, dl := range m.Deliveries {
			if dl.After == d && dl.Redelivered && dl.Member != d.Member {
				hs = append(hs, HandOff{Msg: a.Keep(m), Member: dl.Member, T: dl.T, Cause: dl.Cause})
				break
			}
		}
	}
	return hs
}

// caption tells the figure's story in a few plain sentences with the
// measured numbers. Two panels are introduced as left and right. When a
// panel checked versions, each panel ends on its final state.
func caption(pvs []*panelView) string {
	var parts []string
	final := showFinal(pvs)
	for i, pv := range pvs {
		s := storyText(pv)
		if len(pvs) == 2 {
			s = []string{"Left", "Right"}[i] + ": " + s
		}
		if f := finalText(pv); final && f != "" {
			s += " " + f
		}
		parts = append(parts, s)
	}
	if len(pvs) == 2 {
		if c := comparison(pvs[0].story(), pvs[1].story()); c != "" {
			parts = append(parts, c)
		}
		if c := costText(pvs[0], pvs[1]); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// comparison sets two panels' removal windows side by side when both
// members died without Close() in different ways and both were removed:
// "The hung member stayed listed 2.2 times as long as the killed one
// (1.42 s against 0.66 s): the server removes a hung member F·(I+T) to
// (F+1)·(I+T) after the death, a killed one F·I to (F+1)·I."
func comparison(a, b Story) string {
	if a.Death == nil || b.Death == nil || a.Death.Kind == b.Death.Kind ||
		a.Death.Kind.CallsClose() || b.Death.Kind.CallsClose() || a.Window <= 0 || b.Window <= 0 {
		return ""
	}
	long, short := a, b
	if b.Window > a.Window {
		long, short = b, a
	}
	s := fmt.Sprintf("The %s member stayed listed %.1f times as long as the %s one (%s against %s)",
		long.Death.Info().Noun, float64(long.Window)/float64(short.Window), short.Death.Info().Noun,
		fmtDur(int64(long.Window)), fmtDur(int64(short.Window)))
	if long.Predicted != nil && short.Predicted != nil && long.Predicted.Rule != short.Predicted.Rule {
		s += fmt.Sprintf(": the server removes a %s member %s after the death, a %s one %s",
			long.Death.Info().Noun, long.Predicted.Rule, short.Death.Info().Noun, short.Predicted.Rule)
	}
	return s + "."
}

// storyText is one panel's sentences: each death and what the server did
// about it, then where the messages went and what that did to the order.
func storyText(pv *panelView) string {
	sts := pv.stories()
	skips := skipText(pv)
	if sts[0].Death == nil {
		if len(sts[0].Late) == 0 && skips == "" {
			return "No member died: every message was done once, in version order."
		}
		if len(sts[0].Late) == 0 {
			return "No member died. " + skips + " So every version was applied in order."
		}
		return strings.TrimSpace("No member died, yet " + lateText(pv, sts[0]) + ". " + skips)
	}
	var b strings.Builder
	handedOff := false
	for i, st := range sts {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(deathText(pv, st))
		handedOff = handedOff || len(st.HandOffs) > 0
	}
	if skips != "" {
		b.WriteString(" " + skips)
	}
	switch {
	case len(sts[0].Late) > 0:
		b.WriteString(" " + upperFirst(lateText(pv, sts[0])) + ".")
	case skips != "":
		b.WriteString(" So every version was applied in order.")
	case handedOff:
		b.WriteString(" Every version was still done in order.")
	}
	return b.String()
}

// deathText is one death's sentences: what happened to the member, what
// the server did about it and where its messages went.
func deathText(pv *panelView, st Story) string {
	d := st.Death
	var b strings.Builder
	var server []string // what the server did, joined "a, b and c"
	if d.Kind.CallsClose() {
		fmt.Fprintf(&b, "%s called Close() at %s%s", d.Member, fmtSeconds(d.T), heldText(pv, st.Held))
		if st.Window >= 0 {
			server = append(server, "the server dropped it within "+fmtDur(int64(st.Window)))
		}
	} else {
		fmt.Fprintf(&b, "%s %s at %s%s%s", d.Member, d.Info().Verb, fmtSeconds(d.T), deathClause(d.Kind), heldText(pv, st.Held))
		hb := heartbeatText(d, pv.A.Settings)
		if st.Window >= 0 {
			server = append(server, fmt.Sprintf("the server kept listing it for %s%s", fmtDur(int64(st.Window)), hb))
		} else {
			server = append(server, fmt.Sprintf("the server still listed it when the run ended at %s%s", fmtSeconds(pv.End), hb))
		}
		if len(st.SentToDead) > 0 {
			server = append(server, "even sent it "+msgList(pv, st.SentToDead))
		}
	}
	h, sep := handOffText(pv, st)
	if h != "" && !sep {
		server = append(server, h)
	}
	if len(server) > 0 {
		b.WriteString("; " + joinAnd(server))
	}
	if h != "" && sep {
		b.WriteString(". " + upperFirst(h))
	}
	b.WriteString(".")
	if d.Restart >= 0 {
		b.WriteString(pv.backSentence(d))
	}
	return b.String()
}

func heldText(pv *panelView, held []*analyze.Message) string {
	if len(held) == 0 {
		return ""
	}
	return ", holding " + msgList(pv, held)
}

// handOffText says where the dead member's messages went and when: a
// clause of the server's sentence, or (sep) a sentence of its own.
func handOffText(pv *panelView, st Story) (text string, sep bool) {
	if len(st.HandOffs) == 0 {
		if len(st.Held)+len(st.SentToDead) == 0 {
			return "", false
		}
		return "its messages had reached no other member when the run ended", true
	}
	first, last := st.HandOffs[0], st.HandOffs[len(st.HandOffs)-1]
	sameTime := last.T-first.T < int64(60e6)
	sameMember := true
	var msgs []*analyze.Message
	for _, h := range st.HandOffs {
		sameMember = sameMember && h.Member == first.Member
		msgs = append(msgs, h.Msg)
	}
	switch {
	case sameTime && sameMember && first.Cause == analyze.CauseClose:
		return fmt.Sprintf("handed %s to %s %s later", msgList(pv, msgs), first.Member, fmtDur(first.T-st.Death.T)), false
	case sameTime && sameMember && first.Cause == analyze.CauseRemoval:
		return fmt.Sprintf("handed %s to %s only when it dropped it, at %s", msgList(pv, msgs), first.Member, fmtSeconds(first.T)), false
	}
	var each []string
	for i, h := range st.HandOffs {
		to := ""
		if i == 0 || h.Member != st.HandOffs[i-1].Member {
			to = " to " + h.Member
		}
		each = append(each, fmt.Sprintf("%s%s at %s", label(pv, h.Msg), to, fmtSeconds(h.T)))
	}
	why := ""
	if allCause(st.HandOffs, analyze.CauseAckWait) && st.AckWait > 0 {
		each := ", each"
		if len(st.HandOffs) == 1 {
			each = ","
		}
		why = fmt.Sprintf("%s when its AckWait (%s s) ran out", each, trimSeconds(st.AckWait.Seconds()))
	}
	return "it redelivered " + joinAnd(each) + why, true
}

func allCause(hs []HandOff, cause string) bool {
	for _, h := range hs {
		if h.Cause != cause {
			return false
		}
	}
	return true
}

// lateText: "so v6 was done after v7, v9, v10, and v8 after v9, v10".
func lateText(pv *panelView, st Story) string {
	var parts []string
	for i, l := range st.Late {
		var after []string
		for _, a := range l.After {
			after = append(after, short(pv, a))
		}
		verb := " after "
		if i == 0 {
			verb = " was done after "
		}
		parts = append(parts, short(pv, l.Msg)+verb+strings.Join(after, ", "))
	}
	if len(parts) > 2 {
		parts = append(parts[:2], fmt.Sprintf("%d more came late", len(parts)-2))
	}
	return "so " + strings.Join(parts, ", and ")
}

func (pv *panelView) view(m *analyze.Message) *msgView {
	for _, mv := range pv.Msgs {
		if mv.M == m {
			return mv
		}
	}
	return &msgView{M: m, Label: m.ID, Short: fmt.Sprintf("v%d", m.Ver)}
}

func label(pv *panelView, m *analyze.Message) string { return pv.view(m).idOrShort() }
func short(pv *panelView, m *analyze.Message) string { return pv.view(m).Short }

// msgList names messages by server sequence: "#6", "#6 and #8".
func msgList(pv *panelView, ms []*analyze.Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, pv.view(m).idOrShort())
	}
	return joinAnd(s)
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
