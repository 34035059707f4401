package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sweepOK is ok (11 lines) with a forced death and a sweep whose axes start
// at line 16; cases append axes or replace lines.
const sweepOK = ok + `    faults: [{at: 1s, member: orders-1, death: forced}]
    sweep:
      repeat: 2
      axes:
        server.heartbeat.interval: [250ms, 1s]
`

// TestSweepCheck is the sweep's part of the validator's table: each bad
// sweep with every error it must give, in order.
func TestSweepCheck(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		errs []want
	}{
		{"value below the field's minimum", strings.Replace(sweepOK, "[250ms, 1s]", "[250ms, 5ms]", 1),
			[]want{{16, "sweep.axes.server.heartbeat.interval[1]", "as server.heartbeat.interval: heartbeat interval 5ms: must be >= 10ms"}}},
		{"value of the wrong type", sweepOK + "        publishers.pub.rate: [fast]\n",
			[]want{{17, "sweep.axes.publishers.pub.rate[0]", `as publishers.pub.rate: must be a number, not the string "fast"`}}},
		{"duration without unit", sweepOK + "        listeners.orders.ack_wait: [2]\n",
			[]want{{17, "sweep.axes.listeners.orders.ack_wait[0]", "2 has no unit"}}},
		{"ack_wait not whole seconds", sweepOK + "        listeners.orders.ack_wait: [1s, 1500ms]\n",
			[]want{{17, "ack_wait[1]", "as listeners.orders.ack_wait: ack_wait 1.5s: must be a whole number of seconds"}}},
		{"a relation another field breaks", sweepOK + "        publishers.pub.count: [10, 3]\n        publishers.pub.keys: [5]\n",
			[]want{{18, "sweep.axes.publishers.pub.keys[0]", "as publishers.pub.keys: keys 5: must be <= count 3 (each key needs at least one message)"}}},
		{"a relation at another field", strings.Replace(ok, "rate: 10", "rate: 10\n        keys: 5", 1) + "    sweep:\n      axes: {publishers.pub.count: [10, 3]}\n",
			[]want{{9, "publishers[0].keys", "keys 5: must be <= count 3 (each key needs at least one message) (with sweep publishers.pub.count 3)"}}},
		{"a member a cell lacks", ok + "        members: 2\n" +
			"    faults: [{at: 1s, member: orders-2, death: forced}]\n    sweep: {axes: {listeners.orders.members: [2, 1]}}\n",
			[]want{{13, "faults[0].member", `member "orders-2" does not exist; members are named <group>-<i> (i from 1 to members): orders-1 (with sweep listeners.orders.members 1)`}}},
		{"unknown root", sweepOK + "        duration: [1s]\n",
			[]want{{17, "sweep.axes.duration", `"duration": an axis path starts with server., listeners.<group>. or publishers.<name>.`}}},
		{"not a numeric field", sweepOK + "        server.store: [file]\n",
			[]want{{17, "sweep.axes.server.store", "store is not a numeric or duration field of server; sweepable: heartbeat.fail_count, heartbeat.interval, heartbeat.timeout"}}},
		{"unknown group", sweepOK + "        listeners.billing.ack_wait: [1s]\n",
			[]want{{17, "sweep.axes.listeners.billing.ack_wait", `no listener with group "billing" in this scenario (orders)`}}},
		{"unknown publisher", sweepOK + "        publishers.p2.rate: [1]\n",
			[]want{{17, "sweep.axes.publishers.p2.rate", `no publisher with name "p2"`}}},
		{"value listed twice", strings.Replace(sweepOK, "[250ms, 1s]", "[250ms, 250ms]", 1),
			[]want{{16, "interval[1]", "250ms is listed twice (first at line 16)"}}},
		{"a mapping as value", strings.Replace(sweepOK, "[250ms, 1s]", "[{uniform: [1ms, 2ms]}]", 1),
			[]want{{16, "interval[0]", "must be a number or a duration, not a mapping"}}},
		{"empty list", strings.Replace(sweepOK, "[250ms, 1s]", "[]", 1),
			[]want{{16, "sweep.axes.server.heartbeat.interval", "must be a list of 1 to 20 values, not a list"}}},
		{"repeat 0", strings.Replace(sweepOK, "repeat: 2", "repeat: 0", 1),
			[]want{{14, "sweep.repeat", "repeat 0: must be between 1 and 20"}}},
		{"unknown figure", strings.Replace(sweepOK, "repeat: 2", "repeat: 2\n      figure: speed", 1),
			[]want{{15, "sweep.figure", `figure "speed" is not a column of sweep.csv`}}},
		{"unknown sweep field", strings.Replace(sweepOK, "repeat: 2", "repaet: 2", 1),
			[]want{{14, "sweep.repaet", `unknown field "repaet" (did you mean "repeat"?)`}}},
		{"axes missing", ok + "    sweep: {repeat: 2}\n",
			[]want{{12, "sweep.axes", "axes is required"}}},
		{"too many axes", sweepOK + "        server.heartbeat.timeout: [1s]\n        server.heartbeat.fail_count: [1]\n        publishers.pub.rate: [1]\n",
			[]want{{16, "sweep.axes", "4 axes: at most 3"}}},
		{"too many runs", strings.Replace(sweepOK, "repeat: 2", "repeat: 20", 1) +
			"        server.heartbeat.fail_count: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n",
			[]want{{14, "sweep", "440 runs (22 cells × repeat 20): at most 400"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("bad.yaml", []byte(tc.yaml))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, not Errors: %v (file %+v)", err, err, f)
			}
			if len(es) != len(tc.errs) {
				t.Fatalf("got %d errors, want %d:\n%v", len(es), len(tc.errs), es)
			}
			for i, w := range tc.errs {
				e := es[i]
				if e.Line != w.line || !strings.Contains(e.Field, w.field) || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d:\n got %s\nwant line %d, field ~%q, msg ~%q", i, e, w.line, w.field, w.msg)
				}
			}
		})
	}
}

