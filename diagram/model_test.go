package diagram

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

const ms = int64(time.Millisecond)

// synthetic builds a history by hand: g-2 dies (forced) at 500 ms holding
// p-2; p-3, published at 600 ms, goes to the dead g-2 and is never seen
// there; the server drops g-2 at 1400 ms and hands both to g-1 at 1500 ms,
// after p-4 (v4) was done.
func synthetic(t *testing.T) *analyze.Analysis {
	t.Helper()
	return syntheticOf(t, death.Forced)
}

// syntheticOf is the synthetic history with g-2 dying as kind says.
func syntheticOf(t *testing.T, kind death.Kind) *analyze.Analysis {
	t.Helper()
	sc, err := scenario.ParseScenario("synthetic.yaml", []byte(`name: synthetic
duration: 5s
server: {heartbeat: {interval: 300ms, timeout: 300ms, fail_count: 2}}
publishers: [{name: p, channel: c, count: 4, rate: 5}]
listeners: [{group: g, channel: c, members: 2, ack_wait: 2s, process_time: 200ms}]
faults: [{at: 500ms, member: g-2, death: `+string(kind)+`}]
`))
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := sc.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	yes, no := history.Bool(true), history.Bool(false)
	zero, one := history.Int(0), history.Int(1)
	evs := []history.Event{
		{T: 0, Ev: history.KindRunStart, Format: 1, Scenario: "synthetic", Resolved: string(resolved), SampleInterval: 100 * ms},
		{T: -2 * ms, Ev: history.KindMemberUp, Member: "g-1", Group: "g", Client: "g-1-r0"},
		{T: -1 * ms, Ev: history.KindMemberUp, Member: "g-2", Group: "g", Client: "g-2-r0"},
	}
	pub := func(t int64, n, ver int) {
		id := "p-" + string(rune('0'+n))
		evs = append(evs,
			history.Event{T: t, Ev: history.KindPublish, Pub: "p", Channel: "c", Key: "p-k1", Ver: ver, ID: id},
			history.Event{T: t + ms, Ev: history.KindPublishAck, ID: id})
	}
	deliver := func(t int64, member string, n int, redelivered bool) {
		r, c := no, zero
		if redelivered {
			r, c = yes, one
		}
		evs = append(evs, history.Event{T: t, Ev: history.KindDeliver, Member: member, Group: "g", Seq: uint64(n),
			ID: "p-" + string(rune('0'+n)), Key: "p-k1", Ver: n, Redelivered: r, Redeliveries: c})
	}
	done := func(t int64, member string, n int, redeliveries *int) {
		evs = append(evs, history.Event{T: t, Ev: history.KindDone, Member: member, Group: "g", Seq: uint64(n),
			ID: "p-" + string(rune('0'+n)), Key: "p-k1", Ver: n, Redeliveries: redeliveries})
	}
	pub(0, 1, 1)
	deliver(1*ms, "g-1", 1, false)
	done(300*ms, "g-1", 1, zero)
	pub(200*ms, 2, 2)
	deliver(201*ms, "g-2", 2, false)
	evs = append(evs,
		history.Event{T: 500 * ms, Ev: history.KindFault, Member: "g-2", Group: "g", Death: kind, Client: "g-2-r0"},
		history.Event{T: 501 * ms, Ev: history.KindMemberDown, Member: "g-2", Group: "g", Death: kind, Client: "g-2-r0"})
	pub(600*ms, 3, 3)
	pub(800*ms, 4, 4)
	deliver(801*ms, "g-1", 4, false)
	done(1000*ms, "g-1", 4, zero)
	for v := int64(0); v <= 2000; v += 100 {
		clients := []string{"g-1-r0", "g-2-r0"}
		if v >= 1400 {
			clients = clients[:1]
		}
		evs = append(evs, history.Event{T: v * ms, Ev: history.KindServerView, Clients: clients})
	}
	deliver(1500*ms, "g-1", 2, true)
	deliver(1501*ms, "g-1", 3, true)
	done(1700*ms, "g-1", 2, one)
	done(1900*ms, "g-1", 3, one)
	evs = append(evs, history.Event{T: 2000 * ms, Ev: history.KindRunEnd, Reason: history.ReasonDone})
	var buf bytes.Buffer
	for _, e := range evs {
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))
	}
	l, err := history.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return analyze.Analyze(l)
}

func TestModelInfersSendsToTheDead(t *testing.T) {
	pv := newPanelView("synthetic", "", synthetic(t))
	var inferred []send
	for _, s := range pv.Sends {
		if s.Inferred {
			inferred = append(inferred, s)
		}
	}
	if len(inferred) != 1 || inferred[0].Msg.M.ID != "p-3" || inferred[0].Member != "g-2" || inferred[0].T != 600*ms {
		t.Fatalf("inferred sends = %+v, want p-3 to g-2 at 600ms", inferred)
	}
	for _, s := range pv.Sends {
		if s.Redelivered && !s.Inferred && s.Cause != analyze.CauseRemoval {
			t.Errorf("%s redelivered at %v: cause %q, want removal", s.Msg.M.ID, time.Duration(s.T), s.Cause)
		}
	}
	// Unseen messages keep their place in the server's sequence.
	if got := pv.Msgs[2].Label; got != "#3 k1 v3" {
		t.Errorf("p-3 label = %q, want #3 k1 v3", got)
	}
}

