package plots

import (
	"image"
	"image/color"
	"iter"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DenseThreshold is the number of points above which scatters are
// rasterised into one image instead of drawn as vector glyphs.
const DenseThreshold = 3000

// rasterScale is image pixels per point (2 = 144 dpi, PNGDPI).
const rasterScale = 2

// PointClass is one class of points in a Scatter: drawn in order, so
// later classes sit on top. A dense chart has a point per message, so
// the class holds no list of them: Points yields them from what the
// chart holds anyway (the order chart's points), as often as drawing
// needs, and a second panel of the same points shares them (Minus).
type PointClass struct {
	Points iter.Seq2[float64, float64]
	N      int // how many Points yields
	Color  color.NRGBA
	Radius vg.Length
	Ring   bool // vector mode: draw a ring rather than a disc
	// Minus draws each point at (x, y-x): how far it sits off the
	// diagonal.
	Minus bool
}

// all yields the points as drawn.
func (c *PointClass) all() iter.Seq2[float64, float64] {
	return func(yield func(x, y float64) bool) {
		for x, y := range c.Points {
			if c.Minus {
				y -= x
			}
			if !yield(x, y) {
				return
			}
		}
	}
}

// Scatter draws point classes as vector glyphs, or, when they hold more
// than DenseThreshold points in all, as one raster image placed with
// DrawImage: a million points cost one small PNG instead of a million
// SVG elements.
type Scatter struct {
	Classes []PointClass
	// Cache, when set, keeps the last raster: a figure written as SVG and
	// then PNG draws the same image twice (same box, same transforms).
	Cache *RasterCache
}

// RasterCache holds a Scatter's last raster and what it was drawn for.
type RasterCache struct {
	mu  sync.Mutex
	key [6]float64 // the box's size, the axes' ranges
	img *image.NRGBA
}

// get returns the raster for key, drawing it with paint when the cache
// (if any) holds another.
func (rc *RasterCache) get(key [6]float64, paint func() *image.NRGBA) *image.NRGBA {
	if rc == nil {
		return paint()
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.img == nil || rc.key != key {
		rc.img, rc.key = paint(), key
	}
	return rc.img
}

// Len is the number of points.
func (s Scatter) Len() int {
	n := 0
	for _, c := range s.Classes {
		n += c.N
	}
	return n
}

// DataRange implements plot.DataRanger.
func (s Scatter) DataRange() (xmin, xmax, ymin, ymax float64) {
	first := true
	for _, c := range s.Classes {
		for x, y := range c.all() {
			if first {
				xmin, xmax, ymin, ymax = x, x, y, y
				first = false
				continue
			}
			xmin, xmax = min(xmin, x), max(xmax, x)
			ymin, ymax = min(ymin, y), max(ymax, y)
		}
	}
	if first {
		return 0, 1, 0, 1
	}
	return
}

// Plot implements plot.Plotter.
func (s Scatter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if s.Len() <= DenseThreshold {
		for _, cl := range s.Classes {
			sty := draw.GlyphStyle{Color: cl.Color, Radius: cl.Radius, Shape: draw.CircleGlyph{}}
			if cl.Ring {
				sty.Shape = ringGlyph{Width: 1.2}
			}
			for x, y := range cl.all() {
				pt := vg.Point{X: trX(x), Y: trY(y)}
				if c.Contains(pt) {
					c.DrawGlyphNoClip(sty, pt)
				}
			}
		}
		return
	}
	w := int((c.Max.X - c.Min.X) * rasterScale)
	h := int((c.Max.Y - c.Min.Y) * rasterScale)
	if w <= 0 || h <= 0 {
		return
	}
	// The raster is a function of the box's size and the axes' ranges
	// (the transforms map one onto the other).
	key := [6]float64{float64(c.Max.X - c.Min.X), float64(c.Max.Y - c.Min.Y), p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}
	img := s.Cache.get(key, func() *image.NRGBA { return s.raster(c, trX, trY, w, h) })
	if isPDF(c) {
		img = flipped(img) // vgpdf places images upside down
	}
	c.DrawImage(c.Rectangle, img)
}

// raster draws the classes into a w×h image.
func (s Scatter) raster(c draw.Canvas, trX, trY func(float64) vg.Length, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for _, cl := range s.Classes {
		r := max(float64(cl.Radius)*rasterScale, 0.8)
		inner := -1.0
		if cl.Ring {
			inner = r - 0.8*rasterScale
		}
		mask := discMask(r, inner)
		rad := (len(mask) - 1) / 2
		for x, y := range cl.all() {
			px := int(float64(trX(x)-c.Min.X) * rasterScale)
			py := h - 1 - int(float64(trY(y)-c.Min.Y)*rasterScale)
			for dy := -rad; dy <= rad; dy++ {
				y := py + dy
				if y < 0 || y >= h {
					continue
				}
				row := mask[dy+rad]
				for dx := -rad; dx <= rad; dx++ {
					x := px + dx
					if x < 0 || x >= w || !row[dx+rad] {
						continue
					}
					i := img.PixOffset(x, y)
					img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = cl.Color.R, cl.Color.G, cl.Color.B, 0xFF
				}
			}
		}
	}
	return img
}

// discMask is a (2k+1)² boolean disc of radius r pixels, hollow inside
// radius inner (negative: filled).
func discMask(r, inner float64) [][]bool {
	k := int(r + 0.5)
	m := make([][]bool, 2*k+1)
	for y := -k; y <= k; y++ {
		m[y+k] = make([]bool, 2*k+1)
		for x := -k; x <= k; x++ {
			d := float64(x*x + y*y)
			m[y+k][x+k] = d <= r*r+0.25 && (inner < 0 || d > inner*inner)
		}
	}
	return m
}

// flipped returns a copy of img upside down.
func flipped(src *image.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(src.Rect)
	copy(img.Pix, src.Pix)
	h := img.Bounds().Dy()
	for y := 0; y < h/2; y++ {
		a := img.Pix[y*img.Stride : (y+1)*img.Stride]
		b := img.Pix[(h-1-y)*img.Stride : (h-y)*img.Stride]
		for i := range a {
			a[i], b[i] = b[i], a[i]
		}
	}
	return img
}
