package report

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// Output file names.
const (
	HTMLFile  = "report.html"
	MDFile    = "report.md"
	IndexFile = "index.html"
	CSVFile   = "summary.csv"
)

// page is everything report.html and report.md show, computed once.
type page struct {
	Name, Description string
	Status            *status
	Verdict           string
	Clean             bool // no anomalies
	Facts             []fact
	Groups            *groupTable // nil unless several queue groups
	Delays            []delay
	Zombies           []zombie
	Programs          []programProblem // programs.go
	Predicted         []DeathCheck     // predict.go
	Expectations      []expectation
	Explain           Explanations
	Charts            []chart
	Settings          settingsView
	Written, Resolved string
	Run               []kv
	Files             []kv
}

// status is the banner of a run that did not end normally.
type status struct {
	Level       string // alert | warn
	Title, Text string
	Detail      string // preformatted (a program's stderr), may be ""
}

type fact struct {
	Field, Label, Value, Sentence string
	Bad                           bool
}

type delay struct {
	Field, Label       string
	Count              int
	P50, P90, P99, Max string
	Sentence           string
}

type zombie struct {
	Member, Death, At, Window, Expected, Sentence string
}

type chart struct {
	Name, Title, About string
	SVG                string // processed, ready to inline; "" when missing
	Missing            string // why the SVG is not shown
	PNGMissing         bool
}

type settingsView struct {
	Known     bool
	Heartbeat []kv // the broker and its liveness settings
	// BrokerNotes explain how the broker differs from NATS Streaming
	// (none for NATS Streaming).
	BrokerNotes []string
	Groups      []groupRow
}

type groupRow struct {
	Name, Channel, Members, Durable, AckWait, MaxInflight, ProcessTime, Start, Run string
}

type kv struct{ Key, Value string }

// newPage builds the page of the analysis, reading charts and the file list
// from dir.
func newPage(dir string, a *analyze.Analysis) *page {
	s := &a.Summary
	p := &page{
		Name:        scenarioName(dir, a),
		Description: description(a),
		Explain:     Explain(a),
		Status:      runStatus(a),
		Settings:    settings(a),
	}
	if st := a.Log.Start; st != nil {
		p.Written, p.Resolved = st.Written, st.Resolved
	}
	p.Clean = !p.Explain.Any()
	p.Verdict = verdict(a, p.Explain)
	p.Facts = facts(a)
	p.Groups = groups(a)
	p.Delays = []delay{
		newDelay("redelivery_delay_ms", "Redelivery delay", s.RedeliveryDelayMs, redeliverySentence(s.RedeliveryDelayMs)),
		newDelay("end_to_end_ms", "Publish to done", s.EndToEndMs, endToEndSentence(s.EndToEndMs)),
	}
	p.Zombies = zombies(a)
	p.Programs = programProblems(a)
	p.Predicted = Checks(a)
	p.Expectations = expectations(s)
	p.Charts = readCharts(dir)
	p.Run = runInfo(a)
	p.Files = files(dir)
	return p
}

func scenarioName(dir string, a *analyze.Analysis) string {
	if a.Summary.Scenario != "" {
		return a.Summary.Scenario
	}
	if a.Log.Start != nil && a.Log.Start.Scenario != "" {
		return a.Log.Start.Scenario
	}
	return filepath.Base(dir)
}

// description is the scenario's description: from the settings, else read
// from the scenario as written.
func description(a *analyze.Analysis) string {
	if a.Settings.Description != "" {
		return a.Settings.Description
	}
	if a.Log.Start == nil || a.Log.Start.Written == "" {
		return ""
	}
	var doc struct {
		Description string `yaml:"description"`
	}
	if yaml.Unmarshal([]byte(a.Log.Start.Written), &doc) != nil {
		return ""
	}
	return doc.Description
}

func endTime(a *analyze.Analysis) int64 {
	if a.Log.End != nil {
		return a.Log.End.T
	}
	return a.End
}

