package batch

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// JUnitFile is the batch's test report for CI systems.
const JUnitFile = "junit.xml"

// ExpectationsFailed reports whether any scenario's expectation did not hold.
func (r *Result) ExpectationsFailed() bool {
	for _, o := range r.Outcomes {
		if o.Summary != nil && len(o.Summary.Failed()) > 0 {
			return true
		}
	}
	return false
}

// OK reports whether the scenario ran, rendered and met its expectations.
func (o Outcome) OK() bool {
	return o.Err == nil && o.Summary != nil && len(o.Summary.Failed()) == 0 && o.Reason != "" && !stoppedShort(o.Reason)
}

// jsonDoc is `stansim run --json`'s document.
type jsonDoc struct {
	Batch     string         `json:"batch"`
	Index     string         `json:"index"`
	JUnit     string         `json:"junit"`
	Scenarios []jsonScenario `json:"scenarios"`
}

type jsonScenario struct {
	Name         string                      `json:"name"`
	Dir          string                      `json:"dir"`
	Reason       string                      `json:"reason"`
	OK           bool                        `json:"ok"`
	Error        string                      `json:"error,omitempty"`
	Summary      *analyze.Summary            `json:"summary"`
	Expectations []analyze.ExpectationResult `json:"expectations"`
}

// WriteJSON writes the batch as one JSON document (stansim run --json).
func WriteJSON(w io.Writer, r *Result) error {
	doc := jsonDoc{Batch: absPath(r.Dir), Scenarios: []jsonScenario{}}
	if r.Index != "" {
		doc.Index = absPath(r.Index)
	}
	if r.JUnit != "" {
		doc.JUnit = absPath(r.JUnit)
	}
	for _, o := range r.Outcomes {
		s := jsonScenario{Name: o.Scenario.Name, Dir: absPath(o.Dir), Reason: o.Reason, OK: o.OK(), Summary: o.Summary,
			Expectations: []analyze.ExpectationResult{}}
		if o.Err != nil {
			s.Error = o.Err.Error()
		}
		if o.Summary != nil && o.Summary.Expectations != nil {
			s.Expectations = o.Summary.Expectations
		}
		doc.Scenarios = append(doc.Scenarios, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// JUnit's schema, as CI systems read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes junit.xml: one testcase per scenario (classname the
// scenario file), a failure per failed expectation or failed run.
func writeJUnit(dir, file string, outs []Outcome) (string, error) {
	suite := junitSuite{Name: file}
	var total float64
	for _, o := range outs {
		c := junitCase{Classname: file, Name: o.Scenario.Name, Time: "0"}
		if s := o.Summary; s != nil {
			c.Time = fmt.Sprintf("%.3f", s.DurationMs/1000)
			total += s.DurationMs / 1000
			c.SystemOut = fmt.Sprintf("reason %s; published %d, processed %d, lost %d, duplicates %d, inversions %d; folder %s",
				s.Reason, s.Published, s.Processed, s.Lost, s.Duplicates, s.OutOfOrder.Inversions, o.Dir)
			for _, e := range s.Failed() {
				c.Failures = append(c.Failures, junitFailure{Type: "expectation",
					Message: fmt.Sprintf("%s: want %s, got %s", e.Path, e.Want, gotString(e.Got)),
					Text:    fmt.Sprintf("expect %s: %s\nsummary: %s", e.Path, e.Want, filepath.Join(o.Dir, analyze.SummaryFile))})
			}
		}
		switch {
		case o.Err != nil:
			c.Failures = append(c.Failures, junitFailure{Type: "run", Message: "run failed: " + o.Err.Error(), Text: o.Err.Error()})
		case stoppedShort(o.Reason):
			c.Failures = append(c.Failures, junitFailure{Type: "run", Message: "run " + o.Reason})
		}
		if len(c.Failures) > 0 {
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = fmt.Sprintf("%.3f", total)
	doc := junitSuites{Name: "stansim", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, JUnitFile)
	if err := outfile.Write(path, append([]byte(xml.Header), append(b, '\n')...)); err != nil {
		return "", err
	}
	return path, nil
}

func gotString(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

// stoppedShort reports whether a run ended before it could show anything
// whole: interrupted, or failed to start.
func stoppedShort(reason string) bool {
	return reason == history.ReasonInterrupted || reason == history.ReasonFailed
}
