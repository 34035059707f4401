package report

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
)

// deaths explains each injected death: how long the server kept the member
// against the prediction for its kind, what it held and what it was sent
// meanwhile (the analysis's Death.Held and Death.Sent).
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
	in := d.Info()
	parts := []string{
		fmt.Sprintf("%s %s at %s (%s)", d.Member, in.Verb, secs(d.T), in.How),
		x.removal(d),
	}
	if len(d.Held) > 0 {
		parts = append(parts, fmt.Sprintf("it held %s unacknowledged (%s)", count(len(d.Held), "message"), msgList(d.Held, 5)))
	}
	if len(d.Sent) > 0 {
		parts = append(parts, fmt.Sprintf("while dead it was most likely sent %s (%s)", count(len(d.Sent), "message"), msgList(d.Sent, 5)))
	}
	if d.Restart >= 0 {
		parts = append(parts, fmt.Sprintf("it came back at %s", secs(d.Restart)))
	}
	ids := make([]string, 0, len(d.Held)+len(d.Sent))
	for _, m := range append(append([]*analyze.Message(nil), d.Held...), d.Sent...) {
		ids = append(ids, m.ID)
	}
	return Item{Sentence: strings.Join(parts, "; ") + ".", Group: d.Group, Messages: ids, Members: []string{d.Member}, T: d.T}
}

// removal says how long the server kept listing d's member, measured, and
// how that compares with the window its kind predicts.
func (x *explainer) removal(d *analyze.Death) string {
	p := d.Predicted
	if d.Removed < 0 {
		s := fmt.Sprintf("the server still listed it when the run ended, %s after the death", secs(endTime(x.a)-d.T))
		if p != nil {
			s += fmt.Sprintf(" (the settings predict its removal %s after the death)", x.predicted(d))
		}
		return s
	}
	s := fmt.Sprintf("the server listed it until %s, %s later", secs(d.Removed), secs(d.Listed()))
	if p == nil {
		return s
	}
	switch fitOf(x.a, d) {
	case fitInside:
		return s + ", inside the predicted " + x.predicted(d)
	case fitNear:
		return s + ", just outside the predicted " + x.predicted(d) + ", which " + slack(x.a) + " may explain"
	}
	return s + ", outside the predicted " + x.predicted(d) + ", by more than " + slack(x.a) + " can explain"
}

// predicted is d's predicted window with its rule: "0.50 s to 0.75 s (F·I
// to (F+1)·I, with I = 250ms, T = 250ms, F = 2)".
func (x *explainer) predicted(d *analyze.Death) string {
	p := d.Predicted
	rule := p.Rule
	st := x.a.Settings
	switch {
	case st.JetStream && d.Kind.PeriodBy(st.Liveness()) > 0:
		rule += fmt.Sprintf(", with P = %s, max_out = %d", st.Ping.Interval, st.Ping.MaxOut)
	case !st.JetStream && d.Kind.Period(st.Heartbeat) > 0:
		rule += fmt.Sprintf(", with I = %s, T = %s, F = %d", st.Heartbeat.Interval, st.Heartbeat.Timeout, st.Heartbeat.FailCount)
	}
	return fmt.Sprintf("%s to %s (%s)", secs(int64(p.Min)), secs(int64(p.Max)), rule)
}
