package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
)

// How the charts draw and name deaths. Every word and colour comes from the
// death table (package death): no chart names a kind itself.

// deathKinds lists the kinds of the run's deaths, in death.Sorted order:
// the order of every legend.
func deathKinds(a *analyze.Analysis) []death.Kind {
	ks := make([]death.Kind, 0, len(a.Deaths))
	for _, d := range a.Deaths {
		ks = append(ks, d.Kind)
	}
	return death.Sorted(ks)
}

// predictionOf is the removal window the analysis predicts for deaths of
// kind k in this run (the first such death's Death.Predicted), or nil.
func predictionOf(a *analyze.Analysis, k death.Kind) *death.Window {
	for _, d := range a.Deaths {
		if d.Kind == k && d.Predicted != nil {
			return d.Predicted
		}
	}
	return nil
}

// deathGlyph is the marker of a death on a lane (thumb: its smaller legend
// picture): a box for a Close(), a cross for a member that vanished or froze.
func deathGlyph(k death.Kind, thumb bool) draw.GlyphStyle {
	box, cross := vg.Length(4.2), vg.Length(4.5)
	if thumb {
		box, cross = 3.8, 4
	}
	if death.Of(k).Role == death.RoleClose {
		return draw.GlyphStyle{Color: DeathColor(k), Radius: box, Shape: draw.BoxGlyph{}}
	}
	return draw.GlyphStyle{Color: DeathColor(k), Radius: cross, Shape: crossGlyph{}}
}

// deathLine is the dashed vertical line that marks a death of kind k.
func deathLine(k death.Kind, width vg.Length, dashes ...vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: DeathColor(k), Width: width, Dashes: dashes}
}

// deathLegend is one legend entry per death kind present, labelled from
// the table, with thumb giving each kind's picture.
func deathLegend(a *analyze.Analysis, thumb func(death.Kind) LegendEntry) []LegendEntry {
	var es []LegendEntry
	for _, k := range deathKinds(a) {
		e := thumb(k)
		e.Label = death.Of(k).Label
		es = append(es, e)
	}
	return es
}

// afterA is "a hang (frozen)", "an interrupt (Close())": the kind's label
// with its article, for "after a ..." phrases.
func afterA(k death.Kind) string {
	l := death.Of(k).Label
	if l != "" && strings.ContainsRune("aeiou", rune(l[0])) {
		return "an " + l
	}
	return "a " + l
}

// removalText names a kind's predicted removal window with its rule, e.g.
// "predicted removal after a hang (frozen): F·(I+T) to (F+1)·(I+T) = 1000 ms
// to 1500 ms".
func removalText(k death.Kind, w death.Window) string {
	return fmt.Sprintf("predicted removal after %s: %s = %s to %s", afterA(k), w.Rule, fmtDur(w.Min), fmtDur(w.Max))
}

// comeback names how d's member came back at d.Restart: "resume" when the
// analysis says the same connection thawed, else "restart".
func comeback(a *analyze.Analysis, d *analyze.Death) string {
	if a.Resumed(d) {
		return "resume"
	}
	return "restart"
}
