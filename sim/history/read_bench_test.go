package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchHistory is the history the read benchmarks use: the file named by
// STANSIM_BENCH_HISTORY (a real run's, e.g. bench/million.yaml's), or a
// synthetic one with the same mix of lines (publish, publish_ack,
// deliver, done per message).
func benchHistory(b *testing.B) string {
	if p := os.Getenv("STANSIM_BENCH_HISTORY"); p != "" {
		return p
	}
	path := filepath.Join(b.TempDir(), FileName)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	r := NewRecorder(f)
	zero := time.Unix(0, 0)
	r.Start(zero, Event{Format: FormatVersion, Scenario: "bench"})
	at := func(ns int) time.Time { return zero.Add(time.Duration(ns)) }
	for i := range 250_000 {
		id, key, member := fmt.Sprintf("p-%d", i+1), fmt.Sprintf("p-k%d", i%50+1), fmt.Sprintf("g-%d", i%4+1)
		r.Record(at(i*4000), Event{Ev: KindPublish, Pub: "p", Channel: "c", ID: id, Key: key, Ver: i/50 + 1})
		r.Record(at(i*4000+400), Event{Ev: KindPublishAck, ID: id})
		r.Record(at(i*4000+800), Event{Ev: KindDeliver, Member: member, Group: "g", Seq: uint64(i + 1), ID: id, Key: key, Ver: i/50 + 1,
			Redelivered: Bool(false), Redeliveries: Int(0)})
		r.Record(at(i*4000+1200), Event{Ev: KindDone, Member: member, Group: "g", Seq: uint64(i + 1), ID: id, Key: key, Ver: i/50 + 1,
			Redeliveries: Int(0)})
	}
	if err := r.Close(at(1e9), Event{Ev: KindRunEnd, Reason: ReasonDone}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkStream reads a history as stansim report does: both passes,
// every event handed over in time order, none kept.
func BenchmarkStream(b *testing.B) {
	path := benchHistory(b)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := Stream(path, func(*Event) { n++ }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode compares, line by line on one goroutine, the decoder
// with encoding/json on the same lines.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(benchHistory(b))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), newline)
	for _, bc := range []struct {
		name   string
		decode func([]byte, *Event) error
	}{
		{"fast", NewDecoder().Decode},
		{"encoding-json", func(line []byte, e *Event) error { *e = Event{}; return json.Unmarshal(line, e) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var e Event
			for b.Loop() {
				for _, line := range lines {
					if err := bc.decode(line, &e); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
