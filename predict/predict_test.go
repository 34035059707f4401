package predict

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/scenario"
)

// scenarioOf parses one inline scenario.
func scenarioOf(t *testing.T, yaml string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.ParseScenario("inline.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("scenario:\n%v", err)
	}
	return sc
}

// shape is two members of one group, a fault on the first; %s are the
// heartbeat, the listener's extra fields and the fault.
func shape(hb, listener, fault string) string {
	return `name: p
duration: 20s
server: {heartbeat: ` + hb + `}
publishers: [{name: t, channel: c, count: 100, rate: 30, keys: 5}]
listeners: [{group: g, channel: c, members: 2, ` + listener + `}]
faults: [` + fault + `]
`
}

// The zombie window is the death table's, for every kind.
func TestZombieIsTheDeathTables(t *testing.T) {
	hb := death.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 200 * time.Millisecond, FailCount: 3}
	for _, k := range death.Kinds() {
		if _, err := death.Parse(string(k)); err != nil {
			continue // a kind only the run records
		}
		t.Run(string(k), func(t *testing.T) {
			sc := scenarioOf(t, shape("{interval: 250ms, timeout: 200ms, fail_count: 3}", "ack_wait: 30s, max_inflight: 8, process_time: 80ms",
				"{at: 1500ms, member: g-1, death: "+string(k)+"}"))
			w, _ := k.Removal(hb)
			d := Predict(sc).Deaths[0]
			if d.ZombieMs != (Bounds{ms(int64(w.Min)), ms(int64(w.Max))}) || d.ZombieRule != w.Rule {
				t.Errorf("zombie %+v (%s), want %v..%v (%s)", d.ZombieMs, d.ZombieRule, w.Min, w.Max, w.Rule)
			}
		})
	}
}

// The hand-off: Close() 100 ms after the death; removal (window + 100 ms)
// when AckWait is longer; AckWait expiry when it is shorter, the first ones
// within AckWait, the last by the removal (at an expiry the server may pick
// the dead member again).
func TestHandOff(t *testing.T) {
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	lat := ms(time.Duration(3 * latencies[len(latencies)-1])) // a Close() round trip and a late timer
	tests := []struct {
		name, hb, listener, fault string
		cause                     string
		lo, hi                    float64 // the hand-off after the death, ms
	}{
		{"close", "{interval: 250ms, timeout: 250ms, fail_count: 2}", "ack_wait: 30s, max_inflight: 8, process_time: 80ms",
			"{at: 1500ms, member: g-1, death: graceful}", CauseClose, 100, 100 + lat},
		{"removal before AckWait", "{interval: 250ms, timeout: 250ms, fail_count: 2}", "ack_wait: 30s, max_inflight: 8, process_time: 80ms",
			"{at: 1500ms, member: g-1, death: forced}", CauseRemoval, 500 + 100, 750 + 100 + lat},
		{"hang: removal waits the timeouts", "{interval: 250ms, timeout: 250ms, fail_count: 2}", "ack_wait: 30s, max_inflight: 8, process_time: 80ms",
			"{at: 1500ms, member: g-1, death: hang}", CauseRemoval, 1000 + 100, 1500 + 100 + lat},
		{"AckWait before removal", "{interval: 2s, timeout: 2s, fail_count: 2}", "ack_wait: 1s, max_inflight: 8, process_time: 80ms",
			"{at: 1500ms, member: g-1, death: forced}", CauseAckWait, 0, 6000 + 100 + lat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Predict(scenarioOf(t, shape(tc.hb, tc.listener, tc.fault))).Deaths[0]
			if d.HandOff != tc.cause || d.HandOffMs == nil {
				t.Fatalf("hand-off %q (%v), want %q", d.HandOff, d.HandOffMs, tc.cause)
			}
			if d.Held.Min < 1 || d.HandOffMs.Min < tc.lo || d.HandOffMs.Max > tc.hi {
				t.Errorf("held %v, hand-off %v ms, want within [%g, %g]", d.Held, *d.HandOffMs, tc.lo, tc.hi)
			}
			if tc.cause == CauseAckWait && d.HandOffMs.Min >= 1000 {
				t.Errorf("no held message left at its first AckWait expiry: %v", *d.HandOffMs)
			}
			if d.HeldRedeliveryMs.Min < d.HandOffMs.Min {
				t.Errorf("publish to redelivery %v shorter than death to redelivery %v", *d.HeldRedeliveryMs, *d.HandOffMs)
			}
		})
	}
}

