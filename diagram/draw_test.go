package diagram

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/stansim/stansim/sim/run"
)

var regen = flag.Bool("regen", false, "rewrite the golden files in testdata/")

// TestMain fails the package if a run leaves a goroutine behind.
// TestMain checks for leaks; started again as a process-mode member (the
// sigterm-handler preset), the test binary is that member.
func TestMain(m *testing.M) {
	if run.IsChild() {
		os.Exit(run.ChildMain())
	}
	goleak.VerifyTestMain(m)
}

// Recorded runs of each preset (seed 1), as Make leaves them: diagram.json
// and one history.jsonl per panel.
var recorded = []string{"graceful-vs-forced", "ackwait-redelivery", "out-of-order", "forced-vs-hang", "version-check"}

func redrawTestdata(t *testing.T, name string, formats ...string) *Result {
	t.Helper()
	res, err := Redraw(filepath.Join("testdata", name), Options{Out: t.TempDir(), Formats: formats})
	if err != nil {
		t.Fatalf("redraw %s: %v", name, err)
	}
	return res
}

func renderFig(t *testing.T, f *Figure, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Render(&buf, format); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return buf.Bytes()
}

// The same history gives the same bytes, in every format, whether drawn
// twice from one figure or from two redraws.
func TestDeterministic(t *testing.T) {
	for _, name := range recorded {
		a := redrawTestdata(t, name, "mmd")
		b := redrawTestdata(t, name, "mmd")
		for _, format := range Formats {
			x, y := renderFig(t, a.Figure, format), renderFig(t, b.Figure, format)
			if !bytes.Equal(x, y) {
				t.Errorf("%s.%s: two draws differ (%d vs %d bytes)", name, format, len(x), len(y))
			}
			if z := renderFig(t, a.Figure, format); !bytes.Equal(x, z) {
				t.Errorf("%s.%s: drawing one figure twice differs", name, format)
			}
		}
		if a.Mermaid != b.Mermaid || a.Caption != b.Caption {
			t.Errorf("%s: Mermaid or caption differ between redraws", name)
		}
	}
}

func TestFormats(t *testing.T) {
	res := redrawTestdata(t, "graceful-vs-forced")
	if len(res.Files) != len(AllFormats) {
		t.Fatalf("files = %v, want one per format %v", res.Files, AllFormats)
	}
	for _, f := range res.Files {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v (%d bytes)", f, err, len(b))
		}
		switch filepath.Ext(f) {
		case ".pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("%s does not start with %%PDF-", f)
			}
			if !bytes.Contains(b, []byte("/CreationDate (D:20000101")) {
				t.Errorf("%s: creation date not fixed", f)
			}
		case ".png":
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s is not a PNG", f)
			}
		case ".svg":
			if !bytes.Contains(b, []byte("<svg")) {
				t.Errorf("%s is not an SVG", f)
			}
		case ".mmd":
			if !bytes.HasPrefix(b, []byte("sequenceDiagram\n")) {
				t.Errorf("%s does not start with sequenceDiagram", f)
			}
		}
	}
	if _, err := Redraw(filepath.Join("testdata", "out-of-order"), Options{Out: t.TempDir(), Formats: []string{"gif"}}); err == nil {
		t.Error("format gif accepted")
	}
}

// The SVG carries the story as text: lanes, deaths, the zombie window,
// the caption; redeliveries are dashed in their cause's colour.
func TestSVGContent(t *testing.T) {
	res := redrawTestdata(t, "graceful-vs-forced")
	svg := string(renderFig(t, res.Figure, "svg"))
	for _, want := range []string{
		">tickets<", ">ticket.updated<", ">orders-1<", ">orders-2<", // lane names
		">graceful: orders-2 calls Close()<", ">forced: orders-2 is killed (no Close())<",
		">Close() (graceful)<", ">killed (forced)<", // death labels
		">still listed by the server<", ">(heartbeats failed)<",
		">#6 k1 v6 redelivered<", ">#6, #8 redelivered<",
		">done order:<",
		"font-family:'Liberation Sans',Arial,Helvetica,sans-serif;",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	for _, line := range res.Figure.capLn {
		if !strings.Contains(svg, ">"+line+"<") {
			t.Errorf("SVG lacks caption line %q", line)
		}
	}
	// Hand-off at Close() (blue) and at removal (vermillion): dashed.
	for _, c := range []string{"#0072B2", "#D55E00"} {
		if !strings.Contains(svg, "stroke:"+c+";stroke-width:2.4;stroke-dasharray:7,4") {
			t.Errorf("no dashed %s redelivery arrow", c)
		}
	}
	if !strings.Contains(res.Caption, "Left: orders-2 called Close() at 1.10 s") ||
		!strings.Contains(res.Caption, "Right: orders-2 was killed at 1.10 s without Close()") {
		t.Errorf("caption = %q", res.Caption)
	}
}

// Every label of the recorded presets found a free spot: none needed a
// white background over something else, none overlaps another, all stay
// on the canvas.
func TestLabelsDoNotCollide(t *testing.T) {
	for _, name := range recorded {
		res := redrawTestdata(t, name, "mmd")
		f := res.Figure
		canvas := rect{0, 0, f.W, f.H}
		for _, pd := range f.panels {
			var boxes []rect
			for _, l := range pd.labels {
				w, h := l.sty.box(l.lines)
				r := rect{l.at.X, l.at.Y, l.at.X + w, l.at.Y + h}
				if l.bg {
					t.Errorf("%s/%s: label %q found no free spot", name, pd.pv.Name, l.lines)
				}
				if !r.within(canvas) {
					t.Errorf("%s/%s: label %q off the canvas", name, pd.pv.Name, l.lines)
				}
				for _, o := range boxes {
					if r.inset(-1).overlaps(o) {
						t.Errorf("%s/%s: label %q overlaps another", name, pd.pv.Name, l.lines)
					}
				}
				boxes = append(boxes, r)
			}
		}
		// The legend sits below every panel.
		for _, pd := range f.panels {
			if pd.top+pd.height > f.legendY {
				t.Errorf("%s: legend at %v overlaps panel %s ending at %v", name, f.legendY, pd.pv.Name, pd.top+pd.height)
			}
		}
	}
}

// The graceful-vs-forced figure matches its golden SVG (regenerate with
// go test ./diagram -run Golden -regen after an intended change).
func TestGolden(t *testing.T) {
	res := redrawTestdata(t, "graceful-vs-forced", "mmd")
	for _, g := range []struct {
		file string
		got  []byte
	}{
		{"graceful-vs-forced.golden.svg", renderFig(t, res.Figure, "svg")},
		{"graceful-vs-forced.golden.mmd", []byte(res.Mermaid)},
	} {
		path := filepath.Join("testdata", g.file)
		if *regen {
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -regen to create it)", err)
		}
		if !bytes.Equal(g.got, want) {
			t.Errorf("%s differs from the drawing (%d vs %d bytes); if intended, rerun with -regen", path, len(g.got), len(want))
		}
	}
}