// Each cell is the scenario with the cell's values in their fields; runs
// repeat each cell with seeds Seed, Seed+1, ...; the sweep survives the
// resolved YAML.
func TestSweepCells(t *testing.T) {
	src := strings.Replace(sweepOK, "    sweep:", "    seed: 7\n    sweep:", 1) +
		"        publishers.pub.rate: [10, 2.5]\n"
	f, err := Parse("good.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Scenarios[0]
	cells := s.Cells()
	names := []string{"c1-interval-250ms-rate-10", "c2-interval-250ms-rate-2p5", "c3-interval-1s-rate-10", "c4-interval-1s-rate-2p5"}
	if len(cells) != len(names) {
		t.Fatalf("%d cells, want %d", len(cells), len(names))
	}
	for i, c := range cells {
		wantIv := map[bool]time.Duration{true: 250 * time.Millisecond, false: time.Second}[i < 2]
		wantRate := map[bool]float64{true: 10, false: 2.5}[i%2 == 0]
		cs := c.Scenario
		if c.Name != names[i] || cs.Name != "s-c"+itoa(i+1) || cs.Sweep != nil {
			t.Errorf("cell %d: name %q, scenario %q, sweep %v", i, c.Name, cs.Name, cs.Sweep)
		}
		if cs.Server.Heartbeat.Interval != wantIv || cs.Publishers[0].Rate != wantRate || cs.Server.Heartbeat.Timeout != DefaultHBTimeout {
			t.Errorf("cell %s: heartbeat %+v, rate %g", c.Name, cs.Server.Heartbeat, cs.Publishers[0].Rate)
		}
		if len(cs.Faults) != 1 || cs.Written != s.Written {
			t.Errorf("cell %s: faults %+v, written %q", c.Name, cs.Faults, cs.Written)
		}
	}
	if got := s.Sweep.Describe(cells[1]); got != "server.heartbeat.interval 250ms, publishers.pub.rate 2.5" {
		t.Errorf("Describe = %q", got)
	}
	runs := s.Runs()
	if len(runs) != 8 || runs[1].Name != names[0]+"-r2" || runs[1].Scenario.Seed != 8 || runs[2].Scenario.Seed != 7 {
		t.Fatalf("runs: %d, second %q seed %d", len(runs), runs[1].Name, runs[1].Scenario.Seed)
	}
	b, err := s.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "sweep:\n  repeat: 2\n  figure: zombie_ms\n  axes:\n    server.heartbeat.interval: [250ms, 1s]\n    publishers.pub.rate: [10, 2.5]\n") {
		t.Errorf("resolved YAML:\n%s", b)
	}
	back, err := ParseScenario("resolved.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	s.Written, back.Written = "", ""
	if !reflect.DeepEqual(*back, s) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back.Sweep, s.Sweep)
	}
}

// A warning only some cells earn names them by the value they share.
func TestSweepCellWarnings(t *testing.T) {
	src := strings.Replace(sweepOK, "[250ms, 1s]", "[250ms, 4s]", 1) + "    server: {heartbeat: {interval: 250ms, fail_count: 2}}\n"
	f, err := Parse("warn.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Error())
	}
	want := "warn.yaml:12: scenarios[0] (s).faults[0]: the server may still list orders-1 when the run ends at 10s"
	if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], "(with sweep server.heartbeat.interval 4s)") {
		t.Errorf("warnings:\n%s\nwant one like %q ... (with sweep server.heartbeat.interval 4s)", strings.Join(got, "\n"), want)
	}
}

func itoa(i int) string { return fmt.Sprint(i) }

// A long sweep name is shortened in its runs' scenario names, which stay
// within the schema's limit (they name each run's history).
func TestSweepRunNamesFit(t *testing.T) {
	long := strings.Repeat("a", maxNameLen)
	f, err := Parse("long.yaml", []byte(strings.Replace(sweepOK, "name: s", "name: "+long, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Scenarios[0].Runs() {
		if n := r.Scenario.Name; len(n) > maxNameLen || !strings.HasSuffix(n, "-c"+r.Cell.ID()[1:]+"-r"+itoa(r.Repeat)) || !scenarioNameRe.MatchString(n) {
			t.Errorf("run scenario name %q (%d characters)", n, len(n))
		}
	}
}
