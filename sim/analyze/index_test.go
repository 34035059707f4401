package analyze

import (
	"fmt"
	"sync"
	"testing"
)

// TestMsgIndex stores ids of every shape and finds each, and only each:
// publishers' "<pub>-<n>" ids by n, and ids that are not (no number, a
// leading zero, a huge or far-ahead n, a dash in the name) by the map.
func TestMsgIndex(t *testing.T) {
	ids := []string{
		"p-1", "p-2", "p-10", "p-3", "orders-eu-1", "orders-eu-2", "p-0", "p-01", "p-", "-5",
		"plain", "p-99999999999", "p-200000", "p-x1", "q-1", "p-2a", "p-2147483649",
	}
	var x msgIndex
	made := map[string]ref{}
	for i, id := range ids {
		if x.get(id) != 0 {
			t.Fatalf("get(%q) before put = non-zero", id)
		}
		x.put(id, fullRef(i))
		made[id] = fullRef(i)
	}
	for _, id := range ids {
		if got := x.get(id); got != made[id] {
			t.Errorf("get(%q) = %v, want the ref put", id, got)
		}
	}
	// set changes a ref wherever its id lives (list or map).
	for i, id := range ids {
		x.set(id, plainRef(i))
	}
	for i, id := range ids {
		if got := x.get(id); got != plainRef(i) {
			t.Errorf("after set, get(%q) = %v, want %v", id, got, plainRef(i))
		}
	}
	for _, id := range []string{"p-4", "p-11", "orders-1", "q-2", "r-1", "p-199999", "", "plain2"} {
		if got := x.get(id); got != 0 {
			t.Errorf("get(%q) = %v, want 0", id, got)
		}
	}
}

func TestSplitID(t *testing.T) {
	for _, c := range []struct {
		id  string
		pub string
		n   int
		ok  bool
	}{
		{"p-1", "p", 1, true}, {"orders-eu-12", "orders-eu", 12, true}, {"-3", "", 3, true},
		{"p-0", "", 0, false}, {"p-07", "", 0, false}, {"p", "", 0, false}, {"p-", "", 0, false},
		{"p-1x", "", 0, false}, {"p-12345678901", "", 0, false},
		{"p-2147483647", "p", 2147483647, true}, {"p-2147483648", "", 0, false}, {"p-9999999999", "", 0, false},
	} {
		pub, n, ok := splitID(c.id)
		if pub != c.pub || n != c.n || ok != c.ok {
			t.Errorf("splitID(%q) = %q, %d, %v; want %q, %d, %v", c.id, pub, n, ok, c.pub, c.n, c.ok)
		}
	}
}

// TestMsgIndexJumpingIDs: ids that jump far ahead (not a stansim
// publisher's) are all found, and the publisher's list stays within about
// twice the messages it holds (and a chunk), the rest in the map.
func TestMsgIndexJumpingIDs(t *testing.T) {
	var x msgIndex
	var ids []string
	for i := 1; i <= 2000; i++ {
		ids = append(ids, fmt.Sprintf("x-%d", i*5000))
	}
	for i, id := range ids {
		x.put(id, fullRef(i))
	}
	for i, id := range ids {
		if r := x.get(id); r != fullRef(i) {
			t.Fatalf("get(%q) = %v", id, r)
		}
	}
	l := x.dense["x"]
	if l == nil || l.len() > 2*l.count+denseSlack+denseChunk {
		t.Fatalf("list %d long for %d messages", l.len(), l.count)
	}
}

// TestByIDConcurrent: an analysis is read-only once made; looking
// messages up from several goroutines at once (as outputs may) is safe
// (go test -race).
func TestByIDConcurrent(t *testing.T) {
	var ms []*Message
	for _, p := range []string{"p", "q"} {
		for i := 1; i <= 100; i++ {
			ms = append(ms, &Message{ID: fmt.Sprintf("%s-%d", p, i)})
		}
	}
	a := withMessages(ms...)
	var wg sync.WaitGroup
	for _, p := range []string{"p", "q"} {
		wg.Go(func() {
			for i := 1; i <= 100; i++ {
				if id := fmt.Sprintf("%s-%d", p, i); a.ByID(id) == nil {
					t.Errorf("ByID(%q) = nil", id)
				}
			}
		})
	}
	wg.Wait()
}
