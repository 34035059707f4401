package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a scenario file.
type Error struct {
	File  string // the path given to Parse or Load
	Line  int    // 1-based line of the offending value; 0 if unknown
	Field string // field path, e.g. "scenarios[1] (forced-kill).listeners[0].ack_wait"
	Msg   string // the rule broken, with the values involved
}

// Error formats e as "file:line: field: msg".
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a file, sorted by line. It is the error
// type Load and Parse return for bad input.
type Errors []Error

// Error lists the errors, one per line.
func (es Errors) Error() string {
	if len(es) == 0 {
		return "no errors"
	}
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// located is an Error with the column of its node, used to sort and to drop
// repeats (a bad value in defaults is seen once per scenario).
type located struct {
	Error
	col int
}

// sortedErrors sorts by line and column (stably) and drops repeats of the
// same message at the same place.
func sortedErrors(ls []located) Errors {
	sort.SliceStable(ls, func(i, j int) bool {
		if ls[i].Line != ls[j].Line {
			return ls[i].Line < ls[j].Line
		}
		return ls[i].col < ls[j].col
	})
	type key struct {
		line, col int
		msg       string
	}
	seen := map[key]bool{}
	var out Errors
	for _, l := range ls {
		k := key{l.Line, l.col, l.Msg}
		if l.Line > 0 && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, l.Error)
	}
	return out
}
