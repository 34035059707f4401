package render

import (
	"image"
	"image/png"
	"io"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// pngCanvas draws a PNG figure and writes it at zlib's fastest level: a
// chart is mostly flat colour, so the fastest level costs a few per cent
// more bytes and much less time than the default (BENCHMARKS.md, "Where a
// report's time goes").
type pngCanvas struct{ *vgimg.Canvas }

// newPNGCanvas is a w×h canvas at PNGDPI on a white background. It gives
// vgimg the image and its drawing context, which vgimg would otherwise
// make by copying a fresh image.
func newPNGCanvas(w, h vg.Length) pngCanvas {
	px := func(l vg.Length) int { return int(l/vg.Inch*PNGDPI + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, px(w), px(h)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	// The background is vgimg's default, white (White).
	return pngCanvas{vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(PNGDPI))}
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