func runStatus(a *analyze.Analysis) *status {
	var st *status
	switch a.Log.Reason() {
	case history.ReasonInterrupted:
		text := fmt.Sprintf("The run was interrupted at %s, before it finished", secs(endTime(a)))
		if a.Log.End == nil {
			text += " (its history has no run_end line)"
		}
		st = &status{Level: "alert", Title: "Interrupted run",
			Text: text + ". Everything below covers only what happened until then: messages still in flight count as lost."}
	case history.ReasonFailed:
		st = failedStatus(a)
	case history.ReasonTimeout:
		st = &status{Level: "warn", Title: "Time limit reached",
			Text: fmt.Sprintf("The run hit its time limit at %s before every message was done; messages not done by then count as lost.", secs(endTime(a)))}
	}
	if a.Log.Truncated {
		if st == nil {
			st = &status{Level: "warn", Title: "Incomplete history"}
		}
		st.Text = strings.TrimSpace(st.Text + " The history's last line was incomplete and was skipped.")
	}
	return st
}

func verdict(a *analyze.Analysis, e Explanations) string {
	s := &a.Summary
	part := ""
	if a.Log.Reason() != history.ReasonDone {
		part = " in the part that ran"
	}
	if !e.Any() {
		if s.Published == 0 {
			return "No anomalies" + part + ", but no message was published."
		}
		return fmt.Sprintf("No anomalies%s: all %s were done exactly once, in version order.", part, count(s.Published, "published message"))
	}
	var list []string
	for _, sec := range e.Anomalies() {
		switch {
		case sec.Total == 0:
		case sec.Kind == "final-state":
			list = append(list, count(sec.Total, "key")+" left on the wrong version")
		default:
			list = append(list, count(sec.Total, strings.ToLower(strings.TrimSuffix(sec.Title, "s"))))
		}
	}
	return "Anomalies: " + joinAnd(list) + ". Each is explained below."
}

func facts(a *analyze.Analysis) []fact {
	s := &a.Summary
	n := s.Published
	keys := map[string]bool{}
	for m := range a.All() {
		if m.Acked {
			keys[m.Key] = true
		}
	}
	several := len(groupNames(*s, a.Groups())) > 1
	late := map[*analyze.Message]bool{}
	for _, inv := range a.Inversions {
		late[inv.Late] = true
	}
	fs := []fact{
		{Field: "published", Label: "Published", Value: itoa(n),
			Sentence: fmt.Sprintf("%s published and acknowledged by the server.", wereCount(n, "message"))},
	}
	if s.PublishErrors > 0 {
		fs = append(fs, fact{Field: "publish_errors", Label: "Publish errors", Value: itoa(s.PublishErrors), Bad: true,
			Sentence: fmt.Sprintf("%s not acknowledged by the server and count nowhere else.", wereCount(s.PublishErrors, "publish"))})
	}
	fs = append(fs,
		fact{Field: "delivered", Label: "Delivered", Value: itoa(s.Delivered),
			Sentence: fmt.Sprintf("The listeners recorded %s.", count(s.Delivered, "delivery"))},
		fact{Field: "redelivered", Label: "Redelivered", Value: itoa(s.Redelivered),
			Sentence: ifZero(s.Redelivered, "No delivery was a redelivery.",
				fmt.Sprintf("%d of %s %s.", s.Redelivered, wereCount(s.Delivered, "delivery"), redeliveredWords(a)))},
		processedFact(s, n, several),
		fact{Field: "duplicates", Label: "Duplicates", Value: itoa(s.Duplicates), Bad: s.Duplicates > 0,
			Sentence: ifZero(s.Duplicates, "No message was done twice by the same group.",
				fmt.Sprintf("%d of %s done more than once by the same group.", s.Duplicates, wereCount(n, "message")))},
		lostFact(s, n, several),
		finalFact(s),
		fact{Field: "out_of_order.inversions", Label: "Out-of-order pairs", Value: itoa(s.OutOfOrder.Inversions), Bad: s.OutOfOrder.Inversions > 0,
			Sentence: ifZero(s.OutOfOrder.Inversions, "Every key's messages were done in version order.",
				fmt.Sprintf("%s of %s done after a newer version of their key: %s.", atLeast(len(late), len(a.Inversions) < s.OutOfOrder.Inversions),
					wereCount(n, "message"), count(s.OutOfOrder.Inversions, "out-of-order pair")))},
		fact{Field: "out_of_order.keys_affected", Label: "Keys affected", Value: itoa(s.OutOfOrder.KeysAffected),
			Sentence: fmt.Sprintf("%d of %s saw a message done out of order.", s.OutOfOrder.KeysAffected, count(len(keys), "key"))},
		fact{Field: "out_of_order.max_displacement", Label: "Max displacement", Value: itoa(s.OutOfOrder.MaxDisplacement),
			Sentence: ifZero(s.OutOfOrder.MaxDisplacement, "No message left its place in version order.",
				fmt.Sprintf("The farthest a message landed from its place in version order was %s.", count(s.OutOfOrder.MaxDisplacement, "position")))},
	)
	if f, ok := skipsFact(a); ok {
		fs = append(fs, f)
	}
	if s.AckErrors > 0 {
		fs = append(fs, fact{Field: "ack_errors", Label: "Ack errors", Value: itoa(s.AckErrors), Bad: true,
			Sentence: fmt.Sprintf("%s failed to send its ack.", count(s.AckErrors, "done"))})
	}
	fs = append(fs, fact{Field: "duration_ms", Label: "Duration", Value: msText(s.DurationMs),
		Sentence: fmt.Sprintf("The run lasted %s and ended: %s.", msText(s.DurationMs), s.Reason)})
	return fs
}

