package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
)

// CSVHeader returns summary.csv's header: name and description, then every
// summary.json field flattened with dots (out_of_order.inversions,
// redelivery_delay_ms.p50, ...), then group. Zombie windows, a list, become
// zombie_windows.count, zombie_windows.max_ms and zombie_windows.list; the
// per-group figures (a map) become rows of their own (CSVGroupRows), which
// name their group in the last column.
func CSVHeader() []string {
	h := []string{"name", "description"}
	flatten(reflect.ValueOf(analyze.Summary{}), "", func(k, _ string) { h = append(h, k) })
	return append(h, "group")
}

// CSVRow returns the entry's summary.csv row, in CSVHeader's order.
func CSVRow(e Entry) []string {
	r := []string{e.Name, e.Description}
	flatten(reflect.ValueOf(e.Summary), "", func(_, v string) { r = append(r, v) })
	return append(r, "")
}

// CSVGroupRows returns a row per queue group when the entry has several
// (none otherwise), in CSVHeader's order: named "scenario/group", with the
// group's figures in the columns summary.json's groups share with the top
// level and the run's scenario and reason; the other columns are empty.
func CSVGroupRows(e Entry) [][]string {
	names := groupNames(e.Summary, nil)
	if len(names) < 2 {
		return nil
	}
	header := CSVHeader()
	var rows [][]string
	for _, g := range names {
		gs := e.Summary.Groups[g]
		vals := map[string]string{}
		flatten(reflect.ValueOf(*gs), "", func(k, v string) { vals[k] = v })
		vals["name"] = e.Name + "/" + g
		vals["description"] = "queue group " + g + " on channel " + gs.Channel
		vals["scenario"], vals["reason"], vals["broker"], vals["group"] = e.Summary.Scenario, e.Summary.Reason, e.Summary.Broker, g
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = vals[k]
		}
		rows = append(rows, row)
	}
	return rows
}

func writeCSV(path string, entries []Entry) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(CSVHeader())
	for _, e := range entries {
		w.Write(CSVRow(e))
		for _, r := range CSVGroupRows(e) {
			w.Write(r)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return writeFile(path, b.Bytes())
}

var (
	zombieType = reflect.TypeOf([]analyze.ZombieWindow(nil))
	expectType = reflect.TypeOf([]analyze.ExpectationResult(nil))
	wrongType  = reflect.TypeOf([]analyze.WrongKey(nil))
)

// flatten walks a struct's fields in declaration order by their JSON names,
// skipping maps.
func flatten(v reflect.Value, prefix string, emit func(key, value string)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		key := prefix + name
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Map:
			continue // summary.json's groups: rows of their own
		case fv.Type() == zombieType:
			zombieColumns(key, fv.Interface().([]analyze.ZombieWindow), emit)
		case fv.Type() == expectType:
			emit(key, expectationsText(fv.Interface().([]analyze.ExpectationResult)))
		case fv.Type() == wrongType:
			emit(key, wrongKeysText(fv.Interface().([]analyze.WrongKey)))
		case f.Anonymous && fv.Kind() == reflect.Struct:
			flatten(fv, prefix, emit) // embedded: its fields are the parent's, as in JSON
		case fv.Kind() == reflect.Struct:
			flatten(fv, key+".", emit)
		default:
			emit(key, scalar(fv))
		}
	}
}

func scalar(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

// zombieColumns gives the count, the longest window (empty when none
// ended) and a readable list "orders-1 forced at 1210 ms: 740 ms; ...".
func zombieColumns(key string, zs []analyze.ZombieWindow, emit func(key, value string)) {
	var longest *float64
	var list []string
	for _, z := range zs {
		w := "still listed"
		if z.Ms != nil {
			w = scalar(reflect.ValueOf(*z.Ms)) + " ms"
			if longest == nil || *z.Ms > *longest {
				longest = z.Ms
			}
		}
		list = append(list, fmt.Sprintf("%s %s at %s ms: %s", z.Member, z.Death, scalar(reflect.ValueOf(z.AtMs)), w))
	}
	emit(key+".count", strconv.Itoa(len(zs)))
	emit(key+".max_ms", scalar(reflect.ValueOf(longest)))
	emit(key+".list", strings.Join(list, "; "))
}

// expectationsText sums up the checked expectations in one cell: "2 of 3
// held; failed: lost (want == 0, got 4)"; empty when the scenario has none.
func expectationsText(rs []analyze.ExpectationResult) string {
	if len(rs) == 0 {
		return ""
	}
	var failed []string
	for _, r := range rs {
		if !r.OK {
			failed = append(failed, fmt.Sprintf("%s (want %s, got %v)", r.Path, r.Want, r.Got))
		}
	}
	s := fmt.Sprintf("%d of %d held", len(rs)-len(failed), len(rs))
	if len(failed) > 0 {
		s += "; failed: " + strings.Join(failed, "; ")
	}
	return s
}

// wrongKeysText is final_state.wrong in one cell: "orders tickets-k1 v6 (last v8); ...".
func wrongKeysText(ws []analyze.WrongKey) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = fmt.Sprintf("%s %s v%d (last v%d)", w.Group, w.Key, w.AppliedVer, w.LastVer)
	}
	return strings.Join(parts, "; ")
}
