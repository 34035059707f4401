package analyze

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// Every path the scenario validator accepts names a figure of summary.json
// (a number, or null for a percentile over nothing): the two lists cannot
// drift apart.
func TestExpectablePathsResolve(t *testing.T) {
	l, err := history.ReadFile("testdata/two-groups.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(l)
	b, _ := json.Marshal(&a.Summary)
	var tree map[string]any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	for _, p := range scenario.ExpectablePaths(a.Groups()) {
		if p == scenario.ZombieWindowsPath {
			continue
		}
		v, ok := lookupPath(tree, p)
		if _, num := v.(float64); !ok || (v != nil && !num) {
			t.Errorf("%s: %v (found %v), want a number or null", p, v, ok)
		}
	}
}

// Expectations are checked against the summary: equal, min/max, a missing
// percentile, and the zombie windows against their predictions.
func TestCheckExpectations(t *testing.T) {
	sc, err := scenario.ParseScenario("exp.yaml", []byte(`
name: exp
duration: 10s
sample_interval: 50ms
server: {heartbeat: {interval: 2s, timeout: 2s, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 100, rate: 50, keys: 5}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 2s}]
faults: [{at: 1500ms, member: orders-1, death: forced}]
expect:
  lost: 0
  out_of_order.inversions: {min: 1, max: 5}
  groups.orders.processed: 100
  redelivery_delay_ms.p50: {max: 10}
  zombie_windows: inside_predicted
`))
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := sc.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	l, err := history.ReadFile("testdata/forced-kill-ackwait.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	l.Start.Resolved = string(resolved)
	a := Analyze(l)
	want := map[string]bool{
		"lost": true, "out_of_order.inversions": false, "groups.orders.processed": true,
		"redelivery_delay_ms.p50": false, "zombie_windows": true,
	}
	if len(a.Summary.Expectations) != len(want) {
		t.Fatalf("expectations %+v", a.Summary.Expectations)
	}
	for _, r := range a.Summary.Expectations {
		if r.OK != want[r.Path] {
			t.Errorf("%s: want %s, got %v: ok %v, want %v", r.Path, r.Want, r.Got, r.OK, want[r.Path])
		}
	}
	if got := a.Summary.Expectations[1]; got.Want != "min 1, max 5" || got.Got != float64(10) {
		t.Errorf("inversions: %+v", got)
	}
	if z := a.Summary.Expectations[4].Got.(string); !strings.HasPrefix(z, "1 of 1 inside") {
		t.Errorf("zombie_windows got %q", z)
	}
	if n := len(a.Summary.Failed()); n != 2 {
		t.Errorf("%d failed, want 2", n)
	}
}
