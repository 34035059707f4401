package diagram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stansim/stansim/batch"
	"github.com/stansim/stansim/diagram"
	"github.com/stansim/stansim/sim/analyze"
)

// One model of what happened: for a real run with two deaths of different
// kinds in one group (orders-1 hung at 1.0 s, orders-2 killed at 1.5 s),
// summary.json, the report's explanations and the diagram's caption state
// the same holders, hand-offs and windows as the analysis.
func TestOutputsAgreeOnTwoDeaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "two-deaths")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	hist, err := os.ReadFile(filepath.Join("testdata", "two-deaths", "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "history.jsonl"), hist, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := batch.Render(context.Background(), dir, batch.RenderOptions{Formats: []string{"svg"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Deaths) != 2 || a.Deaths[0].Kind == a.Deaths[1].Kind || a.Deaths[0].Group != a.Deaths[1].Group {
		t.Fatalf("fixture: want two deaths of different kinds in one group, got %+v", a.Deaths)
	}
	var sum analyze.Summary
	b, _ := os.ReadFile(filepath.Join(dir, analyze.SummaryFile))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	report := string(md)
	res, err := diagram.Redraw(dir, diagram.Options{Out: t.TempDir(), Formats: []string{"mmd"}})
	if err != nil {
		t.Fatal(err)
	}
	stories := res.Panels[0].Stories
	if len(stories) != 2 {
		t.Fatalf("diagram told %d deaths, want 2", len(stories))
	}
	secs := func(ns int64) string { return fmt.Sprintf("%.2f s", float64(ns)/1e9) }
	for i, d := range a.Deaths {
		t.Run(string(d.Kind), func(t *testing.T) {
			// summary.json
			z := sum.ZombieWindows[i]
			if z.Member != d.Member || z.Ms == nil || *z.Ms != analyze.Ms(d.Listed()) || z.PredictedMs == nil ||
				z.PredictedMs.Min != analyze.Ms(int64(d.Predicted.Min)) || z.PredictedMs.Max != analyze.Ms(int64(d.Predicted.Max)) {
				t.Errorf("summary.json window %+v disagrees with the analysis (listed %d, predicted %+v)", z, d.Listed(), d.Predicted)
			}
			// report.md: the death's sentence names its own window, its
			// own prediction, what it held and what it was sent.
			sentence := lineWith(report, d.Member+" "+d.Info().Verb+" at "+secs(d.T))
			if sentence == "" {
				t.Fatalf("report.md has no sentence for %s %s at %s", d.Member, d.Info().Verb, secs(d.T))
			}
			for _, want := range []string{
				"listed it until " + secs(d.Removed), secs(d.Listed()) + " later",
				"predicted " + secs(int64(d.Predicted.Min)) + " to " + secs(int64(d.Predicted.Max)), d.Predicted.Rule,
			} {
				if !strings.Contains(sentence, want) {
					t.Errorf("report sentence lacks %q:\n%s", want, sentence)
				}
			}
			for _, m := range append(append([]*analyze.Message(nil), d.Held...), d.Sent...) {
				if !strings.Contains(sentence, m.String()) {
					t.Errorf("report sentence does not name %s:\n%s", m, sentence)
				}
			}
			// The diagram's story of this death (its own analysis of the
			// same history: the same facts, other pointers).
			pd := res.Panels[0].Analysis.Deaths[i]
			if pd.T != d.T || pd.Removed != d.Removed || *pd.Predicted != *d.Predicted {
				t.Fatalf("the diagram's analysis differs: %+v vs %+v", pd, d)
			}
			d := pd
			st := stories[i]
			if st.Death != d || !slices.Equal(st.Held, d.Held) || !slices.Equal(st.SentToDead, d.Sent) || st.Predicted != d.Predicted {
				t.Errorf("diagram story %+v disagrees with the analysis", st)
			}
			for _, h := range st.HandOffs {
				dl := firstCopyTo(h.Msg, h.Member)
				if dl == nil || dl.After != d || dl.Cause != h.Cause || dl.T != h.T {
					t.Errorf("diagram hand-off %+v is not the analysis's (%+v)", h, dl)
				}
			}
			if len(d.Held)+len(d.Sent) > 0 && len(st.HandOffs) == 0 {
				t.Errorf("%s held or was sent messages, but the diagram hands none off", d.Member)
			}
			for _, want := range []string{fmt.Sprintf("for %.2f s", float64(d.Listed())/1e9), d.Member + " " + d.Info().Verb} {
				if !strings.Contains(res.Caption, want) {
					t.Errorf("caption lacks %q:\n%s", want, res.Caption)
				}
			}
		})
	}
}

func lineWith(text, sub string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func firstCopyTo(m *analyze.Message, member string) *analyze.Delivery {
	for k := range m.Deliveries {
		if dl := &m.Deliveries[k]; dl.Member == member && dl.Redelivered {
			return dl
		}
	}
	return nil
}
