package analyze

import (
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

func analyzeText(t *testing.T, lines ...string) *Analysis {
	t.Helper()
	l, err := history.Read(strings.NewReader(`{"t":0,"ev":"run_start","format":1}` + "\n" + strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return Analyze(l)
}

// TestDoneMatching: which delivery each done finished.
func TestDoneMatching(t *testing.T) {
	const pub = `{"t":1,"ev":"publish","id":"p-1","key":"p-k1","ver":1}
{"t":2,"ev":"publish_ack","id":"p-1"}`
	for _, tc := range []struct {
		name  string
		lines []string
		want  []int // Dones[i].Delivery
	}{
		{"slow member: first done is the original", []string{
			`{"t":3,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":4,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":true,"redeliveries":1}`,
			`{"t":5,"ev":"done","id":"p-1","member":"g-1","group":"g","redeliveries":0}`,
			`{"t":6,"ev":"done","id":"p-1","member":"g-1","group":"g","redeliveries":1}`,
		}, []int{0, 1}},
		{"restarted member replayed: the new life's copy", []string{
			`{"t":3,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":9,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":10,"ev":"done","id":"p-1","member":"g-1","group":"g","redeliveries":0}`,
		}, []int{1}},
		{"no redelivery count: the latest unfinished", []string{
			`{"t":3,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":4,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":true,"redeliveries":1}`,
			`{"t":5,"ev":"done","id":"p-1","member":"g-1","group":"g"}`,
			`{"t":6,"ev":"done","id":"p-1","member":"g-1","group":"g"}`,
		}, []int{1, 0}},
		{"count matches nothing: the latest unfinished", []string{
			`{"t":3,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":5,"ev":"done","id":"p-1","member":"g-1","group":"g","redeliveries":2}`,
		}, []int{0}},
		{"other member's or later delivery never matches", []string{
			`{"t":3,"ev":"deliver","id":"p-1","member":"g-2","group":"g","redelivered":false,"redeliveries":0}`,
			`{"t":5,"ev":"done","id":"p-1","member":"g-1","group":"g","redeliveries":0}`,
			`{"t":7,"ev":"deliver","id":"p-1","member":"g-1","group":"g","redelivered":true,"redeliveries":1}`,
		}, []int{-1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := analyzeText(t, append([]string{pub}, tc.lines...)...)
			m := a.ByID("p-1")
			var got []int
			for _, d := range m.Dones {
				got = append(got, int(d.Delivery))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("dones matched %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("dones matched %v, want %v", got, tc.want)
				}
			}
			checkInvariants(t, a)
		})
	}
}

// TestUnpublishedIDs: deliver and done lines for an id the history never
// saw published count as deliver lines only.
func TestUnpublishedIDs(t *testing.T) {
	a := analyzeText(t,
		`{"t":3,"ev":"deliver","id":"x-1","key":"x-k1","ver":1,"member":"g-1","group":"g","redelivered":true,"redeliveries":1}`,
		`{"t":4,"ev":"done","id":"x-1","key":"x-k1","ver":1,"member":"g-1","group":"g","redeliveries":1}`,
	)
	s := a.Summary
	if s.Delivered != 1 || s.Redelivered != 1 || s.Published != 0 || s.Processed != 0 || a.NumMessages() != 0 || a.ByID("x-1") == nil {
		t.Errorf("summary %+v, %d messages", s, a.NumMessages())
	}
}

// TestBySeq: messages by sequence, stably, the unsequenced last in publish
// order, whether or not publish order is sequence order.
func TestBySeq(t *testing.T) {
	ms := func(seqs ...uint64) []*Message {
		var out []*Message
		for i, s := range seqs {
			out = append(out, &Message{ID: string(rune('a' + i)), Seq: s})
		}
		return out
	}
	for _, tc := range []struct {
		seqs []uint64
		want string
	}{
		{nil, ""},
		{[]uint64{1, 2, 3}, "abc"},
		{[]uint64{3, 0, 1, 0, 2}, "ceabd"},
		{[]uint64{2, 2, 1}, "cab"},
		{[]uint64{0, 0}, "ab"},
	} {
		a := withMessages(ms(tc.seqs...)...)
		got := ""
		for m := range a.BySeq() {
			got += m.ID
		}
		if got != tc.want {
			t.Errorf("BySeq(%v) = %q, want %q", tc.seqs, got, tc.want)
		}
	}
}
