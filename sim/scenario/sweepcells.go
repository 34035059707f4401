package scenario

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// step is one step of a path into a scenario mapping: a key, or the item of
// a list whose itemField is itemName.
type step struct{ key, itemField, itemName string }

// sweepCells builds every cell of the grid: the scenario mapping with each
// axis's value node written in its field, decoded and validated like any
// scenario. Problems a cell has and the scenario itself has not are
// reported (sweepproblems.go).
func (d *decoder) sweepCells(path string, scen *yaml.Node, sw *Sweep, targets []sweepTarget) []Cell {
	spath := parent(path) // the scenario's own path
	base := withoutKey(scen, "sweep")
	baseErrs, baseWarns := decodeAlone(d.file, spath, base)
	names := cellNames(sw)
	errs, warns := newCellProblems(baseErrs), newCellProblems(baseWarns)
	odo := make([]int, len(targets)) // the value index of each axis
	cells := make([]Cell, 0, len(names))
	for ci := range names {
		node := base
		vals := make([]string, len(targets))
		at := map[[2]int]valueAt{}
		for a, t := range targets {
			vn := t.values[odo[a]]
			node = replaceAt(node, t.steps, vn)
			vals[a] = vn.Value
			at[[2]int{vn.Line, vn.Column}] = valueAt{field: index(t.path, odo[a]), axis: sw.Axes[a].Path}
		}
		cd := newDecoder(d.file)
		cs := cd.scenario(spath, node)
		cd.validate(spath, &cs)
		for i := range cs.Expect {
			cs.Expect[i].Line = 0 // the sweep scenario's lines, not the cell's
		}
		errs.add(cd.errs, at, ci)
		warns.add(cd.warns, at, ci)
		cells = append(cells, Cell{Index: ci, Name: names[ci], Values: vals, Scenario: cs})
		for a := len(odo) - 1; a >= 0; a-- { // the last axis varies fastest
			if odo[a]++; odo[a] < len(targets[a].values) {
				break
			}
			odo[a] = 0
		}
	}
	d.errs = append(d.errs, errs.list(sw, cells)...)
	d.warns = append(d.warns, warns.list(sw, cells)...)
	return cells
}

// withoutKey copies mapping n without key.
func withoutKey(n *yaml.Node, key string) *yaml.Node {
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
}

// replaceAt copies n with v at the end of steps, copying only the nodes on
// the way; missing mappings are created (at v's position).
func replaceAt(n *yaml.Node, steps []step, v *yaml.Node) *yaml.Node {
	if len(steps) == 0 {
		return v
	}
	if n == nil || isNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: v.Line, Column: v.Column}
	}
	st := steps[0]
	c := *n
	c.Content = slices.Clone(n.Content)
	if st.key == "" {
		for i, it := range c.Content {
			if f := lookup(it, st.itemField); f != nil && f.Value == st.itemName {
				c.Content[i] = replaceAt(it, steps[1:], v)
				break
			}
		}
		return &c
	}
	if c.Kind != yaml.MappingNode {
		return &c // the decoder reports the wrong type
	}
	for i := 0; i+1 < len(c.Content); i += 2 {
		if c.Content[i].Value == st.key {
			c.Content[i+1] = replaceAt(c.Content[i+1], steps[1:], v)
			return &c
		}
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: st.key, Line: v.Line, Column: v.Column}
	c.Content = append(c.Content, key, replaceAt(nil, steps[1:], v))
	return &c
}

// cellNames names the cells in grid order: c1-interval-250ms-fail-count-2,
// from each axis's last field (its whole path when two axes share it) and
// the value as written, reduced to [a-z0-9-].
func cellNames(sw *Sweep) []string {
	short := make([]string, len(sw.Axes))
	for i, ax := range sw.Axes {
		short[i] = ax.Path[strings.LastIndex(ax.Path, ".")+1:]
		for j, o := range sw.Axes {
			if j != i && strings.HasSuffix(o.Path, "."+short[i]) {
				short[i] = ax.Path
			}
		}
	}
	n := gridSize(sw)
	width := len(fmt.Sprint(n))
	names := make([]string, n)
	for ci := range names {
		parts := []string{fmt.Sprintf("c%0*d", width, ci+1)}
		rest := ci
		vals := make([]string, len(sw.Axes))
		for a := len(sw.Axes) - 1; a >= 0; a-- {
			vs := sw.Axes[a].Values
			vals[a] = vs[rest%len(vs)]
			rest /= len(vs)
		}
		for a := range sw.Axes {
			parts = append(parts, slug(short[a]), slug(vals[a]))
		}
		names[ci] = strings.Join(parts, "-")
	}
	return names
}

// slug reduces s to [a-z0-9-]: "." becomes "p" (1.5 -> 1p5), other
// characters a single "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '.':
			b.WriteByte('p')
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
