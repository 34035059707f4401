package report

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// item finds the item of a section whose first message is id.
func item(t *testing.T, s Section, id string) (Group, Item) {
	t.Helper()
	for _, g := range s.Groups {
		for _, it := range g.Items {
			if len(it.Messages) > 0 && it.Messages[0] == id {
				return g, it
			}
		}
	}
	t.Fatalf("%s: no item for %s", s.Title, id)
	return Group{}, Item{}
}

func TestExplainForcedKill(t *testing.T) {
	a := withSettings(load(t, "forced-kill"))
	e := Explain(a)
	if e.OutOfOrder.Total != 6 || e.OutOfOrder.Unlisted() != 0 {
		t.Fatalf("out of order: total %d unlisted %d, want 6 and 0", e.OutOfOrder.Total, e.OutOfOrder.Unlisted())
	}
	if len(e.OutOfOrder.Groups) != 1 {
		t.Fatalf("got %d groups, want the one of orders-1's death", len(e.OutOfOrder.Groups))
	}
	g, it := item(t, e.OutOfOrder, "pub-25")
	if g.Cause != CauseDeath || g.Death == nil || g.Death.Member != "orders-1" || g.Heading != "orders-1 killed at 1.21 s (forced death)" {
		t.Errorf("group: cause %q heading %q death %+v", g.Cause, g.Heading, g.Death)
	}
	want := "#25 (pub-k1 v7) reached orders-1 at 1.20 s; orders-1 was killed at 1.21 s; the server listed it until 1.95 s; " +
		"#25 reached orders-2 at 2.05 s, after #29 (pub-k1 v8) was done at 1.42 s, #33 (pub-k1 v9) at 1.62 s and #37 (pub-k1 v10) at 1.82 s."
	if it.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", it.Sentence, want)
	}
	if !reflect.DeepEqual(it.Messages, []string{"pub-25", "pub-29", "pub-33", "pub-37"}) ||
		!reflect.DeepEqual(it.Members, []string{"orders-1", "orders-2"}) ||
		it.Group != "orders" || it.Key != "pub-k1" || it.Count != 3 || it.T != 2070*ms {
		t.Errorf("fields: %+v", it)
	}

	// #27 was sent to orders-1 after its death: no deliver line shows it.
	_, it = item(t, e.OutOfOrder, "pub-27")
	want = "#27 (pub-k3 v7) was published at 1.30 s while orders-1 was dead (killed at 1.21 s) but still listed, so the server most likely sent it there; " +
		"the server listed it until 1.95 s; #27 reached orders-2 at 2.05 s, after #31 (pub-k3 v8) was done at 1.52 s, #35 (pub-k3 v9) at 1.72 s and #39 (pub-k3 v10) at 1.92 s."
	if it.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", it.Sentence, want)
	}

	if e.Deaths.Total != 1 {
		t.Fatalf("deaths: %d", e.Deaths.Total)
	}
	d := e.Deaths.Groups[0].Items[0]
	want = "orders-1 was killed at 1.21 s (no Close(): the connection vanishes, as after SIGKILL); the server listed it until 1.95 s, 0.74 s later, " +
		"inside the predicted 0.50 s to 0.75 s (F·I to (F+1)·I, with I = 250ms, T = 250ms, F = 2); it held 1 message unacknowledged (#25 (pub-k1 v7)); " +
		"while dead it was most likely sent 1 message (#27 (pub-k3 v7))."
	if d.Sentence != want {
		t.Errorf("death:\n got %s\nwant %s", d.Sentence, want)
	}
	if e.Duplicates.Total != 0 || e.Lost.Total != 0 || !e.Any() {
		t.Errorf("duplicates %d lost %d any %v", e.Duplicates.Total, e.Lost.Total, e.Any())
	}
}

