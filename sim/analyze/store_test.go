package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/stansim/stansim/sim/history"
)

// withMessages is an Analysis holding ms whole, in that publish order,
// for tests of what reads messages.
func withMessages(ms ...*Message) *Analysis {
	a := &Analysis{}
	for i, m := range ms {
		m.pos, m.slot = int32(i), int32(i)
		a.store.full = append(a.store.full, m)
		a.store.order = append(a.store.order, fullRef(i))
		a.index.put(m.ID, fullRef(i))
	}
	return a
}

// analyzeWhole is Analyze with every message kept whole (no plain
// records): what the plain records must be indistinguishable from.
func analyzeWhole(l *history.Log) *Analysis {
	b := newBuilder()
	b.whole = true
	for i := range l.Events {
		b.add(&l.Events[i])
	}
	return b.finish(l)
}

// describe writes out everything an Analysis says of its messages,
// deaths, inversions and summary, with pointers as what they name.
func describe(t *testing.T, a *Analysis) string {
	var b strings.Builder
	death := map[*Death]int{nil: -1}
	for i, d := range a.Deaths {
		death[d] = i
	}
	ids := func(ms []*Message) (out []string) {
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%s@%d", m.ID, m.Pos()))
		}
		return out
	}
	for _, m := range a.List() {
		fmt.Fprintf(&b, "%q %q %q %q v%d pub=%d acked=%v ack=%d %q seq=%d pos=%d\n",
			m.ID, m.Pub, m.Channel, m.Key, m.Ver, m.PublishT, m.Acked, m.AckT, m.AckErr, m.Seq, m.Pos())
		for _, d := range m.Deliveries {
			after := death[d.After]
			d.After = nil
			fmt.Fprintf(&b, "  deliver %+v after=%d\n", d, after)
		}
		for _, d := range m.Dones {
			fmt.Fprintf(&b, "  done %+v\n", d)
		}
		for _, s := range m.Skips {
			fmt.Fprintf(&b, "  skip %+v\n", s)
		}
		for _, u := range m.Unseen {
			fmt.Fprintf(&b, "  unseen t=%d death=%d redelivered=%v\n", u.T, death[u.Death], u.Redelivered)
		}
		if got := a.ByID(m.ID); got == nil || got.Pos() != m.Pos() {
			t.Errorf("ByID(%q) = %v, want the message at %d", m.ID, got, m.Pos())
		}
	}
	for _, d := range a.Deaths {
		fmt.Fprintf(&b, "death %s %s %s %s t=%d removed=%d restart=%d held=%v sent=%v\n",
			d.Member, d.Group, d.Client, d.Kind, d.T, d.Removed, d.Restart, ids(d.Held), ids(d.Sent))
	}
	for _, iv := range a.Inversions {
		fmt.Fprintf(&b, "inversion %s %s %v %d %d\n", iv.Group, iv.Key, ids([]*Message{iv.Early, iv.Late}), iv.EarlyT, iv.LateT)
	}
	for m := range a.BySeq() {
		fmt.Fprintf(&b, "%s ", m.ID)
	}
	s, err := json.Marshal(a.Summary)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(s)
	return b.String()
}

// TestPlainRecordsAreWhole: an analysis that keeps plain stories as plain
// records says exactly what one that keeps every message whole says, on
// every real fixture and on synthetic histories (redeliveries, several
// groups, inversions past the pair cap), and it did keep plain records.
func TestPlainRecordsAreWhole(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	histories := map[string][]byte{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		histories[filepath.Base(p)] = b
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 40 {
		nMsgs, nKeys, nGroups := 1+rng.IntN(300), 1+rng.IntN(6), 1+rng.IntN(3)
		histories[fmt.Sprintf("synth-%d", i)] = synth(rng, nMsgs, nKeys, nGroups, i%10 == 9)
	}
	plain := 0
	for name, b := range histories {
		l, err := history.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, want := Analyze(l), analyzeWhole(l)
		if want.store.nplain != 0 {
			t.Fatalf("%s: the whole analysis kept %d plain records", name, want.store.nplain)
		}
		plain += got.store.nplain
		if g, w := describe(t, got), describe(t, want); g != w {
			t.Errorf("%s: with plain records the analysis says\n%s\nwhole it says\n%s", name, g, w)
		}
	}
	if plain == 0 {
		t.Fatal("no history kept a plain record: the test compared nothing")
	}
}

// TestIDBytes: ids stored back to back come back whole, across chunks of
// every size, and too long an id is refused.
func TestIDBytes(t *testing.T) {
	var s store
	type stored struct {
		p  plainMsg
		id string
	}
	var all []stored
	for i := range 300000 {
		id := fmt.Sprintf("publisher-%d", i)
		off, ok := s.addID(id)
		if !ok {
			t.Fatalf("addID(%q) refused", id)
		}
		all = append(all, stored{plainMsg{id: off, idLen: uint8(len(id))}, id})
	}
	if len(s.ids) < 3 {
		t.Fatalf("%d chunks: the test crossed no chunk boundary", len(s.ids))
	}
	for _, x := range all {
		if got := s.id(&x.p); got != x.id {
			t.Fatalf("id = %q, want %q", got, x.id)
		}
	}
	if _, ok := s.addID(strings.Repeat("x", 256)); ok {
		t.Error("a 256-byte id was stored in a record")
	}
}

// TestPlainRecordSize: the record is the 48 bytes the comments and
// BENCHMARKS.md count on.
func TestPlainRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(plainMsg{}); n != 48 {
		t.Errorf("plainMsg is %d bytes, want 48", n)
	}
}

// TestInterner: values are numbered in order first seen, the same value
// keeps its number, and a value past what the number type can name is
// refused.
func TestInterner(t *testing.T) {
	var in interner[int, uint16]
	for v := range 1 << 16 {
		if id, ok := in.id(v); !ok || int(id) != v {
			t.Fatalf("id(%d) = %d, %v", v, id, ok)
		}
	}
	if id, ok := in.id(70); !ok || id != 70 {
		t.Errorf("id(70) again = %d, %v", id, ok)
	}
	if _, ok := in.id(1 << 16); ok {
		t.Error("a 65,537th value was numbered in 16 bits")
	}
}
