package scenario

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/death"
)

func loadGood(t *testing.T) *File {
	t.Helper()
	f, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGoodFile(t *testing.T) {
	f := loadGood(t)
	if f.Path != "testdata/good.yaml" || len(f.Scenarios) != 4 || len(f.Warnings) != 0 {
		t.Fatalf("path %q, %d scenarios, warnings %v", f.Path, len(f.Scenarios), f.Warnings)
	}
	defaultListener := Listener{Group: "default-group", Channel: "ticket.updated", Members: 1, AckWait: 30 * time.Second,
		MaxInflight: 1024, ProcessTime: Dist{Kind: DistFixed}, Start: StartAll, Policy: PolicyNaive, Mode: ModeInProcess, CloseOnSignal: true, Consumer: ConsumerPush, OnClose: OnCloseNone}
	fastHB := Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2}
	ping := Ping{Interval: 2 * time.Minute, MaxOut: 2}
	want := []Scenario{{
		Name:           "forced-kill",
		Description:    "a member dies without closing its connection",
		Tags:           []string{"teaching"},
		Seed:           7,
		Duration:       20 * time.Second,
		SampleInterval: 20 * time.Millisecond,
		Broker:         BrokerSTAN,
		// Deep merge: interval and fail_count from the scenario, timeout from defaults.
		Server:     Server{Store: StoreFile, Heartbeat: Heartbeat{Interval: time.Second, Timeout: 250 * time.Millisecond, FailCount: 3}, Ping: ping},
		Publishers: []Publisher{{Name: "pub", Channel: "ticket.updated", Count: 100, Rate: 50, Keys: 5}},
		// The scenario's list replaces the defaults' list.
		Listeners: []Listener{{Group: "orders", Channel: "ticket.updated", Members: 2, Durable: "orders", AckWait: 2 * time.Second,
			MaxInflight: 1, ProcessTime: Dist{Kind: DistFixed, Fixed: 20 * time.Millisecond}, Start: StartNew, Policy: PolicyNaive, Mode: ModeInProcess, CloseOnSignal: true, Consumer: ConsumerPush, OnClose: OnCloseNone}},
		Faults: []Fault{
			{At: time.Second, Member: "orders-1", Death: death.Forced, RestartAfter: 3 * time.Second},
			{At: 5 * time.Second, Member: "orders-1", Death: death.Graceful},
		},
	}, {
		Name: "minimal", Seed: DefaultSeed, Duration: 5 * time.Second, SampleInterval: 20 * time.Millisecond, Broker: BrokerSTAN,
		Server:     Server{Store: StoreMemory, Heartbeat: fastHB, Ping: ping},
		Publishers: []Publisher{{Name: "p", Channel: "ticket.updated", Count: 10, Rate: 10, Keys: 1}},
		Listeners:  []Listener{defaultListener},
	}, {
		Name: "uniform-slow", Tags: []string{"slow", "teaching"}, Seed: 1, Duration: 90 * time.Second, SampleInterval: 20 * time.Millisecond, Broker: BrokerSTAN,
		Server:     Server{Store: StoreMemory, Heartbeat: fastHB, Ping: ping},
		Publishers: []Publisher{{Name: "p1", Channel: "a.b", Count: 1000, Rate: 12.5, Keys: 1}},
		Listeners: []Listener{{Group: "g", Channel: "a.b", Members: 1, AckWait: 30 * time.Second, MaxInflight: 1024,
			ProcessTime: Dist{Kind: DistUniform, Min: 5 * time.Millisecond, Max: 30 * time.Millisecond}, Start: StartAll, Policy: PolicyNaive, Mode: ModeInProcess, CloseOnSignal: true, Consumer: ConsumerPush, OnClose: OnCloseNone}},
	}, {
		Name: "exponential", Tags: []string{"slow"}, Seed: -3, Duration: 10 * time.Second, SampleInterval: 20 * time.Millisecond, Broker: BrokerSTAN,
		Server:     Server{Store: StoreMemory, Heartbeat: fastHB, Ping: ping},
		Publishers: []Publisher{{Name: "p1", Channel: "a.b", Count: 10, Rate: 100, Keys: 1}},
		Listeners: []Listener{{Group: "g", Channel: "a.b", Members: 3, AckWait: 30 * time.Second, MaxInflight: 1024,
			ProcessTime: Dist{Kind: DistExponential, Mean: 20 * time.Millisecond}, Start: StartAll, Policy: PolicyNaive, Mode: ModeInProcess, CloseOnSignal: true, Consumer: ConsumerPush, OnClose: OnCloseNone}},
	}}
	for i, s := range f.Scenarios {
		s.Written = ""
		if !reflect.DeepEqual(s, want[i]) {
			t.Errorf("scenario %d:\n got %+v\nwant %+v", i, s, want[i])
		}
	}
}