// processedFact says how many messages were done; with several groups, a
// message counts only when every group reading its channel did it.
func processedFact(s *analyze.Summary, n int, several bool) fact {
	f := fact{Field: "processed", Label: "Processed", Value: itoa(s.Processed),
		Sentence: fmt.Sprintf("%d of %s done at least once.", s.Processed, wereCount(n, "message"))}
	if several {
		f.Sentence = fmt.Sprintf("%d of %s done by every queue group reading their channel.", s.Processed, wereCount(n, "message"))
	}
	return f
}

// lostFact says how many messages were lost; with several groups, lost to
// at least one of them.
func lostFact(s *analyze.Summary, n int, several bool) fact {
	f := fact{Field: "lost", Label: "Lost", Value: itoa(s.Lost), Bad: s.Lost > 0,
		Sentence: ifZero(s.Lost, "No message was lost.", fmt.Sprintf("%d of %s never done.", s.Lost, wereCount(n, "message")))}
	if several && s.Lost > 0 {
		f.Sentence = fmt.Sprintf("%d of %s never done by at least one of the queue groups reading their channel (see By queue group).", s.Lost, wereCount(n, "message"))
	}
	return f
}

func newDelay(field, label string, q analyze.Quantiles, sentence string) delay {
	return delay{Field: field, Label: label, Count: q.Count, P50: qText(q.P50), P90: qText(q.P90), P99: qText(q.P99), Max: qText(q.Max), Sentence: sentence}
}

func redeliverySentence(q analyze.Quantiles) string {
	if q.Count == 0 {
		return "No message needed a redelivery to be done."
	}
	return fmt.Sprintf("%s done only after a redelivery; from publish to that delivery, half waited %s or more and the slowest %s.",
		wereCount(q.Count, "message"), qText(q.P50), qText(q.Max))
}

func endToEndSentence(q analyze.Quantiles) string {
	if q.Count == 0 {
		return "No message was done."
	}
	return fmt.Sprintf("From publish to first done, half of the %s took %s or less, 99%% took %s or less, and the slowest %s.",
		count(q.Count, "processed message"), qText(q.P50), qText(q.P99), qText(q.Max))
}

