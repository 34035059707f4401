package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the scenario file at path and parses it (see Parse). A file
// that cannot be read gives the wrapped os error, not Errors.
func Load(path string) (*File, error) {
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// MaxFileSize caps a scenario file: a batch of scenarios is a few KB, so a
// larger file is a mistake (or /dev/zero) and is refused before reading.
const MaxFileSize = 4 << 20

// readCapped reads a regular file of at most MaxFileSize bytes: a folder, a
// named pipe or a device is refused at once instead of blocking or growing
// without bound.
func readCapped(path string) ([]byte, error) {
	// Stat before opening: opening a named pipe blocks until a writer comes.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("scenario file: %w", err)
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Errorf("scenario file %s: is a folder, not a file: %w", path, ErrNotRegular)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("scenario file %s: not a regular file (%s): %w", path, fi.Mode().Type(), ErrNotRegular)
	case fi.Size() > MaxFileSize:
		return nil, fmt.Errorf("scenario file %s: %d bytes, more than the %d MiB a scenario file may hold: %w", path, fi.Size(), MaxFileSize>>20, ErrTooLarge)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scenario file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("scenario file: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("scenario file %s: more than the %d MiB a scenario file may hold: %w", path, MaxFileSize>>20, ErrTooLarge)
	}
	return data, nil
}

// Errors of reading a scenario file that are the file's fault (exit 2).
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// Parse parses and validates a scenario file. path is used only in
// messages. Bad input gives Errors holding every problem found, sorted by
// line; legal but suspicious settings are in the returned File's Warnings.
func Parse(path string, data []byte) (f *File, err error) {
	d := newDecoder(path)
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, Errors{{File: path, Msg: fmt.Sprintf("internal error while reading the file: %v", r)}}
		}
	}()
	root := d.document(data)
	var scs []Scenario
	if root != nil {
		scs = d.topLevel(root, data)
	}
	if len(d.errs) > 0 {
		return nil, sortedErrors(d.errs)
	}
	return &File{Path: path, Scenarios: scs, Warnings: sortedErrors(d.warns)}, nil
}

// ParseScenario parses a single scenario written as a mapping at the top
// level, such as the output of ResolvedYAML or a Scenario's Written text.
// Field paths in errors start with "scenario".
func ParseScenario(path string, data []byte) (s *Scenario, err error) {
	d := newDecoder(path)
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, Errors{{File: path, Msg: fmt.Sprintf("internal error while reading the file: %v", r)}}
		}
	}()
	root := d.document(data)
	var sc Scenario
	if root != nil {
		if n := normalize(d, root); n != nil {
			sc = d.scenario(scenarioPath("scenario", n), n)
			sc.Written = string(data)
			d.validate(scenarioPath("scenario", n), &sc)
		}
	}
	if len(d.errs) > 0 {
		return nil, sortedErrors(d.errs)
	}
	return &sc, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data as exactly one YAML document and returns its root
// node (not yet normalized), or nil after recording an error.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "", "the file is empty: expected a mapping with a scenarios list")
		} else {
			d.syntax(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			d.syntax(err)
		} else {
			d.errorf(&extra, "", "only one YAML document is allowed (found a second one)")
		}
		return nil
	}
	if len(doc.Content) == 0 {
		d.errorf(nil, "", "the file is empty: expected a mapping with a scenarios list")
		return nil
	}
	return doc.Content[0]
}

// syntax records a YAML syntax error, with its line when the message has one.
func (d *decoder) syntax(err error) {
	msg := err.Error()
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	d.errs = append(d.errs, located{Error{File: d.file, Line: line, Msg: "YAML syntax: " + msg}, 0})
}

