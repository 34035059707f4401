package report

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// Entry is one scenario of a batch as index.html and summary.csv list it.
type Entry struct {
	Name        string
	Dir         string // the scenario's folder, relative to the batch folder
	Description string
	Summary     analyze.Summary
}

// Thumbnails are the charts index.html shows small for each scenario.
var Thumbnails = []string{"timeline", "server-view"}

type indexRow struct {
	Name, Description, Reason, ReasonLevel              string
	Report                                              string // href of the scenario's report; "" when it has none
	Published, Processed, Lost, Duplicates, Redelivered int
	Inversions                                          int
	P50, P99                                            string
	Zombies                                             []string
	Wrong                                               string // final state: "1 of 1" keys left wrong
	WrongBad                                            bool
	Skips                                               int
	Expect                                              string // "3 met", "1 of 3 failed", "" without expectations
	ExpectFailed                                        bool
	Sweep                                               bool // a sweep: Report is its sweep.html
	JetStream                                           bool // ran on JetStream (a badge beside the name)
	Thumbs                                              []thumb
	// Groups are the scenario's queue groups, shown as rows of their own
	// when it has several.
	Groups []indexGroup
}

// indexGroup is one queue group's figures in the index.
type indexGroup struct {
	Name, ID                                            string // "scenario/group"; its row id
	Published, Processed, Lost, Duplicates, Redelivered int
	Inversions                                          int
	P50, P99                                            string
	Wrong                                               string // final state: keys left wrong of keys
	WrongBad                                            bool
	Skips                                               int
}

type thumb struct {
	Chart, Title, Scenario string
	Src, Report            string // hrefs; Src is "" when the chart is missing
}

// Batch writes index.html and summary.csv into batchDir.
func Batch(batchDir string, entries []Entry) error {
	if err := writeIndex(batchDir, entries); err != nil {
		return err
	}
	return writeCSV(filepath.Join(batchDir, CSVFile), entries)
}

func writeIndex(batchDir string, entries []Entry) error {
	var rows []indexRow
	withAnomalies := 0
	for _, e := range entries {
		s := e.Summary
		r := indexRow{
			Name: e.Name, Description: e.Description, Reason: s.Reason,
			Published: s.Published, Processed: s.Processed, Lost: s.Lost, Duplicates: s.Duplicates,
			Redelivered: s.Redelivered, Inversions: s.OutOfOrder.Inversions,
			P50: qText(s.RedeliveryDelayMs.P50), P99: qText(s.RedeliveryDelayMs.P99),
		}
		r.Expect, r.ExpectFailed = expectVerdict(&s)
		r.JetStream = s.Broker == history.BrokerJetStream
		r.Wrong, r.WrongBad, r.Skips = fmt.Sprintf("%d of %d", s.FinalState.WrongKeys, s.FinalState.Keys), s.FinalState.WrongKeys > 0, s.Skips
		if r.Reason == "" {
			r.Reason = "–"
		}
		switch s.Reason {
		case history.ReasonInterrupted:
			r.ReasonLevel = "alert"
		case history.ReasonTimeout:
			r.ReasonLevel = "warn"
		}
		if s.Lost+s.Duplicates+s.OutOfOrder.Inversions+s.FinalState.WrongKeys > 0 {
			withAnomalies++
		}
		if exists(batchDir, e.Dir, HTMLFile) {
			r.Report = href(e.Dir, HTMLFile)
		} else if exists(batchDir, e.Dir, MDFile) {
			r.Report = href(e.Dir, MDFile)
		}
		thumbs := Thumbnails
		if exists(batchDir, e.Dir, SweepHTMLFile) { // a sweep: its report and charts
			r.Report, r.Sweep, thumbs = href(e.Dir, SweepHTMLFile), true, sweepThumbnails()
		}
		for _, z := range s.ZombieWindows {
			w := "still listed at the end"
			if z.Ms != nil {
				w = msText(*z.Ms)
			}
			if p := z.PredictedMs; p != nil {
				w += fmt.Sprintf(" (predicted %s – %s)", msText(p.Min), msText(p.Max))
			}
			r.Zombies = append(r.Zombies, fmt.Sprintf("%s (%s at %s): %s", z.Member, z.Death, msText(z.AtMs), w))
		}
		r.Groups = indexGroups(e)
		for _, c := range thumbs {
			t := thumb{Chart: c, Title: chartTitle(c), Scenario: e.Name, Report: r.Report}
			if exists(batchDir, e.Dir, c+".svg") {
				t.Src = href(e.Dir, c+".svg")
			}
			r.Thumbs = append(r.Thumbs, t)
		}
		rows = append(rows, r)
	}
	lead := fmt.Sprintf("%s; %d with anomalies (keys left on the wrong version, lost, duplicated or out-of-order messages). Each name links to its report.",
		count(len(rows), "scenario"), withAnomalies)
	var names []string
	for _, c := range Thumbnails {
		names = append(names, strings.ToLower(chartTitle(c)))
	}
	data := struct {
		Rows       []indexRow
		Lead       string
		ThumbNames string
		CSS        template.CSS
	}{rows, lead, joinAnd(names) + " charts", css}
	var b bytes.Buffer
	if err := indexHTML.Execute(&b, data); err != nil {
		return fmt.Errorf("report: index: %w", err)
	}
	return writeFile(filepath.Join(batchDir, IndexFile), b.Bytes())
}

// indexGroups gives each queue group's row when the scenario has several.
func indexGroups(e Entry) []indexGroup {
	names := groupNames(e.Summary, nil)
	if len(names) < 2 {
		return nil
	}
	var gs []indexGroup
	for _, n := range names {
		g := e.Summary.Groups[n]
		gs = append(gs, indexGroup{
			Name: e.Name + "/" + n, ID: "row-" + e.Name + "/" + n,
			Published: g.Published, Processed: g.Processed, Lost: g.Lost, Duplicates: g.Duplicates,
			Redelivered: g.Redelivered, Inversions: g.OutOfOrder.Inversions,
			P50: qText(g.RedeliveryDelayMs.P50), P99: qText(g.RedeliveryDelayMs.P99),
			Wrong: fmt.Sprintf("%d of %d", g.FinalState.WrongKeys, g.FinalState.Keys), WrongBad: g.FinalState.WrongKeys > 0, Skips: g.Skips,
		})
	}
	return gs
}

// chartTitle is the registry title of the named chart (its name if the
// registry does not list it).
func chartTitle(name string) string {
	if info, ok := plots.Lookup(name); ok {
		return info.Title
	}
	for _, c := range plots.SweepCharts {
		if c.Name == name {
			return c.Title
		}
	}
	return name
}

// sweepThumbnails are the charts index.html shows small for a sweep.
func sweepThumbnails() []string {
	var ns []string
	for _, c := range plots.SweepCharts {
		ns = append(ns, c.Name)
	}
	return ns
}

func exists(batchDir, dir, name string) bool {
	fi, err := os.Stat(filepath.Join(batchDir, filepath.FromSlash(dir), name))
	return err == nil && !fi.IsDir()
}

// href is the relative URL of name in dir, escaped (a name with a colon or
// a space stays a relative path).
func href(dir, name string) string {
	u := url.URL{Path: path.Join(filepath.ToSlash(dir), name)}
	return u.String()
}