// zombies lists each death's zombie window (summary.json's zombie_windows)
// with the window its kind predicts.
func zombies(a *analyze.Analysis) []zombie {
	var zs []zombie
	for i, z := range a.Summary.ZombieWindows {
		kind := death.Kind(z.Death)
		in := kind.Info()
		row := zombie{Member: z.Member, Death: in.Label, At: msText(z.AtMs), Window: "–", Expected: "–"}
		if z.Ms != nil {
			row.Window = msText(*z.Ms)
			row.Sentence = fmt.Sprintf("The server kept listing %s for %s after it %s.", z.Member, msText(*z.Ms), in.Verb)
		} else {
			row.Sentence = fmt.Sprintf("%s %s at %s and the server still listed it when the run ended.", z.Member, in.Verb, msText(z.AtMs))
		}
		if p := z.PredictedMs; p != nil {
			row.Expected = msText(p.Min) + " – " + msText(p.Max)
			if w, ok := a.Settings.Removal(kind); ok {
				row.Expected += " (" + w.Rule + ")"
			}
		}
		if i < len(a.Deaths) && a.Deaths[i].Member == z.Member {
			row.Sentence += fitNote(a, a.Deaths[i])
		}
		zs = append(zs, row)
	}
	return zs
}

// fitNote says whether d's measured window lies inside its prediction.
func fitNote(a *analyze.Analysis, d *analyze.Death) string {
	switch fitOf(a, d) {
	case fitInside:
		return " That is inside the predicted window."
	case fitNear:
		return " That is just outside the predicted window, which " + slack(a) + " may explain."
	case fitOutside:
		return " That is outside the predicted window, by more than " + slack(a) + " can explain."
	}
	return ""
}

func settings(a *analyze.Analysis) settingsView {
	st := a.Settings
	v := settingsView{Known: st.Known}
	if !st.Known {
		return v
	}
	v.Heartbeat = livenessRows(st)
	v.BrokerNotes = brokerNotes(st)
	for _, k := range kindsPresent(a) {
		if w, ok := st.Removal(k); ok {
			v.Heartbeat = append(v.Heartbeat, kv{"Predicted removal: " + k.Info().Label,
				fmt.Sprintf("%s to %s after the death (%s)", w.Min, w.Max, w.Rule)})
		}
	}
	names := a.Groups()
	var rest []string
	for name := range st.Groups {
		if !contains(names, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range append(names, rest...) {
		g, ok := st.Groups[name]
		if !ok {
			continue
		}
		row := groupRow{Name: name, Channel: g.Channel, Members: itoa(g.Members), Durable: g.Durable,
			AckWait: g.AckWait.String(), MaxInflight: "default", ProcessTime: g.ProcessTime, Start: g.Start, Run: membersRun(g)}
		if len(g.Command) > 0 {
			row.ProcessTime = "the program's own"
		}
		if g.Durable == "" {
			row.Durable = "no"
		}
		if g.MaxInflight > 0 {
			row.MaxInflight = itoa(g.MaxInflight)
		}
		if st.JetStream {
			jetStreamRow(&row, name, g)
		}
		v.Groups = append(v.Groups, row)
	}
	return v
}

// kindsPresent lists the kinds of the run's deaths, in table order.
func kindsPresent(a *analyze.Analysis) []death.Kind {
	ks := make([]death.Kind, len(a.Deaths))
	for i, d := range a.Deaths {
		ks[i] = d.Kind
	}
	return death.Sorted(ks)
}

func runInfo(a *analyze.Analysis) []kv {
	var r []kv
	if st := a.Log.Start; st != nil {
		r = append(r, kv{"Scenario", st.Scenario})
		if st.Seed != nil {
			r = append(r, kv{"Seed", strconv.FormatInt(*st.Seed, 10)})
		}
		r = append(r, kv{"History format", itoa(st.Format)})
		if st.SampleInterval > 0 {
			r = append(r, kv{"Server sampled every", time.Duration(st.SampleInterval).String()})
		}
		names := make([]string, 0, len(st.Versions))
		for k := range st.Versions {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			r = append(r, kv{k, st.Versions[k]})
		}
	}
	r = append(r, kv{"Ended", fmt.Sprintf("%s at %s", a.Log.Reason(), secs(endTime(a)))})
	return r
}
