package render

import (
	"image/png"
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// pngCanvas draws a PNG figure and writes it at zlib's fastest level: a
// chart is mostly flat colour, so the fastest level costs a few per cent
// more bytes and much less time than the default (BENCHMARKS.md, "Where a
// report's time goes").
type pngCanvas struct{ *vgimg.Canvas }

// newPNGCanvas is a w×h canvas at PNGDPI on a white background, laid out
// on exactly w×h as the SVG and PDF canvases are (an image of whole
// pixels would shorten a 4.8 in chart by a fifth of a pixel).
func newPNGCanvas(w, h vg.Length) pngCanvas {
	return pngCanvas{vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(White))}
}

// WriteTo implements io.WriterTo.
func (c pngCanvas) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(cw, c.Image())
	return cw.n, err
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
