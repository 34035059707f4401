package scenario

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder turns (normalized, merged) yaml nodes into Go values, collecting
// every error instead of stopping at the first. It remembers where each
// field path was written so that validation can point at the same line.
type decoder struct {
	file  string
	errs  []located
	warns []located
	pos   map[string][2]int // field path -> line, column of its value
	bad   map[string]bool   // field paths that failed to decode
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string][2]int{}, bad: map[string]bool{}}
}

// errorf records an error at node n and marks path as bad, so that
// validation does not report it a second time.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	var line, col int
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.errs = append(d.errs, located{Error{d.file, line, path, fmt.Sprintf(format, args...)}, col})
	if path != "" {
		d.bad[path] = true
	}
}

// mark records where path was written.
func (d *decoder) mark(path string, n *yaml.Node) { d.pos[path] = [2]int{n.Line, n.Column} }

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// parent strips the last ".field" or "[i]" of path; "" when none is left.
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names a node's kind and value for messages: `the string "x"`.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int":
			return "the integer " + n.Value
		case "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected node"
}

// lookup returns the value of key in mapping n, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// fields walks mapping n at path and calls set for each known field whose
// value is not null (null counts as absent). Unknown and repeated fields are
// errors. It reports whether n was a mapping.
func (d *decoder) fields(path string, n *yaml.Node, known []string, set func(key, p string, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping, not %s", describe(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "field names must be plain words, not %s", describe(k))
			continue
		}
		p := join(path, k.Value)
		if !slices.Contains(known, k.Value) {
			d.errorf(k, p, "unknown field %q%s", k.Value, suggest(k.Value, known))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorf(k, p, "%s is set twice (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if isNull(v) {
			continue
		}
		d.mark(p, v)
		set(k.Value, p, v)
	}
	return true
}

// suggest returns ` (did you mean "x"?)` for a near miss, else the list of
// known fields.
func suggest(got string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(got, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return "; known fields: " + strings.Join(known, ", ")
}

// editDistance is the Levenshtein distance between short field names.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// require reports each of fields that is absent from the mapping at path.
func (d *decoder) require(path string, n *yaml.Node, fields ...string) {
	for _, f := range fields {
		p := join(path, f)
		if _, ok := d.pos[p]; !ok && !d.bad[p] {
			d.errorf(n, p, "%s is required", f)
		}
	}
}

// list walks sequence n at path, calling item for each element.
func (d *decoder) list(path string, n *yaml.Node, what string, item func(p string, v *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "must be a list of %s, not %s", what, describe(n))
		return
	}
	for i, v := range n.Content {
		p := index(path, i)
		d.mark(p, v)
		item(p, v)
	}
}

func (d *decoder) str(p string, v *yaml.Node, dst *string) bool {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, p, "must be a string, not %s", describe(v))
		return false
	}
	*dst = v.Value
	return true
}

func (d *decoder) strList(p string, v *yaml.Node, dst *[]string) {
	var out []string
	d.list(p, v, "strings", func(ip string, iv *yaml.Node) {
		var s string
		if isNull(iv) {
			d.errorf(iv, ip, "must be a string, not null")
		} else if d.str(ip, iv, &s) {
			out = append(out, s)
		}
	})
	*dst = out
}

// strMap decodes a mapping of names to string values.
func (d *decoder) strMap(p string, v *yaml.Node, dst *map[string]string) {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, p, "must be a mapping of names to strings, not %s", describe(v))
		return
	}
	out := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		kp := join(p, k.Value)
		d.mark(kp, val)
		var s string
		switch {
		case k.Kind != yaml.ScalarNode:
			d.errorf(k, p, "names must be plain words, not %s", describe(k))
		case isNull(val):
			d.errorf(val, kp, "must be a string, not null")
		case d.str(kp, val, &s):
			out[k.Value] = s
		}
	}
	*dst = out
}

