package plots

import (
	"strings"
	"testing"
)

// Skips are drawn only where the run has them. testdata/version-check is a
// real run of two groups reading one key, one naive and one checking
// versions, a member of each killed at 1.3 s: its charts show the two skips
// of v7 on checked-1's lane and on the order chart, with the legend entry
// and the count in the subtitle; a run without skips shows none of it.
func TestSkipsDrawn(t *testing.T) {
	cases := []struct {
		history, chart string
		want, absent   []string
	}{
		{"version-check", "timeline", []string{">" + skipLegend + "<", ">#7 tickets-k1@7 skipped (had v5)<"}, nil},
		{"version-check", "order", []string{">" + skipLegend + "<", ">#7 tickets-k1@7 skipped \u00d72<", "2 deliveries skipped by the version check"}, nil},
		{"forced-kill", "timeline", nil, []string{"skipped"}},
		{"forced-kill", "order", nil, []string{"skipped"}},
	}
	for _, c := range cases {
		t.Run(c.history+"/"+c.chart, func(t *testing.T) {
			a := load(t, c.history)
			fig, err := Chart(c.chart, a, Options{})
			if err != nil {
				t.Fatal(err)
			}
			svg := string(renderFig(t, fig, "svg"))
			for _, w := range c.want {
				if !strings.Contains(svg, w) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			for _, w := range c.absent {
				if strings.Contains(svg, w) {
					t.Errorf("SVG says %q", w)
				}
			}
		})
	}
}

// Each skip sits at its message's publish rank, between the done ranks of
// its group's dones before and after it; skips of one message at one place
// share a mark.
func TestOrderSkipPlaces(t *testing.T) {
	a := load(t, "version-check")
	if a.Summary.Skips != 2 {
		t.Fatalf("fixture: %d skips, want 2", a.Summary.Skips)
	}
	ps := orderPoints(a)
	sk := orderSkips(a, ps)
	if len(sk.top) != 1 || len(sk.bottom) != 1 || sk.missing != 0 {
		t.Fatalf("marks %v / %v, missing %d: want one shared mark", sk.top, sk.bottom, sk.missing)
	}
	m := a.ByID("tickets-7")
	for pa, pm := range ps.walk(a) {
		if pm.Pos() == m.Pos() && ps.groups[pa.group] == "checked" {
			if x := float64(pa.x); sk.top[0].X != x || sk.top[0].Y != 5.5 || sk.bottom[0].Y != 5.5-x {
				got := sk.top[0]
				t.Errorf("mark at (%v, %v), want (%v, 5.5): five versions were done when v7 was skipped", got.X, got.Y, pa.x)
			}
			return
		}
	}
	t.Fatal("v7 has no point in the checked group")
}
