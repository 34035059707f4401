package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// deathStory is the forced-kill story's run with another death of member 1
// at 1.01 s; a death without Close() is removed 1.2 s later, inside a
// hang's predicted window for 250ms/250ms/2 (1000 ms to 1500 ms).
func deathStory(k death.Kind) story {
	s := storyByName("forced-kill")
	s.Name, s.Death, s.Removal = "death-"+string(k), k, 1200*time.Millisecond
	return s
}

// resolvedScenario is the story's scenario as the engine writes it into
// run_start.resolved: read with scenario.ParseScenario, written back with
// ResolvedYAML, the death as its fault.
func (s story) resolvedScenario(t testing.TB) string {
	t.Helper()
	y := s.resolvedYAML()
	if s.Death != "" {
		y += fmt.Sprintf("faults:\n  - {at: %s, member: orders-1, death: %s}\n", s.DeathAt, s.Death)
	}
	sc, err := scenario.ParseScenario(s.Name+".yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	b, err := sc.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// analyseStory writes the story's history (run_start carrying the resolved
// scenario), reads it back and analyses it: the settings, and so every
// prediction, come from the history alone.
func analyseStory(t testing.TB, s story) *analyze.Analysis {
	t.Helper()
	ev := s.events()
	ev[0].Resolved = s.resolvedScenario(t)
	var buf bytes.Buffer
	for i := range ev {
		b, err := ev[i].Marshal()
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	l, err := history.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	a := analyze.Analyze(l)
	if !a.Settings.Known || len(a.Deaths) != 1 || a.Deaths[0].Kind != s.Death {
		t.Fatalf("%s: settings known %v, deaths %v", s.Name, a.Settings.Known, a.Deaths)
	}
	return a
}

var svgText = regexp.MustCompile(`>([^<]+)<`)

// chartText is every text of the chart's SVG, one per line.
func chartText(t testing.TB, a *analyze.Analysis, c ChartInfo) string {
	t.Helper()
	fig, err := c.Draw(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range svgText.FindAllSubmatch(renderFig(t, fig, "svg"), -1) {
		b.Write(m[1])
		b.WriteByte('\n')
	}
	return b.String()
}

// TestDeathWords: every chart names a death with the table's words only. A
// hang is never called forced or a kill, an interrupt never graceful, and
// the delays chart shows the hang's own predicted window, not a forced
// kill's (500 ms to 750 ms for these settings).
func TestDeathWords(t *testing.T) {
	cases := []struct {
		kind   death.Kind
		banned []string
		want   map[string][]string // chart -> texts it must contain
	}{
		{death.Hang, []string{"forced", "kill", "500 ms to 750 ms"}, map[string][]string{
			"timeline":    {"hang (frozen)", "orders-1 hung at 1.01 s", "(predicted 1\u20131.5 s)"},
			"delays":      {"predicted removal after a hang (frozen): F\u00b7(I+T) to (F+1)\u00b7(I+T) = 1000 ms to 1500 ms", "after a hang (frozen)", "1500 ms"},
			"server-view": {"orders-1 hung", "after its hang (frozen)"},
			"throughput":  {"hang (frozen)", "orders-1 hung"},
		}},
		{death.Interrupt, []string{"graceful", "forced", "kill", "predicted removal"}, map[string][]string{
			"timeline":    {"interrupt (Close())", "orders-1 was interrupted at 1.01 s"},
			"delays":      {"removal at once (Close()) after an interrupt (Close())"},
			"server-view": {"orders-1 interrupted", "after its interrupt (Close())"},
			"throughput":  {"interrupt (Close())", "orders-1 interrupted"},
		}},
		{death.Forced, []string{"hang", "graceful", "1000 ms to 1500 ms"}, map[string][]string{
			"timeline": {"forced kill", "orders-1 was killed at 1.01 s"},
			"delays":   {"predicted removal after a forced kill: F\u00b7I to (F+1)\u00b7I = 500 ms to 750 ms"},
		}},
	}
	for _, c := range cases {
		a := analyseStory(t, deathStory(c.kind))
		for _, chart := range Registry {
			t.Run(string(c.kind)+"/"+chart.Name, func(t *testing.T) {
				text := chartText(t, a, chart)
				flat := strings.ReplaceAll(text, "\n", " ") // subtitles wrap
				for _, b := range c.banned {
					if strings.Contains(strings.ToLower(flat), b) {
						t.Errorf("text contains %q:\n%s", b, text)
					}
				}
				for _, w := range c.want[chart.Name] {
					if !strings.Contains(flat, w) {
						t.Errorf("text lacks %q:\n%s", w, text)
					}
				}
			})
		}
	}
}

// TestDeathColor: a kind's colour is its role's, for every kind of the
// table and for an unknown one.
func TestDeathColor(t *testing.T) {
	roles := map[death.Role]color.NRGBA{death.RoleClose: ColorGraceful, death.RoleKill: ColorForced, death.RoleHang: ColorForced}
	for _, k := range append(death.Kinds(), "frobnicate") {
		want, ok := roles[death.Of(k).Role]
		if !ok {
			t.Fatalf("%s: role %d has no colour", k, death.Of(k).Role)
		}
		if got := DeathColor(k); got != want {
			t.Errorf("DeathColor(%s) = %v, want %v (role %d)", k, got, want, death.Of(k).Role)
		}
	}
}

// TestComeback: a member back in the same connection resumed; in a new one
// it restarted.
func TestComeback(t *testing.T) {
	for _, c := range []struct {
		client, want string
	}{{"c1", "resume"}, {"c2", "restart"}} {
		a := &analyze.Analysis{Members: []*analyze.Member{{Name: "m", Spans: []analyze.Span{
			{Client: "c1", Up: 0, Down: 10, Death: death.Hang}, {Client: c.client, Up: 20, Down: -1}}}}}
		d := &analyze.Death{Member: "m", Client: "c1", Kind: death.Hang, T: 10, Removed: -1, Restart: 20}
		if got := comeback(a, d); got != c.want {
			t.Errorf("back as %s: %q, want %q", c.client, got, c.want)
		}
	}
}
