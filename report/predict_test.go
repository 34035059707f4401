package report

import (
	"testing"

	"github.com/stansim/stansim/predict"
)

// A real run's death beside the predictor's replay of its settings: every
// row carries the analysis's measured figure and the predictor's bounds,
// and none lies outside them by more than the report allows.
func TestChecks(t *testing.T) {
	for _, name := range []string{"sweep/c1-r1", "sweep/c4-r1"} {
		t.Run(name, func(t *testing.T) {
			a := load(t, name)
			p, ok := predict.Resolved(a.Log.Start.Resolved)
			if !ok {
				t.Fatal("the history's settings do not parse")
			}
			cs := Checks(a)
			if len(cs) != 1 || len(a.Deaths) != 1 {
				t.Fatalf("%d checks for %d deaths", len(cs), len(a.Deaths))
			}
			d, m := a.Deaths[0], Measure(a, a.Deaths[0])
			if m.Held != len(d.Held) || m.Sent != len(d.Sent) || len(m.HandOff) > m.Held {
				t.Errorf("measured %+v against held %d, sent %d", m, len(d.Held), len(d.Sent))
			}
			rows := map[string]CheckRow{}
			for _, r := range cs[0].Rows {
				rows[r.Field] = r
				if r.Fit == "outside" {
					t.Errorf("%s: measured %s outside predicted %s", r.Label, r.Measured, r.Predicted)
				}
			}
			if r := rows["sent_to_dead"]; r.Want != p.Deaths[0].Sent || r.Got[0] != float64(m.Sent) {
				t.Errorf("sent row %+v, want bounds %v and %d", r, p.Deaths[0].Sent, m.Sent)
			}
			if r := rows["zombie_ms"]; r.Want != p.Deaths[0].ZombieMs || !r.Has {
				t.Errorf("zombie row %+v, want bounds %v", r, p.Deaths[0].ZombieMs)
			}
		})
	}
}

// fitCount and fitTime: inside the bounds, within the tolerance
// (near, with what may explain it), or outside.
func TestFits(t *testing.T) {
	b := predict.Bounds{Min: 2, Max: 4}
	for _, tc := range []struct {
		got  int
		want string
	}{{2, "inside"}, {4, "inside"}, {5, "near"}, {1, "near"}, {6, "outside"}, {0, "outside"}} {
		r := fitCount(CheckRow{Want: b}, tc.got)
		if r.Fit != tc.want || (tc.want != "inside") != (r.Note != "") {
			t.Errorf("count %d in %v: %s (%q), want %s", tc.got, b, r.Fit, r.Note, tc.want)
		}
	}
	tb := predict.Bounds{Min: 500, Max: 750}
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{{500, 750, "inside"}, {600, 840, "near"}, {420, 700, "near"}, {600, 900, "outside"}, {350, 600, "outside"}} {
		r := fitTime(CheckRow{Want: tb, Got: [2]float64{tc.lo, tc.hi}, Has: true}, 100, "scheduling")
		if r.Fit != tc.want {
			t.Errorf("%v..%v in %v: %s, want %s", tc.lo, tc.hi, tb, r.Fit, tc.want)
		}
	}
	if r := fitTime(CheckRow{Want: tb}, 100, "x"); r.Fit != "unknown" {
		t.Errorf("nothing measured: %s, want unknown", r.Fit)
	}
}
