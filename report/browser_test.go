package report

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// installHint says how to get the browser the test drives.
const installHint = "apt-get install -y chromium (Debian), or set STANSIM_CHROMIUM to a Chromium or Chrome binary"

// findChromium returns the browser: $STANSIM_CHROMIUM, else chromium,
// chromium-browser, google-chrome or google-chrome-stable on the PATH.
func findChromium() (string, error) {
	if p := os.Getenv("STANSIM_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("STANSIM_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium on the PATH")
}

// newBrowser starts a headless Chromium for the test. Without one the test
// is skipped with the install hint, except under CI (CI set), where the
// browser is required and its absence fails the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	chromium, err := findChromium()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and the browser test needs Chromium: %v (%s)", err, installHint)
		}
		t.Skipf("browser test skipped: %v (%s)", err, installHint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // Chromium refuses to run as root with its sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return bctx
}

// visit is what a page did while it loaded.
type visit struct {
	mu       sync.Mutex
	problems []string // console errors, exceptions, failed loads
	dialogs  []string
}

func (v *visit) add(list *[]string, s string) {
	v.mu.Lock()
	*list = append(*list, s)
	v.mu.Unlock()
}

// open loads a file in a new tab and waits until its images are loaded. It
// records console errors, uncaught exceptions, error entries of the browser
// log (a missing image, a blocked resource) and JavaScript dialogs.
func open(t *testing.T, browser context.Context, path string) (context.Context, *visit) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	v := &visit{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				v.add(&v.problems, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			v.add(&v.problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				v.add(&v.problems, fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *cdppage.EventJavascriptDialogOpening:
			v.add(&v.dialogs, string(ev.Type)+": "+ev.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(u),
		chromedp.WaitReady(chromedp.CSS("body")),
	); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s: images did not load: %v", path, err)
	}
	// Let late console messages arrive.
	if err := chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	return ctx, v
}

func (v *visit) check(t *testing.T, name string) {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.problems {
		t.Errorf("%s: %s", name, p)
	}
	for _, d := range v.dialogs {
		t.Errorf("%s: a script ran and opened a dialog: %s", name, d)
	}
}

type box struct {
	Name   string  `json:"name"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Loaded bool    `json:"loaded"`
}

// boxes measures the elements a CSS selector matches.
func boxes(t *testing.T, ctx context.Context, selector string) []box {
	t.Helper()
	js := fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => {
		const r = e.getBoundingClientRect();
		return {name: e.getAttribute('aria-label') || e.getAttribute('src') || e.tagName, w: r.width, h: r.height,
			loaded: e.tagName !== 'IMG' || (e.complete && e.naturalWidth > 0)};
	})`, selector)
	bs, err := chromedp.Run(ctx, chromedp.Evaluate[[]box](js))
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

// gonumSVG draws a small chart with gonum/plot, as the plots package does.
func gonumSVG(t *testing.T, path, title string) {
	t.Helper()
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "run time (s)"
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 3}, {X: 2, Y: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	must(t, p.Save(6*vg.Inch, 3*vg.Inch, path))
}

func TestBrowser(t *testing.T) {
	browser := newBrowser(t)
	dir := t.TempDir()
	batchDir(t, dir)
	// Swap in charts drawn by gonum for one scenario and redraw its report.
	fk := filepath.Join(dir, "forced-kill")
	gonumSVG(t, filepath.Join(fk, "timeline.svg"), "timeline")
	gonumSVG(t, filepath.Join(fk, "delays.svg"), "delays")
	must(t, Scenario(fk, withSettings(load(t, "forced-kill"))))

	t.Run("report", func(t *testing.T) {
		ctx, v := open(t, browser, filepath.Join(fk, HTMLFile))
		charts := boxes(t, ctx, "figure > svg")
		if len(charts) != 3 {
			t.Errorf("%d inline charts, want 3 (timeline, delays, server-view)", len(charts))
		}
		for _, b := range charts {
			if b.W < 100 || b.H < 50 {
				t.Errorf("chart %q rendered %.0fx%.0f", b.Name, b.W, b.H)
			}
		}
		missing, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#chart-order .missing")))
		if err != nil || !strings.Contains(missing, "order.svg is not in this folder") {
			t.Errorf("missing chart note: %q %v", missing, err)
		}
		verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#verdict")))
		if err != nil || verdict != "Anomalies: 2 keys left on the wrong version and 6 out-of-order pairs. Each is explained below." {
			t.Errorf("verdict: %q %v", verdict, err)
		}
		broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href^="#"]'))
			.map(a => a.getAttribute('href')).filter(h => !document.getElementById(h.slice(1)))`))
		if err != nil || len(broken) > 0 {
			t.Errorf("in-page links without a target: %q %v", broken, err)
		}
		v.check(t, "report.html")
	})

	t.Run("script-in-description", func(t *testing.T) {
		ctx, v := open(t, browser, filepath.Join(dir, "clean", HTMLFile))
		const desc = "Two members, no faults. <script>alert(1)</script> | pipes & *stars*"
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#description")))
		if err != nil || got != desc {
			t.Errorf("description shows as %q (%v), want %q", got, err, desc)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil || !strings.Contains(text, "<script>alert(1)</script>") {
			t.Errorf("the page text lacks the description: %v", err)
		}
		scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`))
		if err != nil || scripts != 0 {
			t.Errorf("%d script elements in the page (%v)", scripts, err)
		}
		verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.verdict.clean")))
		if err != nil || !strings.HasPrefix(verdict, "No anomalies") {
			t.Errorf("verdict: %q %v", verdict, err)
		}
		v.check(t, "clean/report.html")
	})

	t.Run("interrupted", func(t *testing.T) {
		ctx, v := open(t, browser, filepath.Join(dir, "more", "interrupted", HTMLFile))
		b := boxes(t, ctx, "#status")
		if len(b) != 1 || b[0].H < 20 {
			t.Errorf("no visible interrupted banner: %+v", b)
		}
		v.check(t, "interrupted/report.html")
	})

	t.Run("index", func(t *testing.T) {
		ctx, v := open(t, browser, filepath.Join(dir, IndexFile))
		thumbs := boxes(t, ctx, "img")
		if len(thumbs) != 4 {
			t.Errorf("%d thumbnails, want 4", len(thumbs))
		}
		for _, b := range thumbs {
			if !b.Loaded || b.W < 50 || b.H < 20 {
				t.Errorf("thumbnail %q: loaded %v, %.0fx%.0f", b.Name, b.Loaded, b.W, b.H)
			}
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('a[href], img[src]')).map(e => e.href || e.src)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(links) < 8 {
			t.Errorf("only %d links", len(links))
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || u.Scheme != "file" {
				t.Errorf("link %q is not a local file", l)
				continue
			}
			if _, err := os.Stat(filepath.FromSlash(u.Path)); err != nil {
				t.Errorf("link %q does not resolve: %v", l, err)
			}
		}
		cell, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#row-clean td .muted")))
		if err != nil || !strings.Contains(cell, "<script>alert(1)</script>") {
			t.Errorf("clean's description in the index: %q %v", cell, err)
		}
		v.check(t, "index.html")
	})
}