func TestExplainSlowMember(t *testing.T) {
	e := Explain(load(t, "slow-member"))
	g, it := item(t, e.Duplicates, "pub-1")
	if g.Cause != CauseAckWait || e.Duplicates.Total != 1 {
		t.Errorf("cause %q total %d", g.Cause, e.Duplicates.Total)
	}
	want := "#1 (pub-k1 v1) reached orders-1 at 0.00 s; AckWait ran out while orders-1 still had it, and #1 reached orders-2 at 1.00 s; " +
		"#1 was done twice: by orders-2 at 1.02 s, again by orders-1 at 1.50 s."
	if it.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", it.Sentence, want)
	}
	g, it = item(t, e.OutOfOrder, "pub-1")
	if g.Cause != CauseAckWait || it.Count != 2 || !strings.HasSuffix(it.Sentence, "after #3 (pub-k1 v2) was done at 0.22 s and #5 (pub-k1 v3) at 0.42 s.") {
		t.Errorf("cause %q count %d sentence %s", g.Cause, it.Count, it.Sentence)
	}
}

func TestExplainInterrupted(t *testing.T) {
	e := Explain(load(t, "interrupted"))
	if e.Lost.Total != 2 {
		t.Fatalf("lost: %d", e.Lost.Total)
	}
	g, it := item(t, e.Lost, "pub-13")
	if g.Cause != CauseUndelivered || it.Sentence != "pub-13 (pub-k1 v4) was published at 0.60 s and never delivered before the run was interrupted at 0.60 s." {
		t.Errorf("cause %q sentence %s", g.Cause, it.Sentence)
	}
	g, it = item(t, e.Lost, "pub-12")
	if g.Cause != CauseUnfinished || it.Sentence != "#12 (pub-k4 v3) reached orders-2 at 0.55 s; orders-2 was still processing it when the run was interrupted at 0.60 s." {
		t.Errorf("cause %q sentence %s", g.Cause, it.Sentence)
	}
}

func TestExplainClean(t *testing.T) {
	e := Explain(load(t, "clean"))
	if e.Any() || e.Deaths.Total != 0 {
		t.Errorf("clean run explained anomalies: %+v", e)
	}
}

// reversed is a history of one key whose n versions are done in reverse
// order by two members: n(n-1)/2 out-of-order pairs.
func reversed(n int) *tale {
	s := &tale{}
	s.start("reversed", "name: reversed\n", "name: reversed\n")
	s.up(0, "orders-1", "c1")
	s.up(0, "orders-2", "c2")
	for i := 1; i <= n; i++ {
		t := int64(i) * ms
		s.publish(t, i, 1)
		m := fmt.Sprintf("orders-%d", i%2+1)
		s.deliver(t+ms, m, i, 1, 0)
		s.done(int64(2*n-i)*10*ms, m, i, 1, 0)
	}
	s.add(int64(2*n)*10*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

func TestExplainCaps(t *testing.T) {
	l, err := history.Read(strings.NewReader(string(reversed(60).bytes(t))))
	if err != nil {
		t.Fatal(err)
	}
	a := analyze.Analyze(l)
	e := Explain(a)
	s := e.OutOfOrder
	if s.Total != 60*59/2 {
		t.Fatalf("total %d", s.Total)
	}
	listed := 0
	for _, g := range s.Groups {
		if len(g.Items) > MaxItems {
			t.Errorf("group %q has %d items, cap %d", g.Heading, len(g.Items), MaxItems)
		}
		n := g.More()
		for _, it := range g.Items {
			n += it.Count
		}
		if n != g.Total {
			t.Errorf("group %q: items and more give %d, total %d", g.Heading, n, g.Total)
		}
		listed += g.Total
	}
	if listed+s.Unlisted() != s.Total || s.Unlisted() != s.Total-analyze.MaxPairs {
		t.Errorf("listed %d unlisted %d total %d", listed, s.Unlisted(), s.Total)
	}
	if g := s.Groups[0]; g.Cause != CauseParallel || g.More() == 0 {
		t.Errorf("group cause %q more %d", g.Cause, g.More())
	}
	// An item names at most four overtakers and counts the rest.
	want := "#55 (pub-k1 v55) reached orders-2 at 0.06 s and was done there at 0.65 s, after #60 (pub-k1 v60) was done at 0.60 s, " +
		"#59 (pub-k1 v59) at 0.61 s, #58 (pub-k1 v58) at 0.62 s, #57 (pub-k1 v57) at 0.63 s and 1 other newer message."
	if _, it := item(t, s, "pub-55"); it.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", it.Sentence, want)
	}
}
