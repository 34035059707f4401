package scenario

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// valueAt names a sweep value: its field path in the sweep and its axis.
type valueAt struct{ field, axis string }

// decodeAlone decodes and validates a scenario mapping on its own and
// returns what it found, keyed by place and message.
func decodeAlone(file, path string, n *yaml.Node) (errs, warns map[string]bool) {
	cd := newDecoder(file)
	s := cd.scenario(path, n)
	cd.validate(path, &s)
	return locatedSet(cd.errs), locatedSet(cd.warns)
}

func locatedSet(ls []located) map[string]bool {
	m := make(map[string]bool, len(ls))
	for _, l := range ls {
		m[locKey(l)] = true
	}
	return m
}

func locKey(l located) string { return fmt.Sprintf("%d:%d:%s", l.Line, l.col, l.Msg) }

// cellProblems gathers the problems cells have that the scenario alone has
// not, each with the cells that have it, in the order first seen.
type cellProblems struct {
	base  map[string]bool
	order []string
	byKey map[string]*cellProblem
}

type cellProblem struct {
	l       located
	atValue bool
	cells   []int
}

func newCellProblems(base map[string]bool) *cellProblems {
	return &cellProblems{base: base, byKey: map[string]*cellProblem{}}
}

// add records a cell's problems; one at a value is reported at the sweep's
// value ("as PATH: ..."), once.
func (p *cellProblems) add(ls []located, at map[[2]int]valueAt, cell int) {
	for _, l := range ls {
		k := locKey(l)
		if p.base[k] {
			continue
		}
		cp, ok := p.byKey[k]
		if !ok {
			cp = &cellProblem{l: l}
			if v, ok := at[[2]int{l.Line, l.col}]; ok {
				cp.atValue = true
				cp.l.Field, cp.l.Msg = v.field, "as "+v.axis+": "+l.Msg
			}
			p.byKey[k] = cp
			p.order = append(p.order, k)
		}
		cp.cells = append(cp.cells, cell)
	}
}

// list returns the problems; one not at a value says in which cells it
// arises (cellsText).
func (p *cellProblems) list(sw *Sweep, cells []Cell) []located {
	out := make([]located, 0, len(p.order))
	for _, k := range p.order {
		cp := p.byKey[k]
		l := cp.l
		if !cp.atValue {
			l.Msg += " (" + cellsText(sw, cells, cp.cells) + ")"
		}
		out = append(out, l)
	}
	return out
}

// cellsText names a set of cells: "in every sweep cell", "with sweep
// publishers.tickets.count 3" when the set is exactly the cells sharing
// those values, else "in 2 of 8 sweep cells, e.g. ...".
func cellsText(sw *Sweep, cells []Cell, set []int) string {
	if len(set) == len(cells) {
		return "in every sweep cell"
	}
	var shared []string
	size := 1 // cells that share those values
	for a, ax := range sw.Axes {
		v := cells[set[0]].Values[a]
		if slices.ContainsFunc(set, func(c int) bool { return cells[c].Values[a] != v }) {
			size *= len(ax.Values)
			continue
		}
		shared = append(shared, ax.Path+" "+v)
	}
	if len(shared) > 0 && size == len(set) {
		return "with sweep " + strings.Join(shared, ", ")
	}
	return fmt.Sprintf("in %d of %d sweep cells, e.g. %s", len(set), len(cells), sw.Describe(cells[set[0]]))
}
