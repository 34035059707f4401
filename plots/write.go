package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/stansim/stansim/sim/analyze"
)

// Charts lists the chart names in display order.
var Charts = []string{"timeline", "delays", "order", "server-view", "throughput"}

// DefaultFormats are written when Options.Formats is empty.
var DefaultFormats = []string{"svg", "png"}

// PNGDPI is the resolution of PNG output (a 10 in wide chart is 1440 px).
const PNGDPI = 144

// Options tune Draw and the chart functions. The zero value is fine.
type Options struct {
	Formats []string          // "svg", "png", "pdf"; default svg+png
	Window  *[2]time.Duration // timeline window override (run time); nil = automatic
	// Width and Height override every chart's size; 0 = per-chart default.
	Width, Height vg.Length
	// MaxMessages caps the messages the timeline draws as arrows (0 =
	// DefaultMaxMessages); the rest of the window shows as light ticks.
	MaxMessages int
}

// Draw writes every chart into dir as <chart>.<format>. The output is a
// pure function of the analysis and the options: the same history gives
// the same bytes.
func Draw(a *analyze.Analysis, dir string, opt Options) error {
	formats, err := opt.formats()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range Charts {
		fig, err := Chart(name, a, opt)
		if err != nil {
			return fmt.Errorf("%s chart: %w", name, err)
		}
		for _, format := range formats {
			path := filepath.Join(dir, name+"."+format)
			if err := fig.SaveAs(path, format, opt); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return nil
}

// Chart builds the named chart (one of Charts).
func Chart(name string, a *analyze.Analysis, opt Options) (*Figure, error) {
	switch name {
	case "timeline":
		return Timeline(a, opt)
	case "delays":
		return Delays(a, opt)
	case "order":
		return Order(a, opt)
	case "server-view":
		return ServerView(a, opt)
	case "throughput":
		return Throughput(a, opt)
	}
	return nil, fmt.Errorf("unknown chart %q (want one of %s)", name, strings.Join(Charts, ", "))
}

func (o Options) formats() ([]string, error) {
	if len(o.Formats) == 0 {
		return DefaultFormats, nil
	}
	for _, f := range o.Formats {
		switch f {
		case "svg", "png", "pdf":
		default:
			return nil, fmt.Errorf("unknown chart format %q (want svg, png or pdf)", f)
		}
	}
	return o.Formats, nil
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
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Render writes the figure in format (svg, png or pdf) to w.
func (f *Figure) Render(w io.Writer, format string, opt Options) (err error) {
	width, height := f.Size(opt)
	var cw vg.CanvasWriterTo
	switch format {
	case "svg":
		cw = vgsvg.New(width, height)
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(colorWhite))}
	case "pdf":
		pdfOnce.Do(func() {
			// Fixed dates and sorted catalog: byte-identical PDFs.
			fixed := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
			fpdf.SetDefaultCreationDate(fixed)
			fpdf.SetDefaultModificationDate(fixed)
			fpdf.SetDefaultCatalogSort(true)
		})
		cw = pdfCanvas{vgpdf.New(width, height)}
	default:
		return fmt.Errorf("unknown chart format %q (want svg, png or pdf)", format)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing %s: %v", f.Chart, r)
		}
	}()
	f.Draw(draw.New(cw))
	if format != "svg" {
		_, err = cw.WriteTo(w)
		return err
	}
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return err
	}
	_, err = w.Write(FixSVG(buf.Bytes()))
	return err
}

var pdfOnce sync.Once

// pdfCanvas corrects vgpdf's translucent colours: vgpdf passes Go's
// premultiplied components to the PDF as if they were straight ones, so a
// light translucent band comes out dark. It hands vgpdf a colour whose
// RGBA method returns straight components instead.
type pdfCanvas struct{ *vgpdf.Canvas }

// SetColor implements vg.Canvas.
func (c pdfCanvas) SetColor(clr color.Color) {
	if clr != nil {
		if n := color.NRGBAModel.Convert(clr).(color.NRGBA); n.A < 0xFF {
			clr = straightColor(n)
		}
	}
	c.Canvas.SetColor(clr)
}

// FillString implements vg.Canvas: vgpdf embeds fonts with the
// Windows-1252 code page but writes the UTF-8 bytes of the text, so text is
// transcoded (characters outside Windows-1252 become "?").
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if t, err := cp1252.String(s); err == nil {
		s = t
	}
	c.Canvas.FillString(f, pt, s)
}

var cp1252 = encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())

// straightColor reports non-premultiplied components from RGBA (only for
// vgpdf, which expects them).
type straightColor color.NRGBA

func (s straightColor) RGBA() (r, g, b, a uint32) {
	return uint32(s.R) * 0x101, uint32(s.G) * 0x101, uint32(s.B) * 0x101, uint32(s.A) * 0x101
}

// FixSVG repairs what vgsvg gets wrong for browsers: embedded images are
// PNG (vgsvg says image/jpg) and must stretch to their box
// (preserveAspectRatio="none"); text names a generic sans-serif fallback
// after Liberation Sans so inline SVG renders with a metric-compatible face.
func FixSVG(svg []byte) []byte {
	svg = bytes.ReplaceAll(svg, []byte("data:image/jpg;base64,"), []byte("data:image/png;base64,"))
	svg = bytes.ReplaceAll(svg, []byte("<image "), []byte(`<image preserveAspectRatio="none" `))
	svg = bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return svg
}