// TestBrowserHarness checks that the checks above can fail: a page that
// logs an error, throws, opens a dialog and misses an image is caught.
func TestBrowserHarness(t *testing.T) {
	browser := newBrowser(t)
	path := filepath.Join(t.TempDir(), "bad.html")
	must(t, os.WriteFile(path, []byte(`<!DOCTYPE html><html><body><img src="missing.svg">
<script>console.error("boom"); alert("hi"); throw new Error("thrown")</script></body></html>`), 0o644))
	_, v := open(t, browser, path)
	v.mu.Lock()
	defer v.mu.Unlock()
	all := strings.Join(v.problems, "\n")
	for _, want := range []string{"console.error: \"boom\"", "exception: Uncaught", "missing.svg"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	if len(v.dialogs) != 1 || v.dialogs[0] != "alert: hi" {
		t.Errorf("dialogs: %q", v.dialogs)
	}
}

// Without a browser the test skips with the install hint, except under CI,
// where it fails: run this test binary again with an empty PATH.
func TestBrowserWithoutChromium(t *testing.T) {
	if os.Getenv("STANSIM_BROWSER_POLICY_CHILD") != "" {
		return
	}
	for _, c := range []struct {
		ci   string
		fail bool
	}{{"", false}, {"true", true}} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestBrowserHarness$", "-test.v")
		cmd.Env = []string{"PATH=", "STANSIM_CHROMIUM=", "CI=" + c.ci, "HOME=" + t.TempDir(), "STANSIM_BROWSER_POLICY_CHILD=1"}
		out, err := cmd.CombinedOutput()
		switch {
		case c.fail && (err == nil || !strings.Contains(string(out), "CI is set and the browser test needs Chromium")):
			t.Errorf("CI=%q: err %v, want a failure naming the missing browser:\n%s", c.ci, err, out)
		case !c.fail && (err != nil || !strings.Contains(string(out), "--- SKIP") || !strings.Contains(string(out), "apt-get install -y chromium")):
			t.Errorf("CI=%q: err %v, want a skip with the install hint:\n%s", c.ci, err, out)
		}
	}
}
