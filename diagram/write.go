package diagram

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Formats are the figure formats Render writes ("mmd", the Mermaid text,
// is written by Make from the panels, not from the figure).
var Formats = []string{"svg", "png", "pdf"}

// PNGDPI is the resolution of PNG output: a 1000 pt two-panel figure is
// about 2000 px wide, sharp on a full-HD slide.
const PNGDPI = 144

var pdfOnce sync.Once

// fixedPDFDates makes PDF output byte-identical: fpdf stamps the current
// time into each file unless its creation and modification dates are set.
func fixedPDFDates() {
	pdfOnce.Do(func() {
		fixed := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		fpdf.SetDefaultCreationDate(fixed)
		fpdf.SetDefaultModificationDate(fixed)
		fpdf.SetDefaultCatalogSort(true)
	})
}

// Render writes the figure as svg, png or pdf. The same figure gives the
// same bytes.
func (f *Figure) Render(w io.Writer, format string) (err error) {
	var cw vg.CanvasWriterTo
	switch format {
	case "svg":
		cw = vgsvg.New(f.W, f.H)
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.W, f.H), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(colWhite))}
	case "pdf":
		fixedPDFDates()
		cw = vgpdf.New(f.W, f.H)
	default:
		return fmt.Errorf("unknown diagram format %q (want svg, png, pdf or mmd)", format)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing %s: %v", format, r)
		}
	}()
	f.draw(draw.New(cw), format == "pdf")
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return err
	}
	out := buf.Bytes()
	if format == "svg" {
		out = fixSVG(out)
	}
	_, err = w.Write(out)
	return err
}

// fixSVG names generic fallbacks after Liberation Sans (not embedded, to
// keep files small): browsers without it use a metric-compatible Arial or
// Helvetica, so text keeps its measured width.
func fixSVG(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}
