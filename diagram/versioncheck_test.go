package diagram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// The version-check preset, from its recorded runs (testdata/version-check)
// and from a real run: the same forced kill on one key leaves the naive
// panel's final state wrong; the checked panel skips, gets the skipped
// version back, applies every version in order and ends right; the
// captions, the marks and the Mermaid text say so with the runs' numbers.
func TestVersionCheck(t *testing.T) {
	cases := []struct {
		name string
		live bool
		res  func(t *testing.T) *Result
	}{
		{"recorded", false, func(t *testing.T) *Result { return redrawTestdata(t, "version-check", "mmd") }},
		{"real run", true, func(t *testing.T) *Result { return makePreset(t, "version-check", 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.live {
				t.Parallel()
			}
			res := c.res(t)
			if len(res.Panels) != 2 {
				t.Fatalf("%d panels", len(res.Panels))
			}
			left, right, ok := strings.Cut(res.Caption, "Right: ")
			if !ok {
				t.Fatalf("caption has no right panel: %q", res.Caption)
			}
			checkNaivePanel(t, res.Panels[0].Analysis, left)
			checkCheckedPanel(t, res.Panels[1].Analysis, right)
			checkCost(t, res)
			checkSkipsDrawn(t, res)
		})
	}
}

// The naive panel: no skip, one key left on an older version, said so.
func checkNaivePanel(t *testing.T, a *analyze.Analysis, caption string) {
	t.Helper()
	fs := a.Summary.FinalState
	if a.Summary.Skips != 0 || fs.Keys != 1 || fs.WrongKeys != 1 || len(fs.Wrong) != 1 {
		t.Fatalf("naive panel: skips %d, final state %+v: want no skip and its one key wrong", a.Summary.Skips, fs)
	}
	w := fs.Wrong[0]
	if w.AppliedVer >= w.LastVer {
		t.Errorf("naive panel: applied v%d, last v%d", w.AppliedVer, w.LastVer)
	}
	want := fmt.Sprintf("%s ended on v%d although v%d was the last version published", w.Group, w.AppliedVer, w.LastVer)
	if !strings.Contains(caption, want) {
		t.Errorf("left caption lacks %q:\n%s", want, caption)
	}
	if strings.Contains(caption, "skipped") {
		t.Errorf("left caption tells a skip:\n%s", caption)
	}
}

// The checked panel: skips whose message came back and was done, every
// version done in order, nothing lost, the key right; the caption tells
// each skip and each comeback at its time, and the final state.
func checkCheckedPanel(t *testing.T, a *analyze.Analysis, caption string) {
	t.Helper()
	s := a.Summary
	if s.Skips == 0 || s.FinalState.WrongKeys != 0 || s.FinalState.Keys != 1 || s.OutOfOrder.Inversions != 0 || s.Lost != 0 {
		t.Fatalf("checked panel: skips %d, final state %+v, inversions %d, lost %d: want skips, the key right, in order, nothing lost",
			s.Skips, s.FinalState, s.OutOfOrder.Inversions, s.Lost)
	}
	last := 0
	for _, m := range a.List() {
		last = max(last, m.Ver)
		for _, sk := range m.Skips {
			if sk.Next < 0 {
				t.Errorf("%s: skipped at %d and never came back", m, sk.T)
				continue
			}
			for _, want := range []string{fmtSeconds(sk.T), fmtSeconds(m.Deliveries[sk.Next].T), "had applied only up to " + hadText(sk.Have)} {
				if !strings.Contains(caption, want) {
					t.Errorf("right caption lacks %q for %s:\n%s", want, m, caption)
				}
			}
		}
		if len(m.Skips) > 0 && (m.FirstDone() == nil || m.FirstDone().T < m.Skips[0].T) {
			t.Errorf("%s: skipped, then not done", m)
		}
	}
	g := a.Groups()[0]
	if want := fmt.Sprintf("%s ended on v%d, the last version published", g, last); !strings.Contains(caption, want) {
		t.Errorf("right caption lacks %q:\n%s", want, caption)
	}
}

// The cost: the checked panel's p99 and deliveries against the naive one's.
func checkCost(t *testing.T, res *Result) {
	t.Helper()
	n, c := res.Panels[0].Analysis.Summary, res.Panels[1].Analysis.Summary
	if c.Delivered <= n.Delivered {
		t.Errorf("the check cost no delivery: %d against %d", c.Delivered, n.Delivered)
	}
	for _, want := range []string{
		fmt.Sprintf("p99 %s against %s without it", fmtDur(int64(*c.EndToEndMs.P99*1e6)), fmtDur(int64(*n.EndToEndMs.P99*1e6))),
		fmt.Sprintf("%d deliveries against %d for the same %d messages (%d of the %d skipped)", c.Delivered, n.Delivered, c.Published, c.Skips, c.Delivered),
	} {
		if !strings.Contains(res.Caption, want) {
			t.Errorf("caption lacks %q:\n%s", want, res.Caption)
		}
	}
}

// Skips are marked only on the checked panel, with a legend entry, and
// each is a Mermaid note over its member; each panel's final state ends it.
func checkSkipsDrawn(t *testing.T, res *Result) {
	t.Helper()
	if res.Figure.panels[0].features["skip"] || !res.Figure.panels[1].features["skip"] {
		t.Errorf("skip marks: naive %v, checked %v", res.Figure.panels[0].features["skip"], res.Figure.panels[1].features["skip"])
	}
	legend := false
	for _, e := range res.Figure.legend {
		legend = legend || e.key == "skip"
	}
	if !legend {
		t.Error("no legend entry for skips")
	}
	for _, m := range res.Panels[1].Analysis.List() {
		for _, sk := range m.Skips {
			want := fmt.Sprintf("Note over %s: v%d skipped (had %s), not applied, not acked", mermaidID(sk.Member), m.Ver, hadText(sk.Have))
			if !strings.Contains(res.Mermaid, want) {
				t.Errorf("Mermaid lacks %q", want)
			}
		}
	}
	if n := strings.Count(res.Mermaid, ": final state, "); n != 2 {
		t.Errorf("Mermaid tells %d final states, want 2", n)
	}
	if err := checkMermaid(res.Mermaid); err != nil {
		t.Error(err)
	}
}

// groupFinal words every final state: one key right or wrong, nothing
// applied, several keys.
func TestGroupFinal(t *testing.T) {
	cases := []struct {
		name string
		fs   analyze.FinalState
		want string
	}{
		{"right", analyze.FinalState{Keys: 1, Wrong: []analyze.WrongKey{}}, "orders ended on v2, the last version published"},
		{"wrong", analyze.FinalState{Keys: 1, WrongKeys: 1, Wrong: []analyze.WrongKey{{Group: "orders", Key: "pub-k1", AppliedVer: 1, LastVer: 2}}},
			"orders ended on v1 although v2 was the last version published: its data is wrong, not just late"},
		{"nothing", analyze.FinalState{Keys: 1, WrongKeys: 1, Wrong: []analyze.WrongKey{{Group: "orders", Key: "pub-k1", LastVer: 2}}},
			"orders ended on nothing although v2 was the last version published: its data is wrong, not just late"},
		{"keys", analyze.FinalState{Keys: 3, WrongKeys: 1, Wrong: []analyze.WrongKey{{Group: "orders", Key: "pub-k2", AppliedVer: 4, LastVer: 5}}},
			"orders ended on v4 of k2 although v5 was the last version published (1 of 3 keys wrong): its data is wrong, not just late"},
		{"keys right", analyze.FinalState{Keys: 3, Wrong: []analyze.WrongKey{}}, "orders ended on the last version published of each of its 3 keys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pv := finalPanel()
			gs := &analyze.GroupSummary{Channel: "ch"}
			gs.FinalState = c.fs
			if got := groupFinal(pv, "orders", gs); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// finalPanel is a panel whose group orders applied v1 then v2 of pub-k1.
func finalPanel() *panelView {
	var l history.Log
	for v := 1; v <= 2; v++ {
		id := fmt.Sprintf("pub-%d", v)
		l.Events = append(l.Events,
			history.Event{T: int64(v), Ev: history.KindPublish, ID: id, Pub: "pub", Channel: "ch", Key: "pub-k1", Ver: v},
			history.Event{T: int64(v), Ev: history.KindPublishAck, ID: id},
			history.Event{T: int64(v) * 1e9, Ev: history.KindDone, ID: id, Key: "pub-k1", Ver: v, Group: "orders"})
	}
	a := analyze.Analyze(&l)
	return &panelView{A: a, Msgs: []*msgView{{M: a.MessageAt(0)}}}
}
