// Command jsoneval measures, on a real history, how fast each candidate
// decodes history lines into history.Event: encoding/json, the libraries
// issue 10 names, and stansim's own decoder (sim/history.Decoder). It is a
// module of its own so that the libraries stay out of stansim's go.mod:
//
//	cd bench/jsoneval && go run . /path/to/history.jsonl
//
// Each candidate decodes every line once per repetition on one goroutine;
// the repetitions alternate the candidates; the figures are medians. Every
// candidate's events are first checked against encoding/json's.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"time"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"

	"github.com/stansim/stansim/sim/history"
)

type candidate struct {
	name   string
	decode func([]byte, *history.Event) error
}

func candidates() []candidate {
	d := history.NewDecoder()
	return []candidate{
		{"encoding/json", func(b []byte, e *history.Event) error { *e = history.Event{}; return json.Unmarshal(b, e) }},
		{"go-json-experiment/json", func(b []byte, e *history.Event) error { *e = history.Event{}; return jsonv2.Unmarshal(b, e) }},
		{"goccy/go-json", func(b []byte, e *history.Event) error { *e = history.Event{}; return gojson.Unmarshal(b, e) }},
		{"segmentio/encoding/json", func(b []byte, e *history.Event) error { *e = history.Event{}; return segjson.Unmarshal(b, e) }},
		{"bytedance/sonic", func(b []byte, e *history.Event) error { *e = history.Event{}; return sonic.Unmarshal(b, e) }},
		{"stansim history.Decoder", d.Decode},
	}
}

func main() {
	reps := flag.Int("reps", 5, "repetitions")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: jsoneval [-reps N] HISTORY.jsonl")
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	cs := candidates()
	for _, c := range cs {
		if n := mismatches(c, lines); n > 0 {
			fmt.Printf("%s: %d of %d lines decode otherwise than with encoding/json\n", c.name, n, len(lines))
		}
	}
	times := make([][]time.Duration, len(cs))
	allocs := make([]float64, len(cs))
	for rep := range *reps {
		for k := range cs {
			i := (k + rep) % len(cs)
			d, a := timeAll(cs[i], lines)
			times[i], allocs[i] = append(times[i], d), a
		}
	}
	fmt.Printf("%d lines, %.1f MB, %d repetitions, %s, GOMAXPROCS %d\n\n", len(lines), float64(len(data))/1e6, *reps, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("%-26s %10s %10s %8s %12s\n", "decoder", "median s", "MB/s", "x json", "allocs/line")
	base := median(times[0])
	for i, c := range cs {
		m := median(times[i])
		fmt.Printf("%-26s %10.3f %10.0f %8.2f %12.2f\n", c.name, m.Seconds(), float64(len(data))/1e6/m.Seconds(), base.Seconds()/m.Seconds(), allocs[i]/float64(len(lines)))
	}
}

// timeAll decodes every line with c and returns the time and the
// allocations it took.
func timeAll(c candidate, lines [][]byte) (time.Duration, float64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var e history.Event
	start := time.Now()
	for _, b := range lines {
		if err := c.decode(b, &e); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", c.name, err)
			os.Exit(1)
		}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, float64(after.Mallocs - before.Mallocs)
}

// mismatches counts the lines c decodes to another event than encoding/json.
func mismatches(c candidate, lines [][]byte) int {
	n := 0
	for _, b := range lines {
		var want, got history.Event
		if json.Unmarshal(b, &want) != nil || c.decode(b, &got) != nil || !reflect.DeepEqual(want, got) {
			n++
		}
	}
	return n
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
