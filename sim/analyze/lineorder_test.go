package analyze_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// Lines of different goroutines may reach the file out of time order: a
// delivery written before its message's publish still belongs to that
// publish, which counts as published and processed.
func TestDeliveryLineBeforePublishLine(t *testing.T) {
	evs := []history.Event{
		{T: 0, Ev: history.KindRunStart, Format: history.FormatVersion},
		{T: 12, Ev: history.KindDeliver, Member: "g-1", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redelivered: history.Bool(false)},
		{T: 10, Ev: history.KindPublish, Pub: "p", Channel: "c", ID: "p-1", Key: "p-k1", Ver: 1},
		{T: 11, Ev: history.KindPublishAck, ID: "p-1"},
		{T: 20, Ev: history.KindDone, Member: "g-1", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1},
		{T: 30, Ev: history.KindRunEnd, Reason: history.ReasonDone},
	}
	var b []byte
	for i := range evs {
		b = append(evs[i].AppendJSON(b), '\n')
	}
	path := filepath.Join(t.TempDir(), history.FileName)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := analyze.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Summary
	if s.Published != 1 || s.Processed != 1 || s.Lost != 0 || a.NumMessages() != 1 || a.MessageAt(0).PublishT != 10 {
		t.Errorf("published %d, processed %d, lost %d, messages %d: want the message published at 10 and done", s.Published, s.Processed, s.Lost, a.NumMessages())
	}
}

// The k-th wait for an ack is AckWait, or with a JetStream BackOff its k-th
// step, the last repeating.
func TestRedeliveryWaits(t *testing.T) {
	st := analyze.Settings{Groups: map[string]analyze.GroupSettings{
		"plain": {AckWait: 2 * time.Second},
		"back":  {AckWait: 500 * time.Millisecond, BackOff: []time.Duration{500 * time.Millisecond, time.Second, 3 * time.Second}},
	}}
	cases := []struct {
		group string
		k     int
		want  time.Duration
	}{
		{"plain", 1, 2 * time.Second}, {"plain", 5, 2 * time.Second},
		{"back", 1, 500 * time.Millisecond}, {"back", 2, time.Second}, {"back", 3, 3 * time.Second}, {"back", 7, 3 * time.Second},
	}
	for _, c := range cases {
		if got := st.Redelivery(c.group, c.k); got != c.want {
			t.Errorf("%s delivery %d: wait %v, want %v", c.group, c.k, got, c.want)
		}
	}
}
