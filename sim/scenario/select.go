package scenario

import (
	"fmt"
	"slices"
	"strings"
)

// Select returns the scenarios to run, in file order.
//
// With only (scenario names), exactly those are selected; an unknown name is
// an error that lists the valid names. Without only, every scenario is
// selected except those tagged "slow", unless tags holds "slow". In both
// cases, scenarios having any of tags are also included. Empty entries and
// surrounding spaces in only and tags are ignored, so a split "a,,b" works.
func (f *File) Select(only []string, tags []string) ([]Scenario, error) {
	only, tags = clean(only), clean(tags)
	var valid []string
	for _, s := range f.Scenarios {
		valid = append(valid, s.Name)
	}
	var unknown []string
	for _, n := range only {
		if !slices.Contains(valid, n) && !slices.Contains(unknown, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		quoted := make([]string, len(unknown))
		for i, n := range unknown {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		noun := "scenario"
		if len(unknown) > 1 {
			noun = "scenarios"
		}
		return nil, fmt.Errorf("%s: unknown %s %s; valid names: %s", f.Path, noun, strings.Join(quoted, ", "), strings.Join(valid, ", "))
	}
	var out []Scenario
	for _, s := range f.Scenarios {
		in := slices.Contains(only, s.Name)
		if len(only) == 0 {
			in = !s.HasTag(TagSlow) || slices.Contains(tags, TagSlow)
		}
		if !in {
			in = slices.ContainsFunc(tags, s.HasTag)
		}
		if in {
			out = append(out, s)
		}
	}
	return out, nil
}

// clean trims the entries of xs and drops empty ones.
func clean(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