// Two members that never ack (processing takes longer than the run),
// max_inflight 3: in every replay the dead member ends with exactly three
// unacknowledged, what it held and what it got after, before and after its
// first failed heartbeat alike (after it, when the survivor is stalled and
// it heads the server's list). The run ends before the server drops it:
// nothing is handed off.
func TestSentUntilStalled(t *testing.T) {
	sc := scenarioOf(t, `name: p
duration: 8s
server: {heartbeat: {interval: 5s, timeout: 1s, fail_count: 2}}
publishers: [{name: t, channel: c, count: 20, rate: 10}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 60s, max_inflight: 3, process_time: 30s}]
faults: [{at: 50ms, member: g-1, death: forced}]
`)
	for _, v := range variants(sc) {
		e := newEngine(sc, v)
		e.run()
		d := e.deaths[0]
		if len(d.held)+len(d.sent) != 3 || len(d.handOff) != 0 {
			t.Errorf("%+v: held %d, sent %d, handed off %d; want 3 in all, none handed off", v, len(d.held), len(d.sent), len(d.handOff))
		}
	}
	if d := Predict(sc).Deaths[0]; d.HandOff != "none" || d.Sent.Max != 3 {
		t.Errorf("hand-off %q, sent %v; want none, at most 3", d.HandOff, d.Sent)
	}
}

// The only member of a non-durable group closes and comes back with start
// new: the messages published meanwhile are lost to the group; with a
// durable group nothing is lost and what it held comes back at the restart.
func TestAlone(t *testing.T) {
	base := `name: p
duration: 7s
publishers: [{name: t, channel: c, count: 100, rate: 25, keys: 5}]
faults: [{at: 1020ms, member: g-1, death: graceful, restart_after: 1490ms}]
listeners: [{group: g, channel: c, ack_wait: 30s, `
	lost := Predict(scenarioOf(t, base+"process_time: 10ms, start: new}]\n")).Groups[0].Lost
	if lost != (Bounds{37, 37}) { // published at 1.04 s .. 2.48 s, before the new group at 2.51 s
		t.Errorf("start new: lost %v, want 37", lost)
	}
	d := Predict(scenarioOf(t, base+"durable: d, process_time: 30ms}]\n")) // the one of 1.0 s in hand at the death
	if d.Groups[0].Lost != (Bounds{0, 0}) || d.Deaths[0].HandOffMs == nil || d.Deaths[0].HandOffMs.Min < 1490 {
		t.Errorf("durable: lost %v, hand-off %v; want 0, at the restart (1.49 s)", d.Groups[0].Lost, d.Deaths[0].HandOffMs)
	}
}

// The lesson's default heartbeats (30s, 10s, 10) give a 300 to 330 s window;
// the predictor computes it rather than waiting for it: far faster than the
// window itself (a hundredth of it, a bound from the settings).
func TestLessonWindowIsComputed(t *testing.T) {
	sc := scenarioOf(t, `name: lesson
duration: 6m
publishers: [{name: t, channel: c, count: 100, rate: 5, keys: 5}]
listeners: [{group: g, channel: c, members: 2, process_time: 50ms}]
faults: [{at: 3s, member: g-1, death: forced}]
`)
	start := time.Now()
	d := Predict(sc).Deaths[0]
	took := time.Since(start)
	if d.ZombieMs != (Bounds{300_000, 330_000}) {
		t.Errorf("zombie %v, want 300 s to 330 s", d.ZombieMs)
	}
	if window := 330 * time.Second; took > window/100 {
		t.Errorf("prediction took %v for a %v window", took, window)
	}
}