// topLevel decodes and validates the top level: defaults and scenarios.
func (d *decoder) topLevel(orig *yaml.Node, data []byte) []Scenario {
	root := normalize(d, orig)
	if root == nil {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "the file must be a mapping with a scenarios list (and optional defaults), not %s", describe(root))
		return nil
	}
	var defaults, list *yaml.Node
	d.fields("", root, []string{"defaults", "scenarios"}, func(key, p string, v *yaml.Node) {
		switch key {
		case "defaults":
			if v.Kind != yaml.MappingNode {
				d.errorf(v, p, "must be a mapping of scenario fields, not %s", describe(v))
				return
			}
			defaults = v
		case "scenarios":
			list = v
		}
	})
	if list == nil {
		if !d.bad["scenarios"] {
			d.errorf(root, "scenarios", "a scenarios list is required")
		}
		return nil
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		d.errorf(list, "scenarios", "must be a list of at least one scenario, not %s", describe(list))
		return nil
	}
	if len(list.Content)*size(defaults) > maxMerged {
		d.errorf(defaults, "defaults", "document too large: %d scenarios × %d nodes of defaults", len(list.Content), size(defaults))
		return nil
	}
	written := writtenItems(orig, data)
	scs := make([]Scenario, 0, len(list.Content))
	paths := make([]string, 0, len(list.Content))
	for i, item := range list.Content {
		base := index("scenarios", i)
		if item.Kind != yaml.MappingNode {
			d.errorf(item, base, "a scenario must be a mapping, not %s", describe(item))
			continue
		}
		merged := mergeDefaults(brokerDefaults(defaults, item), item)
		path := scenarioPath(base, merged)
		s := d.scenario(path, merged)
		if i < len(written) {
			s.Written = written[i]
		}
		d.validate(path, &s)
		scs = append(scs, s)
		paths = append(paths, path)
	}
	d.uniqueNames(scs, paths)
	return scs
}

// uniqueNames reports every scenario whose name an earlier one already uses.
func (d *decoder) uniqueNames(scs []Scenario, paths []string) {
	first := map[string]string{}
	for i, s := range scs {
		p := join(paths[i], "name")
		if s.Name == "" || d.bad[p] {
			continue
		}
		if fp, ok := first[s.Name]; ok {
			at := d.pos[p]
			d.errs = append(d.errs, located{Error{d.file, at[0], p,
				fmt.Sprintf("name %q is already used by the scenario at line %d; names must be unique (they name the output folders)", s.Name, d.pos[fp][0])}, at[1]})
			continue
		}
		first[s.Name] = p
	}
}

// writtenItems returns the source text of each item of the scenarios list,
// de-indented to column 0. Items that do not start on their own line (flow
// style) are written out again from their nodes instead.
func writtenItems(root *yaml.Node, data []byte) []string {
	list := lookup(root, "scenarios")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(strings.ReplaceAll(text, "\r", "\n"), "\ufeff")
	lines := strings.Split(text, "\n")
	// The list ends before the next top-level key, or at the end of the file.
	end := len(lines)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Line > list.Line && k.Line-1 < end {
			end = k.Line - 1
		}
	}
	out := make([]string, len(list.Content))
	for i, item := range list.Content {
		last := end
		if i+1 < len(list.Content) {
			last = list.Content[i+1].Line - 1
		}
		w, ok := sourceText(lines, item, last)
		if !ok {
			w = marshalNode(item)
		}
		out[i] = w
	}
	return out
}

// sourceText cuts lines item.Line..last (1-based) and removes the item's
// indentation ("  - " on its first line, spaces on the others).
func sourceText(lines []string, item *yaml.Node, last int) (string, bool) {
	first, col := item.Line, item.Column-1
	if item.Kind != yaml.MappingNode || item.Style&yaml.FlowStyle != 0 ||
		first < 1 || last < first || last > len(lines) || col < 0 {
		return "", false
	}
	head := []rune(lines[first-1])
	if col > len(head) || strings.Trim(string(head[:col]), " -") != "" {
		return "", false
	}
	out := []string{string(head[col:])}
	for _, l := range lines[first:last] {
		trim := 0
		for trim < col && trim < len(l) && l[trim] == ' ' {
			trim++
		}
		out = append(out, l[trim:])
	}
	for len(out) > 1 {
		t := strings.TrimSpace(out[len(out)-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			break
		}
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n") + "\n", true
}

func marshalNode(n *yaml.Node) string {
	z := &normalizer{d: newDecoder(""), active: map[*yaml.Node]bool{}}
	if c := z.node(n, 0); c != nil {
		if b, err := yaml.Marshal(c); err == nil {
			return string(b)
		}
	}
	return ""
}
