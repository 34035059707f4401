package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// scenarioDir lays out a scenario folder the way a run leaves it (history,
// summary, the given charts as fake SVGs and PNGs) and writes its reports.
func scenarioDir(t *testing.T, dir, name string, charts ...string) *analyze.Analysis {
	t.Helper()
	a := load(t, name)
	if name == "forced-kill" {
		a = withSettings(a)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	hist, err := os.ReadFile(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, history.FileName), hist, 0o644))
	must(t, a.Summary.WriteFile(filepath.Join(dir, analyze.SummaryFile)))
	for _, c := range charts {
		must(t, os.WriteFile(filepath.Join(dir, c+".svg"), []byte(fakeSVG(c)), 0o644))
		must(t, os.WriteFile(filepath.Join(dir, c+".png"), tinyPNG, 0o644))
	}
	must(t, Scenario(dir, a))
	return a
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHTMLEscapesScenarioText(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "clean", "timeline")
	html := read(t, filepath.Join(dir, HTMLFile))
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("report.html contains a <script> element")
	}
	for _, want := range []string{
		`<p class="lead" id="description">Two members, no faults. &lt;script&gt;alert(1)&lt;/script&gt; | pipes &amp; *stars*</p>`,
		`description: &#34;Two members, no faults. &lt;script&gt;alert(1)&lt;/script&gt; | pipes &amp; *stars*&#34;`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
}

func TestNoAnomalies(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "clean")
	const verdict = "No anomalies: all 20 published messages were done exactly once, in version order."
	for _, f := range []string{HTMLFile, MDFile} {
		if s := read(t, filepath.Join(dir, f)); !strings.Contains(s, verdict) {
			t.Errorf("%s lacks %q", f, verdict)
		}
	}
}

func TestInterruptedSaysSo(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "interrupted")
	html := read(t, filepath.Join(dir, HTMLFile))
	if !regexp.MustCompile(`<div class="banner alert" role="alert" id="status"><strong>Interrupted run</strong>The run was interrupted at 0.60 s`).MatchString(html) {
		t.Error("report.html has no interrupted banner")
	}
	if !strings.Contains(html, "The history&#39;s last line was incomplete and was skipped.") {
		t.Error("report.html does not mention the incomplete last line")
	}
	md := read(t, filepath.Join(dir, MDFile))
	if !strings.Contains(md, "> **Interrupted run.** The run was interrupted at 0.60 s") {
		t.Error("report.md has no interrupted note")
	}
	if !strings.Contains(md, "1. pub-13 (pub-k1 v4) was published at 0.60 s and never delivered before the run was interrupted at 0.60 s.") {
		t.Error("report.md does not explain the lost message")
	}
}

func TestMarkdown(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "forced-kill", "timeline", "server-view")
	md := read(t, filepath.Join(dir, MDFile))
	for _, want := range []string{
		"![timeline](timeline.png)",
		"![server-view](server-view.png)",
		"*delays.png is not in this folder: the chart was not drawn.*",
		"| Out-of-order pairs (`out_of_order.inversions`) | 6 | 2 of 40 messages were done after a newer version of their key: 6 out-of-order pairs. |",
		"#### orders-1 killed at 1.21 s (forced death) — 6 pairs",
		"1. #25 (pub-k1 v7) reached orders-1 at 1.20 s; orders-1 was killed at 1.21 s;",
		"```yaml\nname: forced-kill\n",
		"| `history.jsonl` | The run record:",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md, "\n\n\n") {
		t.Error("report.md has runs of blank lines")
	}

	dir = t.TempDir()
	scenarioDir(t, dir, "clean")
	md = read(t, filepath.Join(dir, MDFile))
	want := `Two members, no faults. \<script\>alert(1)\</script\> \| pipes & \*stars\*`
	if !strings.Contains(md, "\n"+want+"\n") {
		t.Errorf("report.md does not escape the description: want %s", want)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":            `a\|b`,
		"<b>x</b>":       `\<b\>x\</b\>`,
		"[x](y) *z* _w_": `\[x\](y) \*z\* \_w\_`,
		"two\nlines":     "two lines",
		"back\\slash`":   "back\\\\slash\\`",
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdFence("yaml", "a: ```x```\n"); got != "````yaml\na: ```x```\n````" {
		t.Errorf("mdFence: %q", got)
	}
}