// stansim predict --json's contract (README.md): scenarios[].name,
// deaths[].member, death, at_ms and zombie_ms {min, max}; a sweep gives a
// scenario per cell.
func TestJSONContract(t *testing.T) {
	f, err := scenario.Parse("f.yaml", []byte("scenarios:\n  - "+strings.ReplaceAll(strings.TrimSpace(
		shape("{interval: 250ms, timeout: 250ms, fail_count: 2}", "ack_wait: 30s", "{at: 1s, member: g-1, death: forced}")+
			"sweep: {axes: {server.heartbeat.fail_count: [1, 2]}}"), "\n", "\n    ")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := File(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scenarios []struct {
			Name, Cell string
			Deaths     []map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Scenarios) != 2 || doc.Scenarios[1].Name != "p-c2" || doc.Scenarios[1].Cell != "server.heartbeat.fail_count 2" {
		t.Fatalf("scenarios: %+v", doc.Scenarios)
	}
	d := doc.Scenarios[0].Deaths[0]
	for _, k := range []string{"member", "death", "at_ms", "zombie_ms", "hand_off", "hand_off_ms", "held_redelivery_ms", "sent", "held"} {
		if _, ok := d[k]; !ok {
			t.Errorf("death lacks %q: %s", k, buf.String())
		}
	}
	var z bytes.Buffer
	_ = json.Compact(&z, d["zombie_ms"])
	if z.String() != `{"min":250,"max":500}` {
		t.Errorf("zombie_ms = %s, want the F·I to (F+1)·I window of F = 1", z.String())
	}
	if _, err := File(f, []string{"nope"}); err == nil {
		t.Error("an unknown name is not an error")
	}
	if os.Getenv("PREDICT_SHOW") != "" {
		_ = WriteText(os.Stdout, r)
	}
}

// A SIGTERM to a member whose handler does not call Close() ends it as a
// vanished connection: predicted as the run records it, with the window of
// a forced kill.
func TestUnhandledSignal(t *testing.T) {
	sc := scenarioOf(t, shape("{interval: 250ms, timeout: 250ms, fail_count: 2}",
		"ack_wait: 30s, max_inflight: 8, process_time: 80ms, close_on_signal: false", "{at: 1500ms, member: g-1, death: graceful}"))
	d := Predict(sc).Deaths[0]
	want := death.Graceful.Actual(false)
	w, _ := want.Removal(death.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2})
	if d.Death != string(want) || d.ZombieMs.Max != ms(int64(w.Max)) || d.HandOff != CauseRemoval {
		t.Errorf("death %s, zombie %v, hand-off %s; want %s, %v, removal", d.Death, d.ZombieMs, d.HandOff, want, w)
	}
}

// A group of programs (mode: command): the zombie window is the server's
// and is predicted as for stansim's members; what the program held, was
// sent and handed over depends on its own processing, and is not.
func TestProgramsOnlyZombie(t *testing.T) {
	sc := scenarioOf(t, `name: p
duration: 8s
server: {heartbeat: {interval: 500ms, timeout: 500ms, fail_count: 3}}
publishers: [{name: t, channel: c, count: 20, rate: 10}]
listeners:
  - {group: prog, channel: c, members: 2, ack_wait: 2s, mode: command, command: [node, listener.js]}
  - {group: own, channel: c, members: 2, ack_wait: 2s, process_time: 50ms}
faults: [{at: 1s, member: prog-1, death: forced}, {at: 1s, member: own-1, death: forced}]
`)
	p := Predict(sc)
	byMember := map[string]Death{}
	for _, d := range p.Deaths {
		byMember[d.Member] = d
	}
	prog, own := byMember["prog-1"], byMember["own-1"]
	if prog.NotModelled != ProgramRule || prog.HandOffMs != nil || prog.Held != (Bounds{}) || prog.HandOff != HandOffUnknown {
		t.Errorf("program's death %+v: want only the zombie window", prog)
	}
	if prog.ZombieMs != own.ZombieMs || prog.ZombieMs != (Bounds{Min: 1500, Max: 2000}) {
		t.Errorf("zombie windows %v and %v: want both 1500 to 2000 ms", prog.ZombieMs, own.ZombieMs)
	}
	if own.NotModelled != "" || own.HandOffMs == nil {
		t.Errorf("stansim member's death %+v: want every figure predicted", own)
	}
	if !p.InversionsUnknown {
		t.Error("the scenario's inversions are predicted although one group is a program")
	}
	var b strings.Builder
	if err := WriteText(&b, &Report{Scenarios: []Scenario{p}}); err != nil || !strings.Contains(b.String(), "not predicted") {
		t.Errorf("text %q (%v): want the program's figures said not predicted", b.String(), err)
	}
}

// On JetStream the replay (NATS Streaming's rules) is not used: the zombie
// window is the PING rule for a hang and at once for a kill, and the held
// messages' hand-off is AckWait, or the nak of a graceful on_close: nak.
func TestJetStreamPredictions(t *testing.T) {
	sc := scenarioOf(t, `name: p
broker: jetstream
duration: 20s
server: {ping: {interval: 1s, max_out: 2}}
publishers: [{name: t, channel: c, count: 20, rate: 10}]
listeners: [{group: g, channel: c, members: 3, ack_wait: 2s, on_close: nak}]
faults: [{at: 1s, member: g-1, death: hang}, {at: 2s, member: g-2, death: forced}, {at: 3s, member: g-3, death: graceful}]
`)
	p := Predict(sc)
	want := map[string]struct {
		zombie  Bounds
		handOff string
	}{
		"g-1": {Bounds{Min: 2000, Max: 4000}, CauseAckWait},
		"g-2": {Bounds{Min: 0, Max: 200}, CauseAckWait},
		"g-3": {Bounds{Min: 0, Max: 200}, CauseClose},
	}
	for _, d := range p.Deaths {
		w := want[d.Member]
		if d.ZombieMs != w.zombie || d.HandOff != w.handOff || d.NotModelled != JetStreamRule || d.HandOffMs != nil {
			t.Errorf("%s: zombie %v, hand-off %q, not modelled %q: want %v, %q, the JetStream rule", d.Member, d.ZombieMs, d.HandOff, d.NotModelled, w.zombie, w.handOff)
		}
	}
	if p.Replays != 0 || !p.InversionsUnknown {
		t.Errorf("replays %d, inversions unknown %v: want no replay", p.Replays, p.InversionsUnknown)
	}
}
