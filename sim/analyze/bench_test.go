package analyze

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// writeMillion writes a synthetic history of about n events: one publisher
// with 50 keys at one message a millisecond, two members, a forced death
// with its zombie window, AckWait redeliveries (2%, reordering their keys)
// and a server_view sample every 50 ms. It returns the number of lines.
func writeMillion(tb testing.TB, path string, n int) int {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	lines := 0
	put := func(e history.Event) {
		b, err := e.Marshal()
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(b)
		w.WriteByte('\n')
		lines++
	}
	const ms = int64(1e6)
	rng := rand.New(rand.NewPCG(3, 4))
	put(history.Event{Ev: history.KindRunStart, Format: history.FormatVersion, Scenario: "million", SampleInterval: 50 * ms})
	for _, m := range []string{"orders-1", "orders-2"} {
		put(history.Event{T: -ms, Ev: history.KindMemberUp, Member: m, Group: "orders", Client: m + "-r0"})
	}
	vers := make([]int, 50)
	const deathAt, removedAt = 10_000 * ms, 15_000 * ms
	for i := 0; lines < n-2; i++ {
		t := int64(i+1) * ms
		if i%50 == 0 {
			clients := []string{"orders-2-r0", "pub-p"}
			if t < removedAt {
				clients = append(clients, "orders-1-r0")
			}
			subs := make([]history.Sub, 0, len(clients))
			for _, c := range clients[:len(clients)-1] {
				subs = append(subs, history.Sub{Channel: "c", Group: "orders", Client: c, Pending: rng.IntN(8), LastSent: uint64(i)})
			}
			put(history.Event{T: t, Ev: history.KindServerView, Clients: clients, Subs: subs})
		}
		if t == deathAt {
			put(history.Event{T: t, Ev: history.KindFault, Member: "orders-1", Group: "orders", Death: death.Forced, Client: "orders-1-r0"})
		}
		k := i % len(vers)
		vers[k]++
		id, key := fmt.Sprintf("p-%d", i+1), fmt.Sprintf("p-k%d", k+1)
		member := "orders-2"
		if i%2 == 0 && t < deathAt {
			member = "orders-1"
		}
		put(history.Event{T: t, Ev: history.KindPublish, Pub: "p", Channel: "c", ID: id, Key: key, Ver: vers[k]})
		put(history.Event{T: t + ms/10, Ev: history.KindPublishAck, ID: id})
		put(history.Event{T: t + ms/5, Ev: history.KindDeliver, Member: member, Group: "orders", Seq: uint64(i + 1), ID: id, Key: key, Ver: vers[k], Redelivered: history.Bool(false), Redeliveries: history.Int(0)})
		if rng.IntN(50) == 0 { // AckWait ran out: done 2 s later by the other member
			red := t + 2000*ms
			put(history.Event{T: red, Ev: history.KindDeliver, Member: "orders-2", Group: "orders", Seq: uint64(i + 1), ID: id, Key: key, Ver: vers[k], Redelivered: history.Bool(true), Redeliveries: history.Int(1)})
			put(history.Event{T: red + 5*ms, Ev: history.KindDone, Member: "orders-2", Group: "orders", Seq: uint64(i + 1), ID: id, Key: key, Ver: vers[k], Redeliveries: history.Int(1)})
			continue
		}
		put(history.Event{T: t + ms/2 + int64(rng.IntN(3))*ms, Ev: history.KindDone, Member: member, Group: "orders", Seq: uint64(i + 1), ID: id, Key: key, Ver: vers[k], Redeliveries: history.Int(0)})
	}
	put(history.Event{T: int64(n) * ms, Ev: history.KindRunEnd, Reason: history.ReasonDone})
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

// BenchmarkAnalyzeMillion reads and analyses a 1,000,000-event history:
// `go test ./sim/analyze -run '^$' -bench AnalyzeMillion -benchmem`.
func BenchmarkAnalyzeMillion(b *testing.B) {
	path := filepath.Join(b.TempDir(), history.FileName)
	n := writeMillion(b, path, 1_000_000)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var a *Analysis
	for b.Loop() {
		l, err := history.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		a = Analyze(l)
	}
	if len(a.Log.Events) != n || a.Summary.Published == 0 || a.Summary.OutOfOrder.Inversions == 0 || a.Summary.Redelivered == 0 {
		b.Fatalf("unexpected analysis of %d lines: %d events, %+v", n, len(a.Log.Events), a.Summary)
	}
	b.ReportMetric(float64(n), "events/op")
}

// BenchmarkReadFile streams a history through the analysis as stansim
// report does (nothing kept but the analysis): the file named by
// STANSIM_BENCH_HISTORY (a real run's), else the synthetic one above.
func BenchmarkReadFile(b *testing.B) {
	path := os.Getenv("STANSIM_BENCH_HISTORY")
	if path == "" {
		path = filepath.Join(b.TempDir(), history.FileName)
		writeMillion(b, path, 1_000_000)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var a *Analysis
	for b.Loop() {
		if a, err = ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	if a.Summary.Published == 0 {
		b.Fatalf("nothing published: %+v", a.Summary)
	}
	b.StopTimer()
	b.ReportMetric(liveBytes(b, path)/float64(a.NumMessages()), "live-B/msg")
}

// liveBytes is the heap one analysis of path keeps once its garbage is
// collected: what a report holds while it draws.
func liveBytes(b *testing.B, path string) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(a)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}
