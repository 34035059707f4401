package batch

import "github.com/stansim/stansim/sim/analyze"

// drawAll writes charts and reports (wired in when those packages land).
func drawAll(dir string, a *analyze.Analysis, opt RenderOptions) error { return nil }
