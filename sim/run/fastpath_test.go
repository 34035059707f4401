package run

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestBodiesMatchJSONMarshal: the publisher's bodies are the bytes
// json.Marshal makes of the payload and its ids fmt's, odd publisher names
// included.
func TestBodiesMatchJSONMarshal(t *testing.T) {
	for _, name := range []string{"p", "pub-1", "a<b>&c", `q"uote\`, "ünï", "tab\there", "\u2028x", "bad\xffutf8", "\xe2"} {
		b := newBodies(name)
		for _, c := range [][3]int{{1, 1, 1}, {17, 4, 7}, {250000, 50, 5000}, {123456789, 1, 0}} {
			want, _ := json.Marshal(payload{ID: fmt.Sprintf("%s-%d", name, c[0]), Key: fmt.Sprintf("%s-k%d", name, c[1]), Ver: c[2]})
			if got := b.bytes(c[0], c[1], c[2]); string(got) != string(want) {
				t.Errorf("%q %v: got %s, want %s", name, c, got, want)
			}
			if got, want := b.id(c[0]), fmt.Sprintf("%s-%d", name, c[0]); got != want {
				t.Errorf("id %q, want %q", got, want)
			}
		}
	}
}

// TestDecodePayloadMatchesUnmarshal: whatever the body, decodePayload
// gives what json.Unmarshal gives.
func TestDecodePayloadMatchesUnmarshal(t *testing.T) {
	for _, s := range payloadSeeds {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecodePayload(f *testing.F) {
	for _, s := range payloadSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecode(t, data) })
}

var payloadSeeds = []string{
	`{"id":"p-1","key":"p-k1","ver":1}`, `{"id":"p-17","key":"p-k4","ver":-7}`, `{"id":"","key":"","ver":0}`,
	`{"id":"p-1","key":"p-k1","ver":01}`, `{"id":"p-1","key":"p-k1","ver":-0}`, `{"id":"p-1","key":"p-k1","ver":1.5}`,
	`{"id":"p-1","key":"p-k1","ver":1e3}`, `{"id":"p\u002d1","key":"p-k1","ver":1}`, `{"id":"ü","key":"p-k1","ver":1}`,
	`{"id":"p-1","key":"p-k1","ver":99999999999999999999}`, `{"id":"p-1","key":"p-k1","ver":999999999999999999}`,
	`{"id":"p-1","key":"p-k1","ver":1} `, `{"id":"p-1","key":"p-k1","ver":1,"x":2}`, `{"id":"p-1","id":"p-2","ver":1}`,
	`{"ID":"p-1","key":"p-k1","ver":1}`, `{"id":"a\tb","key":"p-k1","ver":1}`, `{"id":"p-1","key":"p-k1","ver":}`,
	`{"id":"p-1","key":"p-k1","ver":-}`, `{"id":"p-1","key":"p-k1","ver":"1"}`, `null`, ``, `{`, `{"id":"x\xff","key":"k","ver":2}`,
}

func checkDecode(t *testing.T, data []byte) {
	var want payload
	_ = json.Unmarshal(data, &want)
	got := payload{ID: "stale", Key: "stale", Ver: -1}
	decodePayload(data, &got)
	if got != want {
		t.Errorf("%q: got %+v, want %+v", data, got, want)
	}
}

// TestTrackerMatchesMapTracker: random publishes, acks and dones (odd
// ids, repeated dones, dones before publish, groups that read nothing)
// give the end test and the counts the map-per-message tracker gave.
func TestTrackerMatchesMapTracker(t *testing.T) {
	readers := map[string][]string{"c": {"g", "h"}, "d": {"h"}}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 1))
		tr, ref := newTracker(readers, 2, 0), newMapTracker(readers, 2)
		type pub struct {
			name, channel string
			count, next   int
			slot          *pubTrack
		}
		pubs := []*pub{{name: "p", channel: "c", count: 5}, {name: "p-1", channel: "d", count: 3}}
		ids := []string{"p-1", "p-5", "p-6", "p-01", "p-1-1", "p-1-3", "p-1-4", "zzz", "p-", "-1", "p-1-"}
		groups := []string{"g", "h", "x"}
		var sent []func()
		for step := range 60 {
			switch op := rng.IntN(4); {
			case op == 0:
				b := pubs[rng.IntN(len(pubs))]
				if b.slot == nil {
					b.slot = tr.publisher(b.name, b.channel, b.count)
				}
				if b.next < b.count {
					i := b.next
					b.next++
					id := fmt.Sprintf("%s-%d", b.name, i+1)
					tr.published(b.slot, i)
					ref.published(id, b.channel)
					ok := rng.IntN(5) > 0
					sent = append(sent, func() { tr.acked(b.slot, i, ok); ref.acked(id, ok) })
				}
			case op == 1 && len(sent) > 0:
				j := rng.IntN(len(sent))
				sent[j]()
				sent = append(sent[:j], sent[j+1:]...)
			default:
				g, id := groups[rng.IntN(len(groups))], ids[rng.IntN(len(ids))]
				tr.done(g, id)
				ref.done(g, id)
			}
			if ref.publishers > 0 && rng.IntN(10) == 0 {
				tr.publisherDone()
				ref.publishers--
			}
			p1, d1 := tr.counts()
			p2, d2 := len(ref.msgs), ref.doneIDs
			if c1, c2 := tr.complete(), ref.complete(); c1 != c2 || p1 != p2 || d1 != d2 {
				t.Fatalf("seed %d step %d: complete %v counts %d %d; the map tracker %v %d %d", seed, step, c1, p1, d1, c2, p2, d2)
			}
		}
	}
}

// mapTracker is the tracker as it was: a map entry and a map of groups per
// id, kept here as the reference.
type mapTracker struct {
	readers                               map[string][]string
	msgs                                  map[string]*mapTracked
	publishers, unacked, pending, doneIDs int
}

type mapTracked struct {
	channel   string
	acked, ok bool
	done      map[string]bool
}

func newMapTracker(readers map[string][]string, publishers int) *mapTracker {
	return &mapTracker{readers: readers, msgs: map[string]*mapTracked{}, publishers: publishers}
}

func (t *mapTracker) get(id string) *mapTracked {
	m := t.msgs[id]
	if m == nil {
		m = &mapTracked{done: map[string]bool{}}
		t.msgs[id] = m
	}
	return m
}

func (t *mapTracker) published(id, channel string) { t.get(id).channel = channel; t.unacked++ }

func (t *mapTracker) acked(id string, ok bool) {
	m := t.get(id)
	if m.acked {
		return
	}
	m.acked, m.ok = true, ok
	t.unacked--
	if ok {
		for _, g := range t.readers[m.channel] {
			if !m.done[g] {
				t.pending++
			}
		}
	}
}

func (t *mapTracker) done(group, id string) {
	m := t.get(id)
	if m.done[group] {
		return
	}
	if len(m.done) == 0 {
		t.doneIDs++
	}
	m.done[group] = true
	if m.ok {
		t.pending--
	}
}

func (t *mapTracker) complete() bool { return t.publishers == 0 && t.unacked == 0 && t.pending == 0 }