func TestChartsInlinedWithUniqueIDs(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "forced-kill", "timeline", "server-view")
	html := read(t, filepath.Join(dir, HTMLFile))
	for _, want := range []string{
		`<svg role="img" aria-label="Timeline chart" width="288pt"`,
		`<clipPath id="chart-timeline-clip0">`, `clip-path="url(#chart-timeline-clip0)"`, `xlink:href="#chart-timeline-line"`,
		`<clipPath id="chart-server-view-clip0">`, `clip-path="url(#chart-server-view-clip0)"`,
		`<div class="missing" role="note">delays.svg is not in this folder`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	if strings.Contains(html, "<?xml") {
		t.Error("report.html keeps an XML prolog")
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(html, -1) {
		if seen[m[1]] {
			t.Errorf("id %q appears twice", m[1])
		}
		seen[m[1]] = true
	}
}

func TestInlineSVGRemovesActiveContent(t *testing.T) {
	in := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>` +
		`<a href="javascript:alert(3)"><rect onclick='alert(4)' width="1" height="1"/></a>` +
		`<foreignObject><div>x</div></foreignObject></svg>`
	out, err := inlineSVG([]byte(in), "p", `say "hi"`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "alert") || strings.Contains(out, "foreignObject") {
		t.Errorf("active content survived: %s", out)
	}
	if !strings.HasPrefix(out, `<svg role="img" aria-label="say &quot;hi&quot;" xmlns=`) {
		t.Errorf("root: %s", out)
	}
	if _, err := inlineSVG([]byte("<html>not a chart</html>"), "p", "x"); err == nil {
		t.Error("a non-SVG file was accepted")
	}
}

func TestDeterministic(t *testing.T) {
	var first [2]string
	for i := range 2 {
		dir := filepath.Join(t.TempDir(), "forced-kill")
		scenarioDir(t, dir, "forced-kill", "timeline")
		html, md := read(t, filepath.Join(dir, HTMLFile)), read(t, filepath.Join(dir, MDFile))
		if i == 0 {
			first = [2]string{html, md}
			continue
		}
		if html != first[0] || md != first[1] {
			t.Error("two renderings of the same analysis differ")
		}
	}
}

func TestScenarioWithoutSettings(t *testing.T) {
	dir := t.TempDir()
	a := load(t, "forced-kill") // Settings.Known is false
	must(t, Scenario(dir, a))
	html := read(t, filepath.Join(dir, HTMLFile))
	if !strings.Contains(html, "The history does not record the settings") {
		t.Error("report.html does not say the settings are unknown")
	}
	// The description comes from the scenario as written.
	if !strings.Contains(html, "orders-1 is killed without closing; its unacked messages wait for the server to notice.</p>") {
		t.Error("report.html lacks the description")
	}
}

func TestFilesListed(t *testing.T) {
	dir := t.TempDir()
	scenarioDir(t, dir, "clean", "timeline")
	must(t, os.WriteFile(filepath.Join(dir, "server.log"), nil, 0o644))
	must(t, Scenario(dir, load(t, "clean")))
	html := read(t, filepath.Join(dir, HTMLFile))
	var names []string
	for _, m := range regexp.MustCompile(`<tr><td><code>([^<]+)</code></td>`).FindAllStringSubmatch(html, -1) {
		names = append(names, m[1])
	}
	want := "history.jsonl report.html report.md server.log summary.json timeline.png timeline.svg"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("files listed: %s\nwant %s", got, want)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// tinyPNG is a valid 1x1 PNG.
var tinyPNG = func() []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{0, 0x72, 0xB2, 0xff})
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()
