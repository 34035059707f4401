package scenario

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// InsidePredicted is the expectation on zombie_windows: every death's
// measured window lies inside the death table's prediction (with the
// analysis's measuring margin).
const InsidePredicted = "inside_predicted"

// ZombieWindowsPath is the one expectation path that takes InsidePredicted.
const ZombieWindowsPath = "zombie_windows"

// Expectation is one entry of a scenario's `expect:` map: a summary path
// (dotted, as in summary.json) and what it must be.
type Expectation struct {
	Path string
	// Equal, Min and Max bound a number (Equal set: exactly that).
	Equal, Min, Max *float64
	// Inside is set for `zombie_windows: inside_predicted`.
	Inside bool
	Line   int // where it was written
}

// Want describes the expectation as written: "0", "min 1", "min 1, max 5",
// "inside_predicted".
func (e Expectation) Want() string {
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch {
	case e.Inside:
		return InsidePredicted
	case e.Equal != nil:
		return num(*e.Equal)
	}
	var parts []string
	if e.Min != nil {
		parts = append(parts, "min "+num(*e.Min))
	}
	if e.Max != nil {
		parts = append(parts, "max "+num(*e.Max))
	}
	return strings.Join(parts, ", ")
}

// Holds reports whether got meets a numeric expectation.
func (e Expectation) Holds(got float64) bool {
	if math.IsNaN(got) {
		return false
	}
	switch {
	case e.Equal != nil:
		return got == *e.Equal
	case e.Min != nil && got < *e.Min, e.Max != nil && got > *e.Max:
		return false
	}
	return true
}

// figurePaths are the summary's numeric figures an expectation may name,
// relative to the top level or to groups.<name>. analyze's tests check that
// each resolves to a number in summary.json.
var figurePaths = []string{
	"published", "delivered", "redelivered", "processed", "duplicates", "lost",
	"out_of_order.inversions", "out_of_order.keys_affected", "out_of_order.max_displacement",
	"redelivery_delay_ms.count", "redelivery_delay_ms.p50", "redelivery_delay_ms.p90", "redelivery_delay_ms.p99", "redelivery_delay_ms.max",
	"end_to_end_ms.count", "end_to_end_ms.p50", "end_to_end_ms.p90", "end_to_end_ms.p99", "end_to_end_ms.max",
	"skips", "final_state.keys", "final_state.wrong_keys",
}

// topOnlyPaths exist only at the top level.
var topOnlyPaths = []string{"publish_errors", "ack_errors", "duration_ms", "program_problems"}

// ExpectablePaths lists every path an expectation may name for a scenario
// with the given groups (for messages and for analyze's tests).
func ExpectablePaths(groups []string) []string {
	ps := append(append([]string(nil), figurePaths...), topOnlyPaths...)
	for _, g := range groups {
		for _, f := range figurePaths {
			ps = append(ps, "groups."+g+"."+f)
		}
	}
	return append(ps, ZombieWindowsPath)
}

// expectations decodes the `expect:` mapping.
func (d *decoder) expectations(path string, n *yaml.Node) []Expectation {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping from a summary path (e.g. lost, groups.orders.lost) to a number or {min: X, max: Y}, not %s", describe(n))
		return nil
	}
	var out []Expectation
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := path + "." + k.Value
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			d.errorf(k, path, "a summary path must be a plain word such as lost, not %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorf(k, p, "%s is set twice (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		d.mark(p, k)
		if e, ok := d.expectation(p, k.Value, v); ok {
			e.Line = k.Line
			out = append(out, e)
		}
	}
	return out
}

// expectation decodes one value: a number, {min, max}, or inside_predicted.
func (d *decoder) expectation(p, key string, v *yaml.Node) (Expectation, bool) {
	e := Expectation{Path: key}
	if key == ZombieWindowsPath {
		if v.Kind == yaml.ScalarNode && v.Value == InsidePredicted {
			e.Inside = true
			return e, true
		}
		d.errorf(v, p, "zombie_windows takes %s (every death's window inside its predicted bounds), not %s", InsidePredicted, describe(v))
		return e, false
	}
	switch v.Kind {
	case yaml.ScalarNode:
		var f float64
		before := len(d.errs)
		d.float(p, v, &f)
		if len(d.errs) > before {
			return e, false
		}
		e.Equal = &f
		return e, true
	case yaml.MappingNode:
		var lo, hi *float64
		d.fields(p, v, []string{"min", "max"}, func(key, kp string, kv *yaml.Node) {
			var f float64
			before := len(d.errs)
			d.float(kp, kv, &f)
			if len(d.errs) > before {
				return
			}
			if key == "min" {
				lo = &f
			} else {
				hi = &f
			}
		})
		if lo == nil && hi == nil {
			d.errorf(v, p, "give min, max or both, e.g. {min: 1}")
			return e, false
		}
		if lo != nil && hi != nil && *lo > *hi {
			d.errorf(v, p, "min %g must be <= max %g", *lo, *hi)
			return e, false
		}
		e.Min, e.Max = lo, hi
		return e, true
	}
	d.errorf(v, p, "must be a number or {min: X, max: Y}, not %s", describe(v))
	return e, false
}

// expectPaths checks each expectation's path against the summary's figures
// for the scenario's groups.
func (c *checker) expectPaths() {
	var groups []string
	for _, l := range c.s.Listeners {
		groups = append(groups, l.Group)
	}
	known := ExpectablePaths(groups)
	for _, e := range c.s.Expect {
		rel := "expect." + e.Path
		if slices.Contains(known, e.Path) {
			continue
		}
		if g, _, ok := strings.Cut(strings.TrimPrefix(e.Path, "groups."), "."); ok && strings.HasPrefix(e.Path, "groups.") && !slices.Contains(groups, g) {
			c.errf(rel, "no group %q in this scenario (groups: %s)", g, listNames(groups))
			continue
		}
		c.errf(rel, "%q is not a figure of summary.json; use one of %s, groups.<group>.<figure> or %s", e.Path,
			strings.Join(append(append([]string(nil), figurePaths...), topOnlyPaths...), ", "), ZombieWindowsPath)
	}
}
