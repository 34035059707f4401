package batch

import (
	"runtime"
	"testing"

	"github.com/stansim/stansim/sim/scenario"
)

func TestDefaultParallel(t *testing.T) {
	cpus := float64(runtime.NumCPU())
	light := scenario.Scenario{Publishers: []scenario.Publisher{{Channel: "a", Rate: 30}},
		Listeners: []scenario.Listener{{Group: "g", Channel: "a"}, {Group: "h", Channel: "a"}}}
	heavy := scenario.Scenario{Publishers: []scenario.Publisher{{Channel: "a", Rate: 20_000}},
		Listeners: []scenario.Listener{{Group: "g", Channel: "a"}}}
	unread := scenario.Scenario{Publishers: []scenario.Publisher{{Channel: "b", Rate: 100_000}}}
	for _, tc := range []struct {
		name string
		scs  []scenario.Scenario
		want int
	}{
		{"none", nil, maxParallel},
		{"light ones all at once", []scenario.Scenario{light, light, light}, maxParallel},
		{"the busiest decides", []scenario.Scenario{light, heavy}, max(1, int(cpuShare*cpus/(20_000*deliveryCPU)))},
		{"an unread channel still costs its publishes", []scenario.Scenario{unread}, max(1, int(cpuShare*cpus/(100_000*deliveryCPU)))},
	} {
		if got := DefaultParallel(tc.scs); got != tc.want {
			t.Errorf("%s: DefaultParallel = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestDefaultBatchAllAtOnce: the default parallelism starts every
// scenario of scenarios.yaml's default batch at once (cmd/stansim's
// TestDefaultBatchKeepsItsBounds runs it and checks the windows).
func TestDefaultBatchAllAtOnce(t *testing.T) {
	scs, _, err := Load(Config{File: "../scenarios.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if par := DefaultParallel(scs); par < len(scs) {
		t.Errorf("default parallelism %d for the %d scenarios of the default batch", par, len(scs))
	}
}
