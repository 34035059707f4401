package scenario

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A sweep (`sweep: {repeat: N, axes: {PATH: [values...]}}`) is a grid over
// numeric or duration fields of a scenario: each cell is the scenario with
// one value of every axis written in its field, decoded and validated as if
// it had been written there, and run Repeat times.

// Limits of a sweep.
const (
	maxAxes       = 3
	maxAxisValues = 20
	maxRepeat     = 20
	maxSweepRuns  = 400
)

// DefaultSweepFigure is the sweep.csv column the sweep's charts show when
// `figure:` is not given: the first death's zombie window.
const DefaultSweepFigure = "zombie_ms"

// SweepOnlyFigures are sweep.csv's figures beyond summary.json's: the first
// death's zombie window, the longest window, and the first death's held
// messages, messages sent while dead and hand-off delay (report/sweep.go
// writes them).
var SweepOnlyFigures = []string{"zombie_ms", "zombie_ms_max", "held", "sent_to_dead", "handoff_ms"}

var sweepFields = []string{"repeat", "axes", "figure"}

// Sweep is a scenario's grid of cells.
type Sweep struct {
	Repeat int    // runs per cell, each with its own seed (default 1)
	Axes   []Axis // in file order; the first varies slowest
	// Figure is the sweep.csv column the heat map and line chart show.
	Figure string
	cells  []Cell // decoded and validated, in grid order
}

// Axis is one swept field and its values.
type Axis struct {
	Path   string   // server.heartbeat.interval, listeners.<group>.ack_wait, publishers.<name>.rate
	Values []string // as written
}

// Cell is one point of the grid.
type Cell struct {
	Index int // 0-based, in grid order
	// Name is c1-interval-250ms-fail-count-2: [a-z0-9-]+, unique in the
	// sweep, readable (folder names); its first part (c1) is the cell's id.
	Name   string
	Values []string // one per axis, as written
	// Scenario is the cell's scenario, named <sweep>-c<i>: the sweep
	// scenario with the cell's values in their fields, an ordinary
	// scenario (no sweep).
	Scenario Scenario
}

// SweepRun is one run of a cell.
type SweepRun struct {
	Cell   Cell
	Repeat int    // 1-based
	Name   string // folder name: <cell name>-r<repeat>
	// Scenario is the cell's scenario named <sweep>-c<i>-r<repeat>, with
	// this run's seed.
	Scenario Scenario
}

// ID is the cell's short id: "c1".
func (c Cell) ID() string { id, _, _ := strings.Cut(c.Name, "-"); return id }

// scenarioName is name with suffix, name shortened to keep the whole within
// the schema's limit on names.
func scenarioName(name, suffix string) string {
	if over := len(name) + len(suffix) - maxNameLen; over > 0 {
		name = strings.TrimRight(name[:max(len(name)-over, 1)], "-")
	}
	return name + suffix
}

// sweepLeaf is a field an axis may name.
type sweepLeaf struct{ kind, rule string }

// sweepLeaves are the numeric and duration fields of each root.
var sweepLeaves = map[string]map[string]sweepLeaf{
	"server": {
		"heartbeat.interval": {"duration", ""}, "heartbeat.timeout": {"duration", ""}, "heartbeat.fail_count": {"whole number", ""},
	},
	"listeners": {
		"members": {"whole number", ""}, "ack_wait": {"duration", ""}, "max_inflight": {"whole number", ""},
		"process_time": {"duration", "a fixed duration"},
	},
	"publishers": {"count": {"whole number", ""}, "rate": {"number", ""}, "keys": {"whole number", ""}},
}

// SweepFigures lists the figures a sweep's `figure:` may name: sweep.csv's
// numeric columns.
func SweepFigures() []string {
	return append(append(append([]string(nil), SweepOnlyFigures...), figurePaths...), topOnlyPaths...)
}

// Cells returns the sweep's cells in grid order (the first axis varies
// slowest), each named, described and with the scenario's text as written.
func (s *Scenario) Cells() []Cell {
	if s.Sweep == nil {
		return nil
	}
	out := make([]Cell, len(s.Sweep.cells))
	for i, c := range s.Sweep.cells {
		c.Scenario.Name = scenarioName(s.Name, "-"+c.ID())
		c.Scenario.Tags = slices.Clone(s.Tags)
		c.Scenario.Description = strings.TrimSpace(s.Description + " Sweep cell " + c.Name + ": " + s.Sweep.Describe(c) + ".")
		c.Scenario.Written = s.Written
		c.Scenario.Seed = s.Seed
		out[i] = c
	}
	return out
}

