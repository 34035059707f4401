package history

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRecord measures what a member's handler pays to record one
// delivery (the writer's encoding runs on its own goroutine, and is
// included by Close at the end).
func BenchmarkRecord(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := NewRecorder(f)
	r.Start(time.Now(), Event{Scenario: "bench"})
	ev := Event{Ev: KindDeliver, Member: "orders-1", Group: "orders", Seq: 1, ID: "pub-1", Key: "pub-k1", Ver: 1,
		Redelivered: Bool(false), Redeliveries: Int(0)}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Record(time.Now(), ev)
		}
	})
	if err := r.Close(time.Now(), Event{Ev: KindRunEnd, Reason: ReasonDone}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkEncode compares the writer's encoding of a delivery line with
// encoding/json's (the bytes are the same: TestAppendJSONMatchesEncodingJSON).
func BenchmarkEncode(b *testing.B) {
	ev := Event{T: 4304776, Ev: KindDeliver, ID: "p-3", Key: "p-k3", Ver: 1, Member: "g-3", Group: "g", Seq: 3,
		Redelivered: Bool(false), Redeliveries: Int(0)}
	b.Run("appendjson", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = ev.AppendJSON(buf[:0])
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}
