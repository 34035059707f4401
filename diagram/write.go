package diagram

import (
	"fmt"
	"io"

	"github.com/stansim/stansim/render"
)

// Formats are the figure formats Render writes ("mmd", the Mermaid text,
// is written by Make from the panels, not from the figure).
var Formats = render.Formats

// PNGDPI is the resolution of PNG output: a 1000 pt two-panel figure is
// about 2000 px wide, sharp on a full-HD slide.
const PNGDPI = render.PNGDPI

// Render writes the figure as svg, png or pdf through the one render
// pipeline (package render). The same figure gives the same bytes.
func (f *Figure) Render(w io.Writer, format string) error {
	if err := render.Write(w, format, f.W, f.H, f.draw); err != nil {
		return fmt.Errorf("diagram: %w", err)
	}
	return nil
}
