package analyze

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ExpectationResult is one `expect:` entry checked against the summary
// (summary.json's `expectations`).
type ExpectationResult struct {
	Path string `json:"path"`
	Want string `json:"want"`
	// Got is the figure (a number), null when the summary has none (e.g. a
	// percentile over no messages), or a sentence for zombie_windows.
	Got any  `json:"got"`
	OK  bool `json:"ok"`
}

// SchedulingMargin is what a measured window may exceed its prediction by
// before it counts as outside: goroutine scheduling on a loaded machine.
const SchedulingMargin = int64(100e6)

// Margin is how far a measured zombie window may lie outside its predicted
// bounds and still count as inside: one monitoring sample interval (the
// measurement's resolution) plus SchedulingMargin.
func (a *Analysis) Margin() int64 { return a.Sample + SchedulingMargin }

// checkExpectations evaluates the scenario's expectations against the
// summary computed so far.
func (a *Analysis) checkExpectations() {
	es := a.Settings.Expect
	if len(es) == 0 {
		return
	}
	var tree map[string]any
	if b, err := json.Marshal(&a.Summary); err == nil {
		_ = json.Unmarshal(b, &tree)
	}
	for _, e := range es {
		r := ExpectationResult{Path: e.Path, Want: e.Want()}
		if e.Inside {
			r.Got, r.OK = a.windowsInside()
		} else if v, ok := lookupPath(tree, e.Path); ok {
			r.Got = v
			if f, isNum := v.(float64); isNum {
				r.OK = e.Holds(f)
			}
		}
		a.Summary.Expectations = append(a.Summary.Expectations, r)
	}
}

// windowsInside says how many deaths' windows lie inside their predictions.
func (a *Analysis) windowsInside() (string, bool) {
	in, known := 0, 0
	var out []string
	for _, d := range a.Deaths {
		if d.Predicted == nil {
			continue
		}
		known++
		if d.Inside(a.Margin()) {
			in++
			continue
		}
		got := "still listed at the end"
		if d.Removed >= 0 {
			got = fmt.Sprintf("%g ms", Ms(d.Listed()))
		}
		out = append(out, fmt.Sprintf("%s (%s): %s, predicted %g to %g ms", d.Member, d.Kind, got, Ms(int64(d.Predicted.Min)), Ms(int64(d.Predicted.Max))))
	}
	s := fmt.Sprintf("%d of %d inside", in, known)
	if len(out) > 0 {
		s += "; outside: " + strings.Join(out, "; ")
	}
	return s, in == known && known > 0
}

// lookupPath walks a dotted path through decoded JSON.
func lookupPath(tree map[string]any, path string) (any, bool) {
	var cur any = tree
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Failed lists the expectations that did not hold.
func (s *Summary) Failed() []ExpectationResult {
	var out []ExpectationResult
	for _, r := range s.Expectations {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}
