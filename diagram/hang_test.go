package diagram

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/death"
)

// figureTexts are every text a figure and its Mermaid show: the caption,
// each placed label, the legend and the Mermaid lines.
func figureTexts(f *Figure, mm string) []string {
	texts := []string{f.Caption, mm}
	for _, pd := range f.panels {
		for _, l := range pd.labels {
			texts = append(texts, l.lines...)
		}
	}
	for _, e := range f.legend {
		texts = append(texts, e.label)
	}
	return texts
}

// A hang is never called a kill: no caption, label, legend entry or
// Mermaid line of a figure whose only death is a hang says "kill" or
// "forced", and each says "hung" where it names the death.
func TestHangIsNotAKill(t *testing.T) {
	cases := map[string]func(t *testing.T) (*Figure, string){
		"synthetic": func(t *testing.T) (*Figure, string) {
			pv := newPanelView("synthetic", "hang", syntheticOf(t, death.Hang))
			c := caption([]*panelView{pv})
			return newFigure("synthetic hang", c, []*panelView{pv}), mermaid("synthetic hang", c, []*panelView{pv})
		},
		"recorded": func(t *testing.T) (*Figure, string) {
			res := redrawTestdata(t, filepath.Join("forced-vs-hang", "hang"), "mmd")
			return res.Figure, res.Mermaid
		},
	}
	for name, mk := range cases {
		f, mm := mk(t)
		all := strings.Join(figureTexts(f, mm), "\n")
		for _, bad := range []string{"kill", "forced", "graceful"} {
			if strings.Contains(strings.ToLower(all), bad) {
				for _, line := range strings.Split(all, "\n") {
					if strings.Contains(strings.ToLower(line), bad) {
						t.Errorf("%s: %q says %q", name, line, bad)
					}
				}
			}
		}
		for _, want := range []string{"hung (frozen)", "hung at 0.50 s", "Note over L_g_2: hung (frozen) at"} {
			if name == "recorded" {
				want = strings.NewReplacer("0.50", "1.10", "L_g_2", "L_orders_2").Replace(want)
			}
			if !strings.Contains(all, want) {
				t.Errorf("%s: no text says %q", name, want)
			}
		}
		if err := checkMermaid(mm); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
