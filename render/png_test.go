package render

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TestPNGCanvas: a PNG figure is PNGDPI pixels an inch, white where
// nothing is drawn, drawn where paint drew (y up, as every canvas), and
// the same bytes each time.
func TestPNGCanvas(t *testing.T) {
	red := color.NRGBA{R: 0xFF, A: 0xFF}
	paint := func(c draw.Canvas, _ bool) {
		// The lower left quarter.
		c.SetColor(red)
		var p vg.Path
		p.Move(vg.Point{X: 0, Y: 0})
		p.Line(vg.Point{X: 2 * vg.Inch, Y: 0})
		p.Line(vg.Point{X: 2 * vg.Inch, Y: 1.2 * vg.Inch})
		p.Line(vg.Point{X: 0, Y: 1.2 * vg.Inch})
		p.Close()
		c.Fill(p)
	}
	var first []byte
	for range 2 {
		var buf bytes.Buffer
		if err := Write(&buf, "png", 4*vg.Inch, 2.4*vg.Inch, paint); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatal("the same drawing gave other bytes")
		}
	}
	img, err := png.Decode(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	const wantH = 346 // 2.4 in at 144 dpi is 345.6 pixels
	if b := img.Bounds(); b.Dx() != 4*PNGDPI || b.Dy() != wantH {
		t.Fatalf("size %v, want %dx%d", b, 4*PNGDPI, wantH)
	}
	at := func(x, y int) color.NRGBA { return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) }
	h := img.Bounds().Dy()
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{
		{10, h - 10, red}, {PNGDPI, h - PNGDPI/2, red}, // lower left
		{10, 10, White}, {4*PNGDPI - 10, 10, White}, {4*PNGDPI - 10, h - 10, White},
	} {
		if got := at(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// TestPNGCanvasSize: the PNG canvas is laid out on the figure's exact size,
// as SVG and PDF are, also when that is not a whole number of pixels.
func TestPNGCanvasSize(t *testing.T) {
	for _, h := range []vg.Length{2.4 * vg.Inch, 4.8 * vg.Inch, 6.6 * vg.Inch, 7.5 * vg.Inch} {
		gw, gh := newPNGCanvas(10*vg.Inch, h).Size()
		if gw != 10*vg.Inch || gh != h {
			t.Errorf("canvas %v x %v, want %v x %v", gw, gh, 10*vg.Inch, h)
		}
	}
}
