// Package render is the one output pipeline for every figure stansim draws,
// charts (plots) and course diagrams (diagram) alike: the formats, the
// canvases, byte-identical PDFs, the SVG repairs and the PDF text encoding
// (ARCHITECTURE.md, "One render pipeline"). A figure hands it a drawing
// function; render owns the bytes.
package render

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Formats are the figure formats render writes, in their usual order.
var Formats = []string{"svg", "png", "pdf"}

// PNGDPI is the resolution of PNG output (a 10 in wide chart is 1440 px).
const PNGDPI = 144

// White is the PNG background.
var White = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}

// CheckFormats reports the first name in fs that is not one of Formats.
func CheckFormats(what string, fs []string) error {
	for _, f := range fs {
		if !slices.Contains(Formats, f) {
			return fmt.Errorf("unknown %s format %q (want %s)", what, f, strings.Join(Formats, ", "))
		}
	}
	return nil
}

// Write draws a w×h figure with paint and writes it in format to out. paint
// learns whether the canvas is a PDF (whose fonts have no bold face and draw
// only Windows-1252 text). The same drawing gives the same bytes.
func Write(out io.Writer, format string, w, h vg.Length, paint func(c draw.Canvas, pdf bool)) (err error) {
	var cw vg.CanvasWriterTo
	switch format {
	case "svg":
		cw = vgsvg.New(w, h)
	case "png":
		cw = newPNGCanvas(w, h)
	case "pdf":
		fixedPDFDates()
		cw = pdfCanvas{vgpdf.New(w, h)}
	default:
		return fmt.Errorf("unknown figure format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing %s: %v", format, r)
		}
	}()
	paint(draw.New(cw), format == "pdf")
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return err
	}
	b := buf.Bytes()
	if format == "svg" {
		b = FixSVG(b)
	}
	_, err = out.Write(b)
	return err
}

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

// pdfCanvas corrects what vgpdf gets wrong: it passes Go's premultiplied
// colour components to the PDF as straight ones (a light translucent band
// comes out dark), and it embeds fonts with the Windows-1252 code page but
// writes the text's UTF-8 bytes ("Café" shows as "CafÃ©").
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

// FillString implements vg.Canvas: text is transcoded to Windows-1252
// (see PDFText).
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, PDFText(s))
}

var cp1252 = encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())

// pdfASCII spells out the characters stansim's texts use that Windows-1252
// lacks, before the rest is transcoded.
var pdfASCII = strings.NewReplacer("→", "->", "←", "<-", "≤", "<=", "≥", ">=", "≈", "~", "−", "-", "×", "x")

// PDFText is s as a PDF page's Windows-1252 fonts can draw it: arrows and
// relations spelled in ASCII, the rest transcoded ("?" for what remains).
func PDFText(s string) string {
	s = pdfASCII.Replace(s)
	if t, err := cp1252.String(s); err == nil {
		return t
	}
	return s
}

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

// IsPDF reports whether c draws into a PDF (through any draw.Crop nesting):
// PDF fonts have no bold face here and draw only Windows-1252 text.
func IsPDF(c draw.Canvas) bool {
	var v vg.Canvas = c
	for {
		switch x := v.(type) {
		case draw.Canvas:
			v = x.Canvas
		case *draw.Canvas:
			v = x.Canvas
		case pdfCanvas, *vgpdf.Canvas:
			return true
		default:
			return false
		}
	}
}
