package scenario

import (
	"go.yaml.in/yaml/v3"
)

// Limits on the node tree, so that a hostile file (an alias bomb, a deep
// nest) gives an error instead of exhausting memory or the stack.
const (
	maxNodes = 200_000
	maxDepth = 100
	// maxMerged bounds the nodes of all scenarios once defaults are merged
	// into each (scenarios × defaults can be far more than maxNodes).
	maxMerged = 2_000_000
)

// normalizer copies a node tree with aliases resolved and merge keys (<<)
// expanded, keeping every node's line and column.
type normalizer struct {
	d      *decoder
	nodes  int
	failed bool
	active map[*yaml.Node]bool // nodes being copied, to catch self-reference
}

func normalize(d *decoder, n *yaml.Node) *yaml.Node {
	z := &normalizer{d: d, active: map[*yaml.Node]bool{}}
	out := z.node(n, 0)
	if z.failed {
		return nil
	}
	return out
}

func (z *normalizer) fail(n *yaml.Node, msg string) *yaml.Node {
	if !z.failed {
		z.d.errorf(n, "", "%s", msg)
	}
	z.failed = true
	return nil
}

func (z *normalizer) node(n *yaml.Node, depth int) *yaml.Node {
	if z.failed || n == nil {
		return nil
	}
	if z.nodes++; z.nodes > maxNodes {
		return z.fail(n, "document too large (too many nodes once aliases are expanded)")
	}
	if depth > maxDepth {
		return z.fail(n, "document nested too deeply")
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return z.fail(n, "unknown alias *"+n.Value)
		}
		if z.active[n.Alias] {
			return z.fail(n, "alias *"+n.Value+" refers to a node that contains it")
		}
		z.active[n] = true
		defer delete(z.active, n)
		return z.node(n.Alias, depth+1)
	case yaml.DocumentNode, yaml.SequenceNode, yaml.MappingNode:
		z.active[n] = true
		defer delete(z.active, n)
		c := *n
		c.Content = make([]*yaml.Node, 0, len(n.Content))
		var merged []*yaml.Node // key, value pairs from << merge keys
		for i := 0; i < len(n.Content); i++ {
			if n.Kind == yaml.MappingNode && i%2 == 0 && isMergeKey(n.Content[i]) && i+1 < len(n.Content) {
				merged = append(merged, z.mergeSource(n.Content[i+1], depth+1)...)
				i++
				continue
			}
			v := z.node(n.Content[i], depth+1)
			if v == nil {
				return nil
			}
			c.Content = append(c.Content, v)
		}
		if len(merged) > 0 {
			have := keys(&c)
			for i := 0; i+1 < len(merged); i += 2 {
				if _, ok := have[merged[i].Value]; !ok {
					have[merged[i].Value] = merged[i+1]
					c.Content = append(c.Content, merged[i], merged[i+1])
				}
			}
		}
		return &c
	default:
		return n
	}
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// mergeSource returns the key, value pairs a merge key brings in: those of
// a mapping, or of a list of mappings (earlier ones win).
func (z *normalizer) mergeSource(v *yaml.Node, depth int) []*yaml.Node {
	v = z.node(v, depth)
	if v == nil {
		return nil
	}
	var maps []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{v}
	case yaml.SequenceNode:
		maps = v.Content
	}
	var out []*yaml.Node
	for _, m := range maps {
		if m.Kind != yaml.MappingNode {
			z.fail(v, "a merge key (<<) needs a mapping or a list of mappings")
			return nil
		}
		out = append(out, m.Content...)
	}
	if len(maps) == 0 {
		z.fail(v, "a merge key (<<) needs a mapping or a list of mappings")
	}
	return out
}

// mergeDefaults lays item over def: mappings merge deeply (item wins, a null
// in item counts as absent), anything else in item replaces def. Values
// taken from def keep def's lines, so errors point at the defaults section.
func mergeDefaults(def, item *yaml.Node) *yaml.Node {
	if def == nil || isNull(def) {
		return item
	}
	if item == nil || isNull(item) {
		return def
	}
	if def.Kind != yaml.MappingNode || item.Kind != yaml.MappingNode {
		return item
	}
	c := *item
	c.Content = make([]*yaml.Node, 0, len(item.Content)+len(def.Content))
	defKeys, itemKeys := keys(def), keys(item)
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if dv, ok := defKeys[k.Value]; ok && k.Kind == yaml.ScalarNode {
			v = mergeDefaults(dv, v)
		}
		c.Content = append(c.Content, k, v)
	}
	for i := 0; i+1 < len(def.Content); i += 2 {
		if _, ok := itemKeys[def.Content[i].Value]; !ok {
			c.Content = append(c.Content, def.Content[i], def.Content[i+1])
		}
	}
	return &c
}

// keys maps each key of mapping n to its (first) value.
func keys(n *yaml.Node) map[string]*yaml.Node {
	m := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, ok := m[n.Content[i].Value]; !ok {
			m[n.Content[i].Value] = n.Content[i+1]
		}
	}
	return m
}

// size counts the nodes of a normalized tree.
func size(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	total := 1
	for _, c := range n.Content {
		total += size(c)
	}
	return total
}
