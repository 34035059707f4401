package analyze

import "testing"

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
	} {
		pub, n, ok := splitID(c.id)
		if pub != c.pub || n != c.n || ok != c.ok {
			t.Errorf("splitID(%q) = %q, %d, %v; want %q, %d, %v", c.id, pub, n, ok, c.pub, c.n, c.ok)
		}
	}
}