// integer decodes a whole number (an integral float such as 1e6 is accepted).
func (d *decoder) integer(p string, v *yaml.Node, dst *int64) bool {
	if v.Kind == yaml.ScalarNode {
		switch v.ShortTag() {
		case "!!int":
			var x int64
			if err := v.Decode(&x); err != nil {
				d.errorf(v, p, "%s is out of range for a 64-bit integer", v.Value)
				return false
			}
			*dst = x
			return true
		case "!!float":
			var f float64
			if v.Decode(&f) == nil && f == math.Trunc(f) && !math.IsInf(f, 0) {
				if math.Abs(f) > 1<<53 {
					d.errorf(v, p, "%s is out of range for a 64-bit integer (or not exact)", v.Value)
					return false
				}
				*dst = int64(f)
				return true
			}
		}
	}
	d.errorf(v, p, "must be a whole number, not %s", describe(v))
	return false
}

func (d *decoder) int(p string, v *yaml.Node, dst *int) {
	var x int64
	if d.integer(p, v, &x) {
		if x < math.MinInt || x > math.MaxInt {
			d.errorf(v, p, "%s is out of range", v.Value)
			return
		}
		*dst = int(x)
	}
}

func (d *decoder) float(p string, v *yaml.Node, dst *float64) {
	if v.Kind == yaml.ScalarNode {
		if t := v.ShortTag(); t == "!!int" || t == "!!float" {
			var f float64
			if err := v.Decode(&f); err == nil {
				*dst = f
				return
			}
		}
	}
	d.errorf(v, p, "must be a number, not %s", describe(v))
}

// duration decodes a Go duration string ("250ms", "1m30s"). A bare number
// is an error, except 0.
func (d *decoder) duration(p string, v *yaml.Node, dst *time.Duration) bool {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, p, "must be a duration such as 250ms or 2s, not %s", describe(v))
		return false
	}
	s := strings.TrimSpace(v.Value)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f == 0 {
			*dst = 0
			return true
		}
		d.errorf(v, p, "%s has no unit: use a unit, e.g. %ss or %sms", s, s, s)
		return false
	}
	x, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(v, p, "bad duration %q: use a Go duration such as 250ms, 2s or 1m30s", v.Value)
		return false
	}
	*dst = x
	return true
}

// durationList decodes a list of durations.
func (d *decoder) durationList(p string, v *yaml.Node, dst *[]time.Duration) {
	var out []time.Duration
	d.list(p, v, "durations", func(ip string, iv *yaml.Node) {
		var x time.Duration
		if d.duration(ip, iv, &x) {
			out = append(out, x)
		}
	})
	*dst = out
}

// dist decodes a processing time: a duration, {uniform: [min, max]} or
// {exponential: mean}.
func (d *decoder) dist(p string, v *yaml.Node, dst *Dist) {
	const forms = "a duration such as 20ms, {uniform: [5ms, 30ms]} or {exponential: 20ms}"
	switch v.Kind {
	case yaml.ScalarNode:
		var x time.Duration
		if d.duration(p, v, &x) {
			*dst = Dist{Kind: DistFixed, Fixed: x}
		}
		return
	case yaml.MappingNode:
	default:
		d.errorf(v, p, "must be %s, not %s", forms, describe(v))
		return
	}
	if len(v.Content) != 2 {
		d.errorf(v, p, "must be %s: give exactly one of uniform or exponential", forms)
		return
	}
	out, before := Dist{}, len(d.errs)
	d.fields(p, v, []string{DistUniform, DistExponential}, func(key, kp string, kv *yaml.Node) {
		switch key {
		case DistUniform:
			if kv.Kind != yaml.SequenceNode || len(kv.Content) != 2 {
				d.errorf(kv, kp, "must be a list [min, max] of two durations, not %s", describe(kv))
				return
			}
			ok1 := d.duration(index(kp, 0), kv.Content[0], &out.Min)
			ok2 := d.duration(index(kp, 1), kv.Content[1], &out.Max)
			if ok1 && ok2 {
				out.Kind = DistUniform
			} else {
				d.bad[kp] = true
			}
		case DistExponential:
			if d.duration(kp, kv, &out.Mean) {
				out.Kind = DistExponential
			}
		}
	})
	if out.Kind == "" {
		if len(d.errs) == before {
			d.errorf(v, p, "must be %s, with a value", forms)
		}
		d.bad[p] = true
		return
	}
	*dst = out
}

// boolean decodes true or false.
func (d *decoder) boolean(p string, v *yaml.Node, dst *bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool" {
		var b bool
		if err := v.Decode(&b); err == nil {
			*dst = b
			return
		}
	}
	d.errorf(v, p, "must be true or false, not %s", describe(v))
}
