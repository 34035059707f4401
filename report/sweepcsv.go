package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/stansim/stansim/predict"
	"github.com/stansim/stansim/sim/analyze"
)

// sweep.csv has a row per run: a column per axis named by its path (the
// value as written), seed, every numeric summary.json figure (dotted, as
// in summary.csv), the first death's zombie window as zombie_ms and the
// longest as zombie_ms_max; then the first death's held, sent_to_dead and
// handoff_ms (its last held message's hand-off), the predicted bounds of
// the predicted columns as <column>_pred_min and _pred_max, and reason,
// cell and dir.

// sweepExtra are the measured columns after the summary's figures.
var sweepExtra = []string{"zombie_ms", "zombie_ms_max", "held", "sent_to_dead", "handoff_ms"}

// sweepPredicted are the columns the predictor bounds.
var sweepPredicted = []string{"zombie_ms", "zombie_ms_max", "held", "sent_to_dead", "handoff_ms", "redelivered", "duplicates", "lost", "out_of_order.inversions"}

// SweepHeader is sweep.csv's header for a sweep with these axes.
func SweepHeader(axes []string) []string {
	h := append(append([]string(nil), axes...), "seed")
	numericFigures(reflect.ValueOf(analyze.Summary{}), "", func(k string, _ *float64) { h = append(h, k) })
	h = append(h, sweepExtra...)
	for _, c := range sweepPredicted {
		h = append(h, c+"_pred_min", c+"_pred_max")
	}
	return append(h, "reason", "cell", "dir")
}

// record is a run's sweep.csv values by column ("" when it has none).
func (s *Sweep) record(r SweepRun) map[string]string {
	rec := map[string]string{"seed": strconv.FormatInt(r.Seed, 10), "reason": r.Reason, "cell": r.Cell, "dir": r.Dir}
	for i, ax := range s.Axes {
		if i < len(r.Values) {
			rec[ax.Path] = r.Values[i]
		}
	}
	if r.Summary != nil {
		numericFigures(reflect.ValueOf(*r.Summary), "", func(k string, v *float64) { rec[k] = numText(v) })
		var longest *float64
		for i, z := range r.Summary.ZombieWindows {
			if i == 0 {
				rec["zombie_ms"] = numText(z.Ms)
			}
			if z.Ms != nil && (longest == nil || *z.Ms > *longest) {
				longest = z.Ms
			}
		}
		rec["zombie_ms_max"] = numText(longest)
	}
	if m := r.First; m != nil {
		rec["held"], rec["sent_to_dead"] = strconv.Itoa(m.Held), strconv.Itoa(m.Sent)
		if len(m.HandOff) > 0 {
			last := span(m.HandOff)[1]
			rec["handoff_ms"] = numText(&last)
		}
	}
	for _, c := range sweepPredicted {
		if b := s.Predicted(r, c); b != nil {
			rec[c+"_pred_min"], rec[c+"_pred_max"] = numText(&b.Min), numText(&b.Max)
		}
	}
	return rec
}

// Value is a run's number in column figure; false when it has none.
func (s *Sweep) Value(r SweepRun, figure string) (float64, bool) {
	v, err := strconv.ParseFloat(s.record(r)[figure], 64)
	return v, err == nil
}

// Predicted is the predictor's bounds for a run's figure; nil when it says
// nothing about it.
func (s *Sweep) Predicted(r SweepRun, figure string) *predict.Bounds {
	p := r.Predicted
	if p == nil {
		return nil
	}
	first := func(get func(predict.Death) *predict.Bounds) *predict.Bounds {
		if len(p.Deaths) == 0 {
			return nil
		}
		return get(p.Deaths[0])
	}
	sum := func(get func(predict.Group) predict.Bounds) *predict.Bounds {
		var b predict.Bounds
		for _, g := range p.Groups {
			if g.NotModelled != "" {
				return nil // a group the replay does not model: the sum is unknown
			}
			x := get(g)
			b.Min, b.Max = b.Min+x.Min, b.Max+x.Max
		}
		return &b
	}
	switch figure {
	case "zombie_ms":
		return first(func(d predict.Death) *predict.Bounds { return known(d) })
	case "zombie_ms_max":
		var b *predict.Bounds
		for _, d := range p.Deaths {
			if z := known(d); z != nil {
				if b == nil {
					b = z
				}
				b.Min, b.Max = max(b.Min, z.Min), max(b.Max, z.Max)
			}
		}
		return b
	case "held":
		return first(func(d predict.Death) *predict.Bounds { return modelled(d, &d.Held) })
	case "sent_to_dead":
		return first(func(d predict.Death) *predict.Bounds { return modelled(d, &d.Sent) })
	case "handoff_ms":
		return first(func(d predict.Death) *predict.Bounds { return d.HandOffMs })
	case "out_of_order.inversions":
		if p.InversionsUnknown {
			return nil
		}
		return &p.Inversions
	case "redelivered":
		return sum(func(g predict.Group) predict.Bounds { return g.Redelivered })
	case "duplicates":
		return sum(func(g predict.Group) predict.Bounds { return g.Duplicates })
	case "lost":
		return sum(func(g predict.Group) predict.Bounds { return g.Lost })
	}
	return nil
}

// known is a death's zombie bounds, nil when the settings cannot say.
func known(d predict.Death) *predict.Bounds {
	if d.ZombieRule == "" {
		return nil
	}
	z := d.ZombieMs
	return &z
}

func writeSweepCSV(path string, s *Sweep) error {
	var axes []string
	for _, ax := range s.Axes {
		axes = append(axes, ax.Path)
	}
	header := SweepHeader(axes)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	for _, r := range s.Runs {
		rec := s.record(r)
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = rec[k]
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return writeFile(path, b.Bytes())
}

// numericFigures walks the summary's numeric fields by their JSON names,
// dotted (the figures embedded at the top level, structs prefixed), as
// summary.csv flattens them; text, flags, lists and maps are left out.
func numericFigures(v reflect.Value, prefix string, emit func(key string, val *float64)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		switch {
		case f.Anonymous && fv.Kind() == reflect.Struct:
			numericFigures(fv, prefix, emit)
		case fv.Kind() == reflect.Struct:
			numericFigures(fv, prefix+name+".", emit)
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Float64:
			var x *float64
			if !fv.IsNil() {
				y := fv.Elem().Float()
				x = &y
			}
			emit(prefix+name, x)
		case fv.CanInt():
			x := float64(fv.Int())
			emit(prefix+name, &x)
		case fv.CanFloat():
			x := fv.Float()
			emit(prefix+name, &x)
		}
	}
}

// numText is a number as sweep.csv writes it; "" for none.
func numText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// modelled is b, or nil for a death whose member is the scenario's own
// program (the predictor does not model its processing).
func modelled(d predict.Death, b *predict.Bounds) *predict.Bounds {
	if d.NotModelled != "" {
		return nil
	}
	return b
}
