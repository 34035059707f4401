package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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

// analyzeSpilled is Analyze with chunks of 4 records of which 2 stay in
// memory, the rest spilled to a file in dir: every way of reading a
// spilled record is taken on a small history.
func analyzeSpilled(l *history.Log, dir string) *Analysis {
	b := newBuilder()
	b.a.store.recs.per, b.a.store.recs.keep, b.a.store.recs.dir = 4, 2, dir
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
	plain, spilled := 0, 0
	dir := t.TempDir()
	for name, b := range histories {
		l, err := history.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, want, spill := Analyze(l), analyzeWhole(l), analyzeSpilled(l, dir)
		if want.store.recs.n != 0 {
			t.Fatalf("%s: the whole analysis kept %d plain records", name, want.store.recs.n)
		}
		plain += got.store.recs.n
		spilled += spill.store.recs.spilled
		w := describe(t, want)
		if g := describe(t, got); g != w {
			t.Errorf("%s: with plain records the analysis says\n%s\nwhole it says\n%s", name, g, w)
		}
		if g := describe(t, spill); g != w {
			t.Errorf("%s: with spilled records the analysis says\n%s\nwhole it says\n%s", name, g, w)
		}
		if err := spill.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
	}
	if plain == 0 || spilled == 0 {
		t.Fatalf("%d plain records, %d chunks spilled: the test compared too little", plain, spilled)
	}
	if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
		t.Errorf("the spill files are not unlinked: %v %v", left, err)
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

// TestBySeqHeap: BySeq's heap walk gives the messages in the order a full sort
// by sequence gives (sequenceless ones last, each kind in publish order),
// for publish orders that are sequence order, that interleave two
// publishers, that are shuffled anywhere, and that leave messages
// unsequenced.
func TestBySeqHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		n := 1 + rng.IntN(400)
		seqs := make([]uint64, n)
		for i := range seqs {
			seqs[i] = uint64(i + 1)
		}
		switch trial % 4 {
		case 1: // local disorder: two publishers' copies cross
			for i := range seqs {
				if j := i + rng.IntN(8); j < n {
					seqs[i], seqs[j] = seqs[j], seqs[i]
				}
			}
		case 2:
			rng.Shuffle(n, func(i, j int) { seqs[i], seqs[j] = seqs[j], seqs[i] })
		case 3: // unsequenced and repeated sequences (two channels)
			for i := range seqs {
				seqs[i] = uint64(rng.IntN(n/2 + 1))
			}
		}
		ms := make([]*Message, n)
		for i := range ms {
			ms[i] = &Message{ID: fmt.Sprintf("m-%d", i+1), Seq: seqs[i]}
		}
		want := slices.Clone(ms)
		slices.SortStableFunc(want, func(x, y *Message) int { return compareSeq(x.Seq, y.Seq) })
		a := withMessages(ms...)
		var got []*Message
		for m := range a.BySeq() {
			got = append(got, m)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, window %d): BySeq gave a different order", trial, n, a.sequenceWindow())
		}
	}
}

// TestSpillWindow: a walk in publish order over spilled records reads
// each spilled chunk about once, at most twice (the window holds what
// the walk meets next; with no hits it would read a chunk per record),
// and a record read through the window or alone is the one stored. One
// message per key: no inversion makes the records whole.
func TestSpillWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	l, err := history.Read(bytes.NewReader(synth(rng, 600, 600, 1, false)))
	if err != nil {
		t.Fatal(err)
	}
	a, whole := analyzeSpilled(l, t.TempDir()), Analyze(l)
	defer a.Close()
	s := &a.store
	if s.recs.spilled < 2*windowChunks {
		t.Fatalf("%d chunks spilled: too few to tell", s.recs.spilled)
	}
	v := s.walker()
	for i, r := range s.order {
		got, want := s.get(r, &v), whole.MessageAt(i)
		var one plainView
		if alone := s.get(r, &one); got.ID != want.ID || got.PublishT != want.PublishT || len(got.Dones) != len(want.Dones) || alone.ID != want.ID {
			t.Fatalf("message %d: window %q, alone %q, want %q", i, got.ID, alone.ID, want.ID)
		}
	}
	if v.win == nil || v.win.loads > 2*s.recs.spilled {
		t.Errorf("the walk read %d chunks for %d spilled", v.win.loads, s.recs.spilled)
	}
}
