package plots

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

var regen = flag.Bool("regen", false, "rewrite testdata histories and *_golden.svg files")

// outDir, when set, receives every chart the tests draw (for looking at).
var outDir = os.Getenv("STANSIM_PLOTS_OUT")

func storyByName(name string) story {
	for _, s := range stories {
		if s.Name == name {
			return s
		}
	}
	panic("no story " + name)
}

// settingsOf is what the analysis would read from the story's resolved
// scenario.
func settingsOf(s story) analyze.Settings {
	return analyze.Settings{Known: true, Heartbeat: s.Heartbeat, Groups: map[string]analyze.GroupSettings{
		"orders": {Channel: "ticket.updated", Members: s.Members, AckWait: s.AckWait},
	}}
}

// load reads testdata/<name>/history.jsonl and analyses it.
func load(t testing.TB, name string) *analyze.Analysis {
	t.Helper()
	l, err := history.ReadDir(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	a := analyze.Analyze(l)
	if !a.Settings.Known {
		a.Settings = settingsOf(storyByName(name))
	}
	return a
}

func TestHistories(t *testing.T) {
	for _, s := range stories {
		var buf bytes.Buffer
		for _, e := range s.events() {
			b, err := e.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		path := filepath.Join("testdata", s.Name, history.FileName)
		if *regen {
			if err := writeHistory(filepath.Dir(path), s.events()); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s differs from the generator's output; run go test -run TestHistories -regen", path)
		}
	}
}

func renderFig(t testing.TB, fig *Figure, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fig.Render(&buf, format, Options{}); err != nil {
		t.Fatalf("%s: %v", fig.Chart, err)
	}
	return buf.Bytes()
}

// TestGolden compares every chart of every story with its golden SVG.
func TestGolden(t *testing.T) {
	for _, s := range stories {
		a := load(t, s.Name)
		for _, chart := range Charts {
			t.Run(s.Name+"/"+chart, func(t *testing.T) {
				fig, err := Chart(chart, a, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := renderFig(t, fig, "svg")
				if outDir != "" {
					os.MkdirAll(outDir, 0o755)
					os.WriteFile(filepath.Join(outDir, s.Name+"_"+chart+".svg"), got, 0o644)
					os.WriteFile(filepath.Join(outDir, s.Name+"_"+chart+".png"), renderFig(t, fig, "png"), 0o644)
				}
				golden := filepath.Join("testdata", s.Name+"_"+chart+"_golden.svg")
				if *regen {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -run TestGolden -regen)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s; look at the chart and run go test -run TestGolden -regen if the change is right", chart, golden)
				}
			})
		}
	}
}

func TestTimelineForcedKill(t *testing.T) {
	a := load(t, "forced-kill")
	fig, err := Timeline(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	svg := string(renderFig(t, fig, "svg"))
	for _, want := range []string{
		">forced kill<",                       // the death's label
		"zombie: server still lists orders-1", // the zombie window's label
		"stroke-dasharray:4,2.5",              // a dashed redelivery
		// the shaded zombie rectangle (vgsvg un-premultiplies #D55E00 with truncation)
		`style="fill:#D45D00;fill-opacity:0.18039"`,
		"server drops it",                   // the removal
		"redelivery: handed off on removal", // legend
		"font-family:'Liberation Sans',Arial,Helvetica,sans-serif;",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline SVG lacks %q", want)
		}
	}
	// Every redelivered message in the window carries its "#seq key@ver" label.
	from, to := TimelineWindow(a, Options{})
	n := 0
	for _, m := range a.List() {
		for _, d := range m.Deliveries {
			if d.Redelivered && d.T >= from && d.T <= to {
				n++
				if !strings.Contains(svg, ">"+msgLabel(m)+"<") {
					t.Errorf("no label %q", msgLabel(m))
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the forced-kill story has no redelivery in the timeline window")
	}
	// The window starts about 0.5 s before the death.
	if d := a.Deaths[0]; from != d.T-5e8 || to <= d.Removed {
		t.Errorf("window [%d, %d], death at %d removed at %d", from, to, d.T, d.Removed)
	}
}

func TestOrderMarksInversions(t *testing.T) {
	a := load(t, "forced-kill")
	if a.Summary.OutOfOrder.Inversions == 0 {
		t.Fatal("the forced-kill story has no inversion")
	}
	fig, err := Order(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	svg := string(renderFig(t, fig, "svg"))
	want := fmt.Sprintf("order: %d inversions", a.Summary.OutOfOrder.Inversions)
	if !strings.Contains(svg, want) {
		t.Errorf("order SVG lacks %q", want)
	}
	if !strings.Contains(svg, "fill:#CC79A7") {
		t.Error("order SVG marks no out-of-order point")
	}
}

func TestDelaysReferenceLines(t *testing.T) {
	a := load(t, "forced-kill")
	fig, _ := Delays(a, Options{})
	svg := string(renderFig(t, fig, "svg"))
	for _, want := range []string{"AckWait 2 s", "F·I to (F+1)·I", "handed off on removal"} {
		if !strings.Contains(svg, want) {
			t.Errorf("delays SVG lacks %q", want)
		}
	}
	a = load(t, "interrupted")
	fig, _ = Delays(a, Options{})
	if svg := string(renderFig(t, fig, "svg")); !strings.Contains(svg, "no redeliveries in this run") {
		t.Error("empty delays chart lacks its note")
	}
}

// TestDeterminism draws everything twice, in every format.
func TestDeterminism(t *testing.T) {
	a := load(t, "forced-kill")
	opt := Options{Formats: []string{"svg", "png", "pdf"}}
	d1, d2 := t.TempDir(), t.TempDir()
	if err := Draw(a, d1, opt); err != nil {
		t.Fatal(err)
	}
	if err := Draw(load(t, "forced-kill"), d2, opt); err != nil {
		t.Fatal(err)
	}
	for _, c := range Charts {
		for _, f := range opt.Formats {
			b1, err1 := os.ReadFile(filepath.Join(d1, c+"."+f))
			b2, err2 := os.ReadFile(filepath.Join(d2, c+"."+f))
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !bytes.Equal(b1, b2) {
				t.Errorf("%s.%s differs between two draws", c, f)
			}
		}
	}
}

// TestEmpty: a history with nothing but run_start, and the interrupted
// story, still give valid charts.
func TestEmpty(t *testing.T) {
	l, err := history.Read(strings.NewReader(`{"t":0,"ev":"run_start","format":1,"scenario":"empty"}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range []*analyze.Analysis{analyze.Analyze(l), load(t, "interrupted")} {
		dir := t.TempDir()
		if outDir != "" {
			dir = filepath.Join(outDir, fmt.Sprintf("empty-%d", i))
		}
		if err := Draw(a, dir, Options{Formats: []string{"svg", "png", "pdf"}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range Charts {
			b, err := os.ReadFile(filepath.Join(dir, c+".svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.HasSuffix(b, []byte("</svg>\n")) {
				t.Errorf("%s: not an SVG document", c)
			}
		}
	}
}

// TestSVGImages: rasterised scatters come out as PNG images that stretch.
func TestSVGImages(t *testing.T) {
	a := syntheticAnalysis(t, 5000)
	fig, _ := Order(a, Options{})
	svg := renderFig(t, fig, "svg")
	if !bytes.Contains(svg, []byte(`<image preserveAspectRatio="none" `)) || !bytes.Contains(svg, []byte("data:image/png;base64,")) {
		t.Error("dense order chart: image not fixed up")
	}
	if bytes.Contains(svg, []byte("image/jpg")) {
		t.Error("image/jpg left in SVG")
	}
	if n := len(regexp.MustCompile(`<image `).FindAll(svg, -1)); n != 2 {
		t.Errorf("%d images, want 2 (one per panel)", n)
	}
}

// TestSample renders real engine histories when some exist.
func TestSample(t *testing.T) {
	paths, _ := filepath.Glob("/tmp/stansim-sample/*/history.jsonl")
	for _, p := range paths {
		l, err := history.ReadFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		a := analyze.Analyze(l)
		dir := t.TempDir()
		if outDir != "" {
			dir = filepath.Join(outDir, "sample-"+filepath.Base(filepath.Dir(p)))
		}
		if err := Draw(a, dir, Options{}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestTimelineWindowOption: an explicit window is used as given and only
// messages inside it are drawn.
func TestTimelineWindowOption(t *testing.T) {
	a := load(t, "forced-kill")
	w := [2]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}
	opt := Options{Window: &w}
	if from, to := TimelineWindow(a, opt); from != int64(w[0]) || to != int64(w[1]) {
		t.Fatalf("window [%d, %d], want %v", from, to, w)
	}
	fig, err := Timeline(a, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fig.Subtitle, "Run time 0.2 to 0.4 s") || !strings.Contains(fig.Subtitle, ": 11 messages.") {
		t.Errorf("subtitle %q", fig.Subtitle)
	}
	renderFig(t, fig, "png")
}

// TestTimelineCap: with more messages than MaxMessages, the redelivered
// ones keep their arrows and labels.
func TestTimelineCap(t *testing.T) {
	a := load(t, "forced-kill")
	fig, err := Timeline(a, Options{MaxMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fig.Subtitle, "10 drawn with arrows") {
		t.Errorf("subtitle %q", fig.Subtitle)
	}
	svg := string(renderFig(t, fig, "svg"))
	for _, m := range a.List() {
		for _, d := range m.Deliveries {
			if d.Redelivered && !strings.Contains(svg, ">"+msgLabel(m)+"<") {
				t.Errorf("capped timeline lost the label of %s", msgLabel(m))
			}
		}
	}
}

func TestPaletteCSS(t *testing.T) {
	css := CSSVars()
	if len(Palette) != 8 || !strings.Contains(css, "--stansim-sky-blue: #56B4E9;") || !strings.Contains(css, "--stansim-vermillion: #D55E00;") {
		t.Errorf("palette CSS:\n%s", css)
	}
}

// TestConcurrentDraw: scenarios of a batch may be drawn in parallel.
func TestConcurrentDraw(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, len(stories))
	for i, s := range stories {
		a := load(t, s.Name)
		dir := t.TempDir()
		wg.Go(func() { errs[i] = Draw(a, dir, Options{Formats: []string{"svg", "png", "pdf"}}) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
