package analyze_test

import (
	"os"
	"path/filepath"
	"testing"

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
	if s.Published != 1 || s.Processed != 1 || s.Lost != 0 || len(a.Messages) != 1 || a.Messages[0].PublishT != 10 {
		t.Errorf("published %d, processed %d, lost %d, messages %d: want the message published at 10 and done", s.Published, s.Processed, s.Lost, len(a.Messages))
	}
}
