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
	made := map[string]*Message{}
	for _, id := range ids {
		if x.get(id) != nil {
			t.Fatalf("get(%q) before put = non-nil", id)
		}
		m := &Message{ID: id}
		x.put(m)
		made[id] = m
	}
	for _, id := range ids {
		if got := x.get(id); got != made[id] {
			t.Errorf("get(%q) = %v, want the message put", id, got)
		}
	}
	for _, id := range []string{"p-4", "p-11", "orders-1", "q-2", "r-1", "p-199999", "", "plain2"} {
		if got := x.get(id); got != nil {
			t.Errorf("get(%q) = %+v, want nil", id, got)
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
// publisher's) are all found, and the publisher's slice stays within about
// twice the messages it holds, the rest in the map.
func TestMsgIndexJumpingIDs(t *testing.T) {
	var x msgIndex
	var ids []string
	for i := 1; i <= 2000; i++ {
		ids = append(ids, fmt.Sprintf("x-%d", i*5000))
	}
	for _, id := range ids {
		x.put(&Message{ID: id})
	}
	for _, id := range ids {
		if m := x.get(id); m == nil || m.ID != id {
			t.Fatalf("get(%q) = %v", id, m)
		}
	}
	l := x.dense["x"]
	if l == nil || len(l.msgs) > 2*l.count+denseSlack {
		t.Fatalf("list %d long for %d messages", len(l.msgs), l.count)
	}
}

// TestByIDConcurrent: an analysis is read-only once made; looking
// messages up from several goroutines at once (as outputs may) is safe
// (go test -race).
func TestByIDConcurrent(t *testing.T) {
	a := &Analysis{}
	for _, p := range []string{"p", "q"} {
		for i := 1; i <= 100; i++ {
			a.index.put(&Message{ID: fmt.Sprintf("%s-%d", p, i)})
		}
	}
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
