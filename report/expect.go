package report

import (
	"fmt"

	"github.com/stansim/stansim/sim/analyze"
)

// expectation is one `expect:` entry with its verdict, as the report shows it.
type expectation struct {
	Path, Want, Got, Verdict string
	OK                       bool
}

// expectations lists the scenario's checked expectations (summary.json's
// `expectations`); nil when the scenario states none.
func expectations(s *analyze.Summary) []expectation {
	var out []expectation
	for _, r := range s.Expectations {
		e := expectation{Path: r.Path, Want: r.Want, Got: gotText(r.Got), OK: r.OK, Verdict: "met"}
		if !r.OK {
			e.Verdict = "FAILED"
		}
		out = append(out, e)
	}
	return out
}

func gotText(v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}

// expectVerdict is the index's cell: "3 met", "1 of 3 failed" or "".
func expectVerdict(s *analyze.Summary) (text string, failed bool) {
	n := len(s.Expectations)
	if n == 0 {
		return "", false
	}
	f := len(s.Failed())
	if f == 0 {
		return fmt.Sprintf("%d met", n), false
	}
	return fmt.Sprintf("%d of %d failed", f, n), true
}
