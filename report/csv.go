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
// redelivery_delay_ms.p50, ...). Zombie windows, a list, become
// zombie_windows.count, zombie_windows.max_ms and zombie_windows.list.
func CSVHeader() []string {
	h := []string{"name", "description"}
	flatten(reflect.ValueOf(analyze.Summary{}), "", func(k, _ string) { h = append(h, k) })
	return h
}

// CSVRow returns the entry's summary.csv row, in CSVHeader's order.
func CSVRow(e Entry) []string {
	r := []string{e.Name, e.Description}
	flatten(reflect.ValueOf(e.Summary), "", func(_, v string) { r = append(r, v) })
	return r
}

func writeCSV(path string, entries []Entry) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(CSVHeader())
	for _, e := range entries {
		w.Write(CSVRow(e))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return writeFile(path, b.Bytes())
}

var zombieType = reflect.TypeOf([]analyze.ZombieWindow(nil))

// flatten walks a struct's fields in declaration order by their JSON names.
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
		case fv.Type() == zombieType:
			zombieColumns(key, fv.Interface().([]analyze.ZombieWindow), emit)
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
