package batch

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/stansim/stansim/report"
	"github.com/stansim/stansim/sim/analyze"
)

// Figure is one key figure of a scenario in two batches; nil where a batch
// has no value (e.g. no redelivery, no death).
type Figure struct {
	Name string   `json:"name"`
	A    *float64 `json:"a"`
	B    *float64 `json:"b"`
	Diff *float64 `json:"diff"` // B - A when both exist
}

// ScenarioDiff is one scenario present in both batches.
type ScenarioDiff struct {
	Name    string   `json:"name"`
	ReasonA string   `json:"reason_a"`
	ReasonB string   `json:"reason_b"`
	Figures []Figure `json:"figures"`
}

// Comparison is `stansim compare A B`.
type Comparison struct {
	A, B      string         `json:"-"`
	BatchA    string         `json:"a"`
	BatchB    string         `json:"b"`
	Scenarios []ScenarioDiff `json:"scenarios"`
	OnlyA     []string       `json:"only_a"`
	OnlyB     []string       `json:"only_b"`
}

// keyFigures are the figures compare shows, in order.
var keyFigures = []struct {
	name string
	get  func(*analyze.Summary) *float64
}{
	{"published", func(s *analyze.Summary) *float64 { return num(s.Published) }},
	{"processed", func(s *analyze.Summary) *float64 { return num(s.Processed) }},
	{"lost", func(s *analyze.Summary) *float64 { return num(s.Lost) }},
	{"duplicates", func(s *analyze.Summary) *float64 { return num(s.Duplicates) }},
	{"redelivered", func(s *analyze.Summary) *float64 { return num(s.Redelivered) }},
	{"out_of_order.inversions", func(s *analyze.Summary) *float64 { return num(s.OutOfOrder.Inversions) }},
	{"redelivery_delay_ms.p50", func(s *analyze.Summary) *float64 { return s.RedeliveryDelayMs.P50 }},
	{"end_to_end_ms.p99", func(s *analyze.Summary) *float64 { return s.EndToEndMs.P99 }},
	{"zombie_ms", func(s *analyze.Summary) *float64 {
		if len(s.ZombieWindows) == 0 {
			return nil
		}
		return s.ZombieWindows[0].Ms
	}},
}

func num(n int) *float64 { f := float64(n); return &f }

// readSummaries reads every scenario folder's summary.json in a batch folder.
func readSummaries(dir string) (map[string]*analyze.Summary, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*analyze.Summary{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), analyze.SummaryFile))
		if err != nil {
			continue
		}
		var s analyze.Summary
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, e.Name(), analyze.SummaryFile), err)
		}
		out[e.Name()] = &s
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no scenario folder with %s: %w", dir, analyze.SummaryFile, os.ErrNotExist)
	}
	return out, nil
}

// Compare reads two batch folders and lines up the scenarios they share.
func Compare(dirA, dirB string) (*Comparison, error) {
	sa, err := readSummaries(dirA)
	if err != nil {
		return nil, err
	}
	sb, err := readSummaries(dirB)
	if err != nil {
		return nil, err
	}
	c := &Comparison{A: dirA, B: dirB, BatchA: absPath(dirA), BatchB: absPath(dirB), Scenarios: []ScenarioDiff{}, OnlyA: []string{}, OnlyB: []string{}}
	names := make([]string, 0, len(sa))
	for n := range sa {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, ok := sb[n]
		if !ok {
			c.OnlyA = append(c.OnlyA, n)
			continue
		}
		a := sa[n]
		d := ScenarioDiff{Name: n, ReasonA: a.Reason, ReasonB: b.Reason}
		for _, kf := range keyFigures {
			f := Figure{Name: kf.name, A: kf.get(a), B: kf.get(b)}
			if f.A != nil && f.B != nil {
				diff := *f.B - *f.A
				f.Diff = &diff
			}
			d.Figures = append(d.Figures, f)
		}
		c.Scenarios = append(c.Scenarios, d)
	}
	for n := range sb {
		if _, ok := sa[n]; !ok {
			c.OnlyB = append(c.OnlyB, n)
		}
	}
	sort.Strings(c.OnlyB)
	return c, nil
}

// WriteText prints the comparison as a table: a row per scenario and figure.
func (c *Comparison) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "scenario\tfigure\tA\tB\tB-A\t\n")
	for _, s := range c.Scenarios {
		fmt.Fprintf(tw, "%s\treason\t%s\t%s\t\t\n", s.Name, s.ReasonA, s.ReasonB)
		for _, f := range s.Figures {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", s.Name, f.Name, fnum(f.A), fnum(f.B), fdiff(f.Diff))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA: %s\nB: %s\n", c.BatchA, c.BatchB)
	if len(c.OnlyA) > 0 {
		fmt.Fprintf(w, "only in A: %v\n", c.OnlyA)
	}
	if len(c.OnlyB) > 0 {
		fmt.Fprintf(w, "only in B: %v\n", c.OnlyB)
	}
	return nil
}

// WriteJSON writes the comparison as JSON.
func (c *Comparison) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

func fnum(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%g", *f)
}

func fdiff(f *float64) string {
	switch {
	case f == nil:
		return ""
	case *f == 0:
		return "="
	}
	return fmt.Sprintf("%+g", *f)
}

// WriteCompareHTML writes the comparison as a page (report.CompareFile).
func WriteCompareHTML(path string, c *Comparison) error {
	var rows []report.CompareRow
	for _, s := range c.Scenarios {
		rows = append(rows, report.CompareRow{Scenario: s.Name, Figure: "reason", A: s.ReasonA, B: s.ReasonB, Changed: s.ReasonA != s.ReasonB})
		for _, f := range s.Figures {
			rows = append(rows, report.CompareRow{Scenario: s.Name, Figure: f.Name, A: fnum(f.A), B: fnum(f.B), Diff: fdiff(f.Diff),
				Changed: (f.A == nil) != (f.B == nil) || f.Diff != nil && *f.Diff != 0})
		}
	}
	return report.CompareFile(path, c.BatchA, c.BatchB, rows)
}