// Runs returns every run of the sweep: each cell Repeat times. Run k
// (1-based) of every cell has seed Seed+k-1, so cells are compared under
// the same random draws.
func (s *Scenario) Runs() []SweepRun {
	if s.Sweep == nil {
		return nil
	}
	var runs []SweepRun
	for _, c := range s.Cells() {
		for k := 1; k <= s.Sweep.Repeat; k++ {
			r := SweepRun{Cell: c, Repeat: k, Name: fmt.Sprintf("%s-r%d", c.Name, k), Scenario: c.Scenario}
			r.Scenario.Name = scenarioName(s.Name, fmt.Sprintf("-%s-r%d", c.ID(), k))
			r.Scenario.Seed = s.Seed + int64(k-1)
			r.Scenario.Description = fmt.Sprintf("%s Run %d of %d, seed %d.", c.Scenario.Description, k, s.Sweep.Repeat, r.Scenario.Seed)
			runs = append(runs, r)
		}
	}
	return runs
}

// Describe names a cell's values: "server.heartbeat.interval 250ms,
// server.heartbeat.fail_count 2".
func (sw *Sweep) Describe(c Cell) string {
	parts := make([]string, len(sw.Axes))
	for i, ax := range sw.Axes {
		parts[i] = ax.Path + " " + c.Values[i]
	}
	return strings.Join(parts, ", ")
}

// node writes the sweep back in the file's schema; nil without a sweep.
func (sw *Sweep) node() *yaml.Node {
	if sw == nil {
		return nil
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	plain := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	axes := &yaml.Node{Kind: yaml.MappingNode}
	for _, ax := range sw.Axes {
		vals := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range ax.Values {
			vals.Content = append(vals.Content, plain(v))
		}
		axes.Content = append(axes.Content, str(ax.Path), vals)
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("repeat"), plain(fmt.Sprint(sw.Repeat)), str("figure"), str(sw.Figure), str("axes"), axes,
	}}
}

// sweep decodes `sweep:` (n) of the scenario mapping scen and decodes and
// validates every cell; problems with a value are reported at the value.
func (d *decoder) sweep(path string, scen, n *yaml.Node) *Sweep {
	sw := &Sweep{Repeat: 1, Figure: DefaultSweepFigure}
	var axes *yaml.Node
	before := len(d.errs)
	if !d.fields(path, n, sweepFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "repeat":
			d.int(p, v, &sw.Repeat)
		case "axes":
			axes = v
		case "figure":
			d.str(p, v, &sw.Figure)
		}
	}) {
		return nil
	}
	d.require(path, n, "axes")
	if sw.Repeat < 1 || sw.Repeat > maxRepeat {
		d.errorf(lookup(n, "repeat"), join(path, "repeat"), "repeat %d: must be between 1 and %d", sw.Repeat, maxRepeat)
	}
	if !slices.Contains(SweepFigures(), sw.Figure) {
		d.errorf(lookup(n, "figure"), join(path, "figure"), "figure %q is not a column of sweep.csv; use one of %s", sw.Figure, strings.Join(SweepFigures(), ", "))
	}
	var targets []sweepTarget
	if axes != nil {
		targets = d.sweepAxes(join(path, "axes"), scen, axes, sw)
	}
	if len(d.errs) > before {
		return sw
	}
	if runs := gridSize(sw) * sw.Repeat; runs > maxSweepRuns {
		d.errorf(n, path, "%d runs (%d cells × repeat %d): at most %d", runs, gridSize(sw), sw.Repeat, maxSweepRuns)
		return sw
	}
	sw.cells = d.sweepCells(path, scen, sw, targets)
	return sw
}

// sweepTarget is where an axis writes its values, and its value nodes.
type sweepTarget struct {
	steps  []step
	values []*yaml.Node
	path   string // field path of the axis in the sweep, for errors
}

