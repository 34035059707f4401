package plots

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/render"
	"github.com/stansim/stansim/sim/analyze"
)

// ChartInfo is one chart of the registry: what it is called, what it shows,
// and the function that draws it from an analysis.
type ChartInfo struct {
	Name  string // file stem: <name>.svg, <name>.png
	Title string // "Timeline"
	About string // one sentence for reports
	Draw  func(*analyze.Analysis, Options) (*Figure, error)
	// Heavy: the chart costs much more than the others on a large run (a
	// mark per message); DrawContext starts it first.
	Heavy bool
}

// Registry is the one list of charts, in display order: Draw, the reports,
// the index and the tests all read it.
var Registry = []ChartInfo{
	{"timeline", "Timeline", "Each member's life (up, dead, still listed by the server) with its deliveries and dones; redeliveries stand out.", Timeline, false},
	{"delays", "Delays", "How long the redelivered messages waited from publish to their redelivery, by cause, against AckWait and (on NATS Streaming) the predicted removal windows, which count from the death: the delay of a message published at that moment.", Delays, false},
	{"order", "Done order", "Per key, the order in which versions were done; a step back is an out-of-order pair.", Order, true},
	{"server-view", "Server view", "What the server's monitoring endpoint listed over time: clients, subscriptions and their pending messages.", ServerView, false},
	{"throughput", "Throughput", "Messages published and done per interval.", Throughput, false},
}

// Charts lists the chart names in display order (Registry's names).
var Charts = chartNames()

func chartNames() []string {
	ns := make([]string, len(Registry))
	for i, c := range Registry {
		ns[i] = c.Name
	}
	return ns
}

// Lookup returns the registry entry of the named chart.
func Lookup(name string) (ChartInfo, bool) {
	for _, c := range Registry {
		if c.Name == name {
			return c, true
		}
	}
	return ChartInfo{}, false
}

// DefaultFormats are written when Options.Formats is empty.
var DefaultFormats = []string{"svg", "png"}

// PNGDPI is the resolution of PNG output (a 10 in wide chart is 1440 px).
const PNGDPI = render.PNGDPI

// Options tune Draw and the chart functions. The zero value is fine.
type Options struct {
	Formats []string          // "svg", "png", "pdf"; default svg+png
	Window  *[2]time.Duration // timeline window override (run time); nil = automatic
	// Width and Height override every chart's size; 0 = per-chart default.
	Width, Height vg.Length
	// MaxMessages caps the messages the timeline draws as arrows (0 =
	// DefaultMaxMessages); the rest of the window shows as light ticks.
	MaxMessages int
	// Workers is how many charts are drawn at once (0 = one per CPU). A
	// batch draws one at a time: other scenarios are still running, and
	// their timers must not wait for a CPU.
	Workers int
}

// Draw writes every chart of the Registry into dir as <chart>.<format>. The output is a
// pure function of the analysis and the options: the same history gives
// the same bytes.
func Draw(a *analyze.Analysis, dir string, opt Options) error {
	return DrawContext(context.Background(), a, dir, opt)
}

// DrawContext is Draw that stops between charts once ctx is done (an
// interrupt), returning ctx's error; the charts written so far stay whole.
// The charts are independent, so they are drawn at once, as many as there
// are CPUs, the heavy ones first; each file is the bytes one chart alone
// would write. Of several errors, the first chart's in Registry order is
// returned.
func DrawContext(ctx context.Context, a *analyze.Analysis, dir string, opt Options) error {
	formats, err := opt.formats()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	errs := make([]error, len(Registry))
	next := make(chan int, len(Registry))
	for _, i := range drawOrder() {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range min(workers, len(Registry)) {
		wg.Go(func() {
			for i := range next {
				if errs[i] = ctx.Err(); errs[i] == nil {
					errs[i] = drawChart(Registry[i], a, dir, formats, opt)
				}
			}
		})
	}
	wg.Wait()
	return firstError(errs)
}

// drawOrder is the Registry's indexes, heavy charts first: started first,
// they do not leave one CPU drawing alone at the end.
func drawOrder() []int {
	var heavy, light []int
	for i, c := range Registry {
		if c.Heavy {
			heavy = append(heavy, i)
		} else {
			light = append(light, i)
		}
	}
	return append(heavy, light...)
}

// drawChart draws one chart and writes it in every format.
func drawChart(c ChartInfo, a *analyze.Analysis, dir string, formats []string, opt Options) error {
	fig, err := c.Draw(a, opt)
	if err != nil {
		return fmt.Errorf("%s chart: %w", c.Name, err)
	}
	return fig.saveAll(dir, c.Name, formats, opt)
}

// saveAll writes the figure as dir/name.<format> in every format.
func (f *Figure) saveAll(dir, name string, formats []string, opt Options) error {
	for _, format := range formats {
		path := filepath.Join(dir, name+"."+format)
		if err := f.SaveAs(path, format, opt); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// firstError is the first non-nil error of errs, nil if none.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Chart builds the named chart (one of Charts).
func Chart(name string, a *analyze.Analysis, opt Options) (*Figure, error) {
	c, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown chart %q (want one of %s)", name, strings.Join(Charts, ", "))
	}
	return c.Draw(a, opt)
}

func (o Options) formats() ([]string, error) {
	if len(o.Formats) == 0 {
		return DefaultFormats, nil
	}
	return o.Formats, render.CheckFormats("chart", o.Formats)
}

// Size is the figure's size after the options' overrides.
func (f *Figure) Size(opt Options) (w, h vg.Length) {
	w, h = f.Width, f.Height
	if opt.Width > 0 {
		w = opt.Width
	}
	if opt.Height > 0 {
		h = opt.Height
	}
	return w, h
}

// SaveAs writes the figure to path in format (svg, png or pdf).
func (f *Figure) SaveAs(path, format string, opt Options) error {
	var buf bytes.Buffer
	if err := f.Render(&buf, format, opt); err != nil {
		return err
	}
	return outfile.Write(path, buf.Bytes())
}

// Render writes the figure in format (svg, png or pdf) to w, through the
// one render pipeline (package render).
func (f *Figure) Render(w io.Writer, format string, opt Options) error {
	width, height := f.Size(opt)
	err := render.Write(w, format, width, height, func(c draw.Canvas, _ bool) { f.Draw(c) })
	if err != nil {
		return fmt.Errorf("%s chart: %w", f.Chart, err)
	}
	return nil
}

// FixSVG repairs vgsvg's output for browsers (see render.FixSVG).
func FixSVG(svg []byte) []byte { return render.FixSVG(svg) }
