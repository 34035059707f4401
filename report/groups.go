package report

import (
	"fmt"
	"sort"

	"github.com/stansim/stansim/sim/analyze"
)

// groupTable shows the queue groups of a run side by side, one column per
// group, from summary.json's groups.
type groupTable struct {
	Names    []string
	Rows     []groupFigure
	Sentence string
}

// groupFigure is one row of the table: a figure, each group's value.
type groupFigure struct {
	Field, Label string
	Values       []groupValue
}

type groupValue struct {
	Value string
	Bad   bool
}

// groups builds the table when the run has several queue groups, else nil.
func groups(a *analyze.Analysis) *groupTable {
	names := groupNames(a.Summary, a.Groups())
	if len(names) < 2 {
		return nil
	}
	t := &groupTable{Names: names}
	row := func(field, label string, value func(*analyze.GroupSummary) (string, bool)) {
		f := groupFigure{Field: field, Label: label}
		for _, n := range names {
			v, bad := value(a.Summary.Groups[n])
			f.Values = append(f.Values, groupValue{v, bad})
		}
		t.Rows = append(t.Rows, f)
	}
	num := func(get func(*analyze.GroupSummary) int, bad bool) func(*analyze.GroupSummary) (string, bool) {
		return func(g *analyze.GroupSummary) (string, bool) { return itoa(get(g)), bad && get(g) > 0 }
	}
	row("channel", "Channel", func(g *analyze.GroupSummary) (string, bool) { return g.Channel, false })
	row("published", "Published", num(func(g *analyze.GroupSummary) int { return g.Published }, false))
	row("processed", "Processed", num(func(g *analyze.GroupSummary) int { return g.Processed }, false))
	row("lost", "Lost", num(func(g *analyze.GroupSummary) int { return g.Lost }, true))
	row("duplicates", "Duplicates", num(func(g *analyze.GroupSummary) int { return g.Duplicates }, true))
	row("redelivered", "Redelivered", num(func(g *analyze.GroupSummary) int { return g.Redelivered }, false))
	row("out_of_order.inversions", "Out-of-order pairs", num(func(g *analyze.GroupSummary) int { return g.OutOfOrder.Inversions }, true))
	row("policy", "Policy", func(g *analyze.GroupSummary) (string, bool) { return "", false })
	row("skips", "Skipped (version check)", num(func(g *analyze.GroupSummary) int { return g.Skips }, false))
	row("final_state.wrong_keys", "Keys left wrong", func(g *analyze.GroupSummary) (string, bool) {
		return fmt.Sprintf("%d of %d", g.FinalState.WrongKeys, g.FinalState.Keys), g.FinalState.WrongKeys > 0
	})
	row("end_to_end_ms.p50", "Publish to done p50", func(g *analyze.GroupSummary) (string, bool) { return qText(g.EndToEndMs.P50), false })
	row("end_to_end_ms.p99", "Publish to done p99", func(g *analyze.GroupSummary) (string, bool) { return qText(g.EndToEndMs.P99), false })
	for i, n := range names { // the policy row: from the settings
		t.Rows[policyRow].Values[i].Value = policyOf(a, n)
	}
	t.Sentence = groupSentence(a.Summary, names)
	return t
}

// policyRow is the policy row's place in the table.
const policyRow = 7

// policyOf is the group's listener policy, "–" when the settings are unknown.
func policyOf(a *analyze.Analysis, g string) string {
	if p := a.Settings.Groups[g].Policy; p != "" {
		return p
	}
	return "–"
}

// groupSentence says what each group did and how the top level counts:
// "orders did 40 of 40 messages (none lost) and audit 37 of 40 (3 lost)".
func groupSentence(s analyze.Summary, names []string) string {
	var each []string
	for i, n := range names {
		g := s.Groups[n]
		lost := "none lost"
		if g.Lost > 0 {
			lost = itoa(g.Lost) + " lost"
		}
		if i == 0 {
			each = append(each, fmt.Sprintf("%s did %d of %s (%s)", n, g.Processed, count(g.Published, "message"), lost))
		} else {
			each = append(each, fmt.Sprintf("%s %d of %d (%s)", n, g.Processed, g.Published, lost))
		}
	}
	return "Each queue group gets its own copy of every message on its channel: " + joinAnd(each) +
		". The summary above counts a message as processed only when every group reading its channel did it, and as lost otherwise."
}

// groupNames lists the groups summary.json has figures for: in order when
// given (the analysis's Groups), the rest sorted.
func groupNames(s analyze.Summary, order []string) []string {
	var names []string
	for _, g := range order {
		if s.Groups[g] != nil && !contains(names, g) {
			names = append(names, g)
		}
	}
	var rest []string
	for g, gs := range s.Groups {
		if gs != nil && !contains(names, g) {
			rest = append(rest, g)
		}
	}
	sort.Strings(rest)
	return append(names, rest...)
}