func TestBuiltinDefaults(t *testing.T) {
	f, err := Parse("x.yaml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Scenarios[0]
	if s.Seed != 1 || s.SampleInterval != 50*time.Millisecond || s.Server.Store != "memory" ||
		s.Server.Heartbeat != (Heartbeat{Interval: 30 * time.Second, Timeout: 10 * time.Second, FailCount: 10}) || s.Publishers[0].Keys != 1 {
		t.Errorf("scenario defaults: %+v", s)
	}
	l := s.Listeners[0]
	if l.Members != 1 || l.AckWait != 30*time.Second || l.MaxInflight != 1024 || l.ProcessTime != (Dist{Kind: DistFixed}) ||
		l.Start != "all" || l.Durable != "" {
		t.Errorf("listener defaults: %+v", l)
	}
}

func TestWritten(t *testing.T) {
	f := loadGood(t)
	want := []string{
		"name: minimal\nduration: 5s\npublishers:\n  - {name: p, channel: ticket.updated, count: 10, rate: 10}\n",
		"name: exponential\ntags: [slow]\nduration: 10s\nseed: -3\npublishers:\n  - name: p1\n    channel: a.b\n    count: 10\n    rate: 100\n" +
			"listeners:\n  - group: g\n    channel: a.b\n    members: 3\n    process_time: {exponential: 20ms}\n",
	}
	if got := f.Scenarios[1].Written; got != want[0] {
		t.Errorf("minimal written:\n%s\nwant:\n%s", got, want[0])
	}
	if got := f.Scenarios[3].Written; got != want[1] {
		t.Errorf("exponential written:\n%s\nwant:\n%s", got, want[1])
	}
	if w := f.Scenarios[0].Written; !strings.HasPrefix(w, "name: forced-kill\n") ||
		!strings.Contains(w, "\n  heartbeat: {interval: 1s, fail_count: 3}   # timeout comes from defaults\n") ||
		!strings.HasSuffix(w, "    death: graceful\n") {
		t.Errorf("forced-kill written:\n%s", w)
	}
	// Every written item parses on its own (without the file's defaults).
	for _, s := range f.Scenarios {
		if _, err := ParseScenario("written", []byte(s.Written)); err != nil && s.Name != "minimal" {
			t.Errorf("%s: %v", s.Name, err)
		}
	}

	// Flow-style lists, CRLF line ends and a list followed by defaults.
	flow := "scenarios: [{name: a, duration: 1s, publishers: [{name: p, channel: c, count: 1, rate: 1}], listeners: [{group: g, channel: c}]}]\n"
	crlf := strings.ReplaceAll(strings.TrimSuffix(ok, "\n"), "\n", "\r\n") + "\r\n\r\n# trailing comment\r\ndefaults: {seed: 4}\r\n"
	for _, data := range []string{flow, crlf} {
		f, err := Parse("x.yaml", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseScenario("w", []byte(f.Scenarios[0].Written))
		if err != nil {
			t.Fatalf("%v\n%s", err, f.Scenarios[0].Written)
		}
		if strings.Contains(s.Written, "\r") || strings.Contains(s.Written, "defaults") || strings.Contains(s.Written, "trailing") {
			t.Errorf("written:\n%q", s.Written)
		}
	}
}

func TestWarnings(t *testing.T) {
	data := `scenarios:
  - name: w
    duration: 20s
    publishers:
      - {name: p, channel: a, count: 2000, rate: 50}
      - {name: q, channel: lonely, count: 1, rate: 1}
    listeners:
      - {group: g, channel: a, members: 2}
      - {group: h, channel: nobody}
    faults:
      - {at: 1s, member: g-1, death: forced}
      - {at: 5s, member: g-2, death: graceful}
  - name: hb
    duration: 4s
    server: {heartbeat: {interval: 1s, timeout: 1s, fail_count: 3}}
    publishers: [{name: p, channel: a, count: 10, rate: 10}]
    listeners: [{group: g, channel: a}]
    faults:
      - {at: 100ms, member: g-1, death: forced, restart_after: 1s}
      - {at: 3900ms, member: g-1, death: forced}
  - name: hung
    duration: 3s
    server: {heartbeat: {interval: 500ms, timeout: 500ms, fail_count: 2}}
    publishers: [{name: p, channel: a, count: 10, rate: 10}]
    listeners: [{group: g, channel: a}]
    faults:
      - {at: 1500ms, member: g-1, death: hang}
`
	f, err := Parse("w.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"w.yaml:5: scenarios[0] (w).publishers[0]: publishing 2000 messages at 50/s takes until 39.98s, but the run ends at 20s",
		`w.yaml:6: scenarios[0] (w).publishers[1].channel: no listener subscribes to "lonely"`,
		`w.yaml:9: scenarios[0] (w).listeners[1].channel: no publisher publishes on "nobody"`,
		"w.yaml:11: scenarios[0] (w).faults[0]: the server will still list g-1 when the run ends at 20s: after the forced death at 1s, removal takes F·I to (F+1)·I = 10·30s to 11·30s = 5m to 5m30s",
		"w.yaml:19: scenarios[1] (hb).faults[0]: the server may still list g-1 when the run ends at 4s: after the forced death at 100ms, removal takes F·I to (F+1)·I = 3·1s to 4·1s = 3s to 4s",
		"w.yaml:20: scenarios[1] (hb).faults[1]: the server will still list g-1 when the run ends at 4s",
		"w.yaml:27: scenarios[2] (hung).faults[0]: the server will still list g-1 when the run ends at 3s: after the hang death at 1.5s, removal takes F·(I+T) to (F+1)·(I+T) = 2·1s to 3·1s = 2s to 3s",
	}
	if len(f.Warnings) != len(want) {
		t.Fatalf("got %d warnings, want %d: %v", len(f.Warnings), len(want), Errors(f.Warnings))
	}
	for i, w := range want {
		if got := f.Warnings[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("warning %d:\n got %s\nwant %s...", i, got, w)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	var es Errors
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &es) {
		t.Fatalf("want a wrapped not-exist error, got %T %v", err, err)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	_, err := ParseScenario("one.yaml", []byte("name: x\nduration: 1s\nack_wait: 2s\n"))
	want := "\none.yaml:3: scenario (x).ack_wait: unknown field \"ack_wait\""
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %s...", err, want)
	}
}

func TestResolvedRoundTrip(t *testing.T) {
	f := loadGood(t)
	extra, err := Parse("x.yaml", []byte("scenarios:\n  - name: odd\n    description: \"yes: 'quoted'\\nsecond line\"\n"+
		"    tags: [\"123\", \"true\"]\n    seed: -9223372036854775808\n    duration: 1h\n    sample_interval: 1s\n"+
		"    publishers: [{name: \"007\", channel: \"1.5\", count: 3, rate: 0.1, keys: 3}]\n"+
		"    listeners: [{group: \"null\", channel: \"1.5\", durable: \"no\", ack_wait: 1h}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(f.Scenarios, extra.Scenarios...) {
		b, err := s.ResolvedYAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseScenario("resolved.yaml", b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.Name, err, b)
		}
		if back.Written != string(b) {
			t.Errorf("%s: Written is not the text parsed", s.Name)
		}
		s.Written, back.Written = "", ""
		if !reflect.DeepEqual(*back, s) {
			t.Errorf("%s: round trip differs:\n got %+v\nwant %+v\n%s", s.Name, *back, s, b)
		}
		// Resolved YAML also works as an item of a file.
		file := "scenarios:\n  - " + strings.ReplaceAll(strings.TrimSuffix(string(b), "\n"), "\n", "\n    ") + "\n"
		if _, err := Parse("file.yaml", []byte(file)); err != nil {
			t.Errorf("%s as a file item: %v\n%s", s.Name, err, file)
		}
	}
	b, _ := f.Scenarios[2].ResolvedYAML()
	for _, line := range []string{"duration: 1m30s\n", "    process_time: {uniform: [5ms, 30ms]}\n", "    ack_wait: 30s\n",
		"  heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}\n", "sample_interval: 20ms\n"} {
		if !strings.Contains(string(b), line) {
			t.Errorf("resolved YAML lacks %q:\n%s", line, b)
		}
	}
}

func TestDistSample(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		d        Dist
		str      string
		min, max time.Duration
	}{
		{Dist{Kind: DistFixed, Fixed: 20 * ms}, "20ms", 20 * ms, 20 * ms},
		{Dist{}, "0s", 0, 0},
		{Dist{Kind: DistUniform, Min: 5 * ms, Max: 30 * ms}, "uniform 5ms..30ms", 5 * ms, 30 * ms},
		{Dist{Kind: DistUniform, Min: 7 * ms, Max: 7 * ms}, "uniform 7ms..7ms", 7 * ms, 7 * ms},
		{Dist{Kind: DistExponential, Mean: 20 * ms}, "exponential mean 20ms", 0, time.Hour},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.str {
			t.Errorf("String() = %q, want %q", got, tc.str)
		}
		a, b := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
		var sum time.Duration
		const n = 20000
		for range n {
			x := tc.d.Sample(a)
			if y := tc.d.Sample(b); x != y {
				t.Fatalf("%v: same seed, different samples %v, %v", tc.d, x, y)
			}
			if x < tc.min || x > tc.max {
				t.Fatalf("%v: sample %v outside [%v, %v]", tc.d, x, tc.min, tc.max)
			}
			sum += x
		}
		mean := sum / n
		wantMean := tc.d.Fixed
		switch tc.d.Kind {
		case DistUniform:
			wantMean = (tc.d.Min + tc.d.Max) / 2
		case DistExponential:
			wantMean = tc.d.Mean
		}
		if diff := mean - wantMean; diff > wantMean/20 || diff < -wantMean/20 {
			t.Errorf("%v: mean of %d samples %v, want about %v", tc.d, n, mean, wantMean)
		}
	}
	if x := (Dist{Kind: DistUniform, Min: 1, Max: 3}).Sample(nil); x < 1 || x > 3 {
		t.Errorf("nil source: %v", x)
	}
}

func TestMembers(t *testing.T) {
	s := loadGood(t).Scenarios[3]
	if got := s.MemberNames(s.Listeners[0]); !reflect.DeepEqual(got, []string{"g-1", "g-2", "g-3"}) {
		t.Errorf("MemberNames = %v", got)
	}
	if l, ok := s.ListenerOf("g-3"); !ok || l.Group != "g" {
		t.Errorf("ListenerOf(g-3) = %v, %v", l, ok)
	}
	for _, m := range []string{"g-4", "g-0", "g", "h-1"} {
		if _, ok := s.ListenerOf(m); ok {
			t.Errorf("ListenerOf(%s) found a listener", m)
		}
	}
	if !s.HasTag("slow") || s.HasTag("teaching") {
		t.Errorf("HasTag on %v", s.Tags)
	}
}

func TestSelect(t *testing.T) {
	f := loadGood(t) // forced-kill [teaching], minimal, uniform-slow [slow teaching], exponential [slow]
	tests := []struct {
		only, tags []string
		want       []string
		err        string
	}{
		{nil, nil, []string{"forced-kill", "minimal"}, ""},
		{nil, []string{"slow"}, []string{"forced-kill", "minimal", "uniform-slow", "exponential"}, ""},
		{nil, []string{"teaching"}, []string{"forced-kill", "minimal", "uniform-slow"}, ""},
		{[]string{"exponential", " minimal", ""}, nil, []string{"minimal", "exponential"}, ""},
		{[]string{"minimal"}, []string{"teaching"}, []string{"forced-kill", "minimal", "uniform-slow"}, ""},
		{[]string{"minimal", "nope", "nada"}, nil, nil,
			`testdata/good.yaml: unknown scenarios "nope", "nada"; valid names: forced-kill, minimal, uniform-slow, exponential`},
	}
	for _, tc := range tests {
		got, err := f.Select(tc.only, tc.tags)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Select(%q, %q) error %v, want %s", tc.only, tc.tags, err, tc.err)
			}
			continue
		}
		var names []string
		for _, s := range got {
			names = append(names, s.Name)
		}
		if err != nil || !reflect.DeepEqual(names, tc.want) {
			t.Errorf("Select(%q, %q) = %v, %v; want %v", tc.only, tc.tags, names, err, tc.want)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	e := Error{File: "scenarios.yaml", Line: 12, Field: "scenarios[1] (forced-kill).listeners[0].ack_wait", Msg: "must be whole seconds"}
	if got := e.Error(); got != "scenarios.yaml:12: scenarios[1] (forced-kill).listeners[0].ack_wait: must be whole seconds" {
		t.Errorf("got %q", got)
	}
	if got := (Error{File: "f", Msg: "empty"}).Error(); got != "f: empty" {
		t.Errorf("got %q", got)
	}
	if got := (Errors{e, {File: "f", Msg: "x"}}).Error(); strings.Count(got, "\n") != 1 {
		t.Errorf("got %q", got)
	}
}

// FuzzParse checks that no input makes Parse panic or return both a File and
// an error, and that every accepted scenario round-trips.
func FuzzParse(f *testing.F) {
	f.Add([]byte(ok))
	f.Add([]byte(faults + "      - {at: 1s, member: orders-1, death: forced}\n"))
	f.Add([]byte("defaults: &d {seed: *d}\nscenarios: [*d, {<<: *d}]\n"))
	f.Add([]byte("a: &a [*a, *a, *a]\n"))
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "cmd", "stansim", "testdata", "bad", "*.yaml"))
	for _, p := range append(seeds, filepath.Join("..", "..", "scenarios.yaml")) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var es Errors
			if file != nil || !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("bad error result: %v, %T %v", file, err, err)
			}
			return
		}
		for _, s := range file.Scenarios {
			b, err := s.ResolvedYAML()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseScenario("r", b)
			if err != nil {
				t.Fatalf("resolved does not parse: %v\n%s", err, b)
			}
			back.Written, s.Written = "", ""
			for _, es := range [][]Expectation{back.Expect, s.Expect} {
				for i := range es {
					es[i].Line = 0 // where it was written: not part of the scenario
				}
			}
			if !reflect.DeepEqual(*back, s) {
				t.Fatalf("round trip differs:\n%+v\n%+v", *back, s)
			}
		}
	})
}