// Processing bars follow each member's worker: one message at a time, in
// arrival order; the dead member's last one is cut at its death.
func TestModelBars(t *testing.T) {
	pv := newPanelView("synthetic", "", synthetic(t))
	type span struct {
		member   string
		from, to int64
		cut      bool
	}
	var got []span
	for _, b := range pv.Bars {
		got = append(got, span{b.Member, b.From / ms, b.To / ms, b.Cut})
	}
	want := []span{
		{"g-1", 1, 300, false}, {"g-1", 801, 1000, false}, {"g-1", 1500, 1700, false}, {"g-1", 1700, 1900, false},
		{"g-2", 201, 500, true},
	}
	if len(got) != len(want) {
		t.Fatalf("bars = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bar %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestStory(t *testing.T) {
	pv := newPanelView("synthetic", "", synthetic(t))
	st := pv.story()
	if st.Death == nil || st.Death.Member != "g-2" || st.Window != 900*time.Millisecond {
		t.Fatalf("death %+v window %v, want g-2 and 900ms", st.Death, st.Window)
	}
	if len(st.Held) != 1 || st.Held[0].ID != "p-2" || len(st.SentToDead) != 1 || st.SentToDead[0].ID != "p-3" {
		t.Errorf("held %v, sent to dead %v: want p-2, p-3", st.Held, st.SentToDead)
	}
	if len(st.HandOffs) != 2 || st.HandOffs[0].Member != "g-1" || st.HandOffs[0].Cause != analyze.CauseRemoval {
		t.Errorf("hand-offs = %+v, want p-2 and p-3 to g-1 at removal", st.HandOffs)
	}
	if len(st.Late) != 2 || st.Late[0].Msg.ID != "p-2" || st.Late[0].After[0].ID != "p-4" {
		t.Errorf("late = %+v, want v2 and v3 after v4", st.Late)
	}
	if got := st.DoneOrder["p-k1"]; len(got) != 4 || got[0] != 1 || got[1] != 4 || got[2] != 2 || got[3] != 3 {
		t.Errorf("done order = %v, want [1 4 2 3]", got)
	}
	capText := caption([]*panelView{pv})
	for _, want := range []string{
		"g-2 was killed at 0.50 s without Close(), holding #2",
		"the server kept listing it for 0.90 s (heartbeats every 0.3 s, 2 misses allowed: removal 0.6-0.9 s after the death)",
		"even sent it #3",
		"handed #2 and #3 to g-1 only when it dropped it, at 1.50 s",
		"So v2 was done after v4, and v3 after v4.",
	} {
		if !strings.Contains(capText, want) {
			t.Errorf("caption lacks %q:\n%s", want, capText)
		}
	}
	// The figure draws the inferred send (dotted) and the cut bar.
	f := newFigure("synthetic", capText, []*panelView{pv})
	for _, k := range []string{"inferred", "cut", "zombie", "redeliver-removal", "late", "death-forced"} {
		if !f.panels[0].features[k] {
			t.Errorf("figure lacks %s", k)
		}
	}
}

func TestCaptionWithoutDeath(t *testing.T) {
	a := synthetic(t)
	a.Deaths = nil
	if got := caption([]*panelView{newPanelView("x", "", a)}); !strings.HasPrefix(got, "No member died") {
		t.Errorf("caption = %q", got)
	}
}

func TestLookup(t *testing.T) {
	for _, p := range Presets {
		got, err := Lookup(p.Name)
		if err != nil || got.Name != p.Name {
			t.Errorf("Lookup(%q) = %v, %v", p.Name, got.Name, err)
		}
		if len(p.Panels) < 1 || len(p.Panels) > 2 {
			t.Errorf("%s: %d panels", p.Name, len(p.Panels))
		}
		for _, pn := range p.Panels {
			sc, err := pn.scenarioOf(p.Name)
			if err != nil {
				t.Errorf("%s/%s: %v", p.Name, pn.Name, err)
				continue
			}
			n := 0
			for _, pb := range sc.Publishers {
				n += pb.Count
			}
			if n > 12 || len(sc.Listeners) != 1 || sc.Listeners[0].Members != 2 || sc.Duration > 8*time.Second {
				t.Errorf("%s/%s: %d messages, %d listeners, duration %v: not a small course scenario", p.Name, pn.Name, n, len(sc.Listeners), sc.Duration)
			}
		}
	}
	_, err := Lookup("nope")
	if err == nil || !strings.Contains(err.Error(), "graceful-vs-forced, ackwait-redelivery, out-of-order") {
		t.Errorf("Lookup(nope) = %v", err)
	}
}

// A history with no actors (a run stopped before anything happened) still
// draws, with a note, and gives valid Mermaid.
func TestEmptyHistory(t *testing.T) {
	l, err := history.Read(strings.NewReader(`{"t":0,"ev":"run_start","format":1,"scenario":"empty"}
{"t":5,"ev":"run_end","reason":"interrupted"}
`))
	if err != nil {
		t.Fatal(err)
	}
	pv := newPanelView("empty", "empty", analyze.Analyze(l))
	f := newFigure("empty", caption([]*panelView{pv}), []*panelView{pv})
	var buf bytes.Buffer
	for _, format := range Formats {
		buf.Reset()
		if err := f.Render(&buf, format); err != nil || buf.Len() == 0 {
			t.Errorf("%s: %v", format, err)
		}
	}
	if err := checkMermaid(mermaid("empty", "c", []*panelView{pv})); err != nil {
		t.Error(err)
	}
}

func TestWrapKeepsUnits(t *testing.T) {
	lines := wrap(styCaption, "it dropped it, at 2.61 s. So v6 was done after 20 ms and more words here", styCaption.width("it dropped it, at 2.61"))
	for _, l := range lines {
		if l == "s. So" || strings.HasPrefix(l, "s.") || strings.HasSuffix(l, "2.61") {
			t.Errorf("line %q splits a number from its unit: %q", l, lines)
		}
	}
}