// sweepAxes decodes the axes mapping and resolves each path in scen.
func (d *decoder) sweepAxes(path string, scen, n *yaml.Node, sw *Sweep) []sweepTarget {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		d.errorf(n, path, "must be a mapping from a field path (e.g. server.heartbeat.interval) to a list of values, not %s", describe(n))
		return nil
	}
	if len(n.Content)/2 > maxAxes {
		d.errorf(n, path, "%d axes: at most %d", len(n.Content)/2, maxAxes)
		return nil
	}
	var targets []sweepTarget
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := path + "." + k.Value
		if k.Kind != yaml.ScalarNode || slices.ContainsFunc(sw.Axes, func(a Axis) bool { return a.Path == k.Value }) {
			d.errorf(k, p, "each axis must be a field path, given once")
			continue
		}
		steps, ok := d.axisSteps(p, k, scen)
		vals, vok := d.axisValues(p, v)
		if !ok || !vok {
			continue
		}
		ax := Axis{Path: k.Value}
		for _, vn := range vals {
			ax.Values = append(ax.Values, vn.Value)
		}
		sw.Axes = append(sw.Axes, ax)
		targets = append(targets, sweepTarget{steps: steps, values: vals, path: p})
	}
	return targets
}

// axisSteps resolves an axis path: server.<field>..., listeners.<group>.<field>
// or publishers.<name>.<field>, ending in a numeric or duration field.
func (d *decoder) axisSteps(p string, k, scen *yaml.Node) ([]step, bool) {
	root, rest, _ := strings.Cut(k.Value, ".")
	leaves, ok := sweepLeaves[root]
	if !ok {
		d.errorf(k, p, "%q: an axis path starts with server., listeners.<group>. or publishers.<name>.", k.Value)
		return nil, false
	}
	item, field := "", rest
	if root != "server" {
		item, field, _ = strings.Cut(rest, ".")
	}
	if _, ok := leaves[field]; !ok {
		d.errorf(k, p, "%q: %s is not a numeric or duration field of %s; sweepable: %s", k.Value, field, root, strings.Join(leafNames(leaves), ", "))
		return nil, false
	}
	steps := []step{{key: root}}
	switch root {
	case "listeners", "publishers":
		by := map[string]string{"listeners": "group", "publishers": "name"}[root]
		names := itemNames(lookup(scen, root), by)
		if !slices.Contains(names, item) {
			d.errorf(k, p, "%q: no %s with %s %q in this scenario (%s)", k.Value, strings.TrimSuffix(root, "s"), by, item, listNames(names))
			return nil, false
		}
		steps = append(steps, step{itemField: by, itemName: item})
	}
	for _, f := range strings.Split(field, ".") {
		steps = append(steps, step{key: f})
	}
	return steps, true
}

// axisValues checks an axis's list: 1 to maxAxisValues plain values, no repeats.
func (d *decoder) axisValues(p string, v *yaml.Node) ([]*yaml.Node, bool) {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 || len(v.Content) > maxAxisValues {
		d.errorf(v, p, "must be a list of 1 to %d values, not %s", maxAxisValues, describe(v))
		return nil, false
	}
	ok := true
	seen := map[string]int{}
	for i, vn := range v.Content {
		ip := index(p, i)
		switch {
		case vn.Kind != yaml.ScalarNode || isNull(vn):
			d.errorf(vn, ip, "must be a number or a duration, not %s", describe(vn))
			ok = false
		case seen[vn.Value] > 0:
			d.errorf(vn, ip, "%s is listed twice (first at line %d)", vn.Value, seen[vn.Value])
			ok = false
		default:
			seen[vn.Value] = vn.Line
		}
	}
	return v.Content, ok
}

func leafNames(m map[string]sweepLeaf) []string {
	var ns []string
	for k, l := range m {
		if l.rule != "" {
			k += " (" + l.rule + ")"
		}
		ns = append(ns, k)
	}
	slices.Sort(ns)
	return ns
}

// itemNames lists the by-field of each mapping in list n.
func itemNames(n *yaml.Node, by string) []string {
	var out []string
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	for _, it := range n.Content {
		if v := lookup(it, by); v != nil && v.Kind == yaml.ScalarNode {
			out = append(out, v.Value)
		}
	}
	return out
}

func gridSize(sw *Sweep) int {
	n := 1
	for _, ax := range sw.Axes {
		n *= len(ax.Values)
	}
	return n
}
