package death

import (
	"math"
	"strings"
	"testing"
	"time"
)

// The predicted removal after a death depends on how the member died:
// the rules: forced [F·I, (F+1)·I], hang [F·(I+T), (F+1)·(I+T)],
// graceful and interrupt about 0.
func TestRemoval(t *testing.T) {
	ms := time.Millisecond
	hb := Heartbeat{Interval: 250 * ms, Timeout: 100 * ms, FailCount: 2}
	cases := []struct {
		kind     Kind
		min, max time.Duration
		ok       bool
	}{
		{Forced, 500 * ms, 750 * ms, true},
		{Hang, 700 * ms, 1050 * ms, true},
		{Graceful, 0, 200 * ms, true},
		{Interrupt, 0, 200 * ms, true},
		{"frobnicate", 0, 0, false},
	}
	for _, c := range cases {
		w, ok := c.kind.Removal(hb)
		if ok != c.ok || w.Min != c.min || w.Max != c.max {
			t.Errorf("%s: %v..%v (ok %v), want %v..%v (ok %v)", c.kind, w.Min, w.Max, ok, c.min, c.max, c.ok)
		}
	}
	if _, ok := Forced.Removal(Heartbeat{}); ok {
		t.Error("forced with unknown heartbeats predicted a window")
	}
}

// Huge settings saturate instead of wrapping to negative durations.
func TestRemovalSaturates(t *testing.T) {
	w, ok := Hang.Removal(Heartbeat{Interval: time.Duration(math.MaxInt64 / 2), Timeout: time.Hour, FailCount: 1000})
	if !ok || w.Min <= 0 || w.Max < w.Min {
		t.Fatalf("window %v..%v", w.Min, w.Max)
	}
}

// Every kind has its words, role, effect and signal: the outputs and the
// process mode read them from the table alone.
func TestTableComplete(t *testing.T) {
	for _, k := range Kinds() {
		in := Of(k)
		if in.Label == "" || in.Verb == "" || in.Noun == "" || in.How == "" || in.Role == 0 || in.Effect == 0 || in.Signal == 0 {
			t.Errorf("%s: incomplete row %+v", k, in)
		}
		got, err := Parse(string(k))
		if in.Recorded != (err != nil) || !in.Recorded && got != k {
			t.Errorf("Parse(%q) = %q, %v (recorded-only: %v)", k, got, err, in.Recorded)
		}
	}
	if Hang.Info().Label == Forced.Info().Label || strings.Contains(Hang.Info().Verb, "kill") {
		t.Error("a hang must never be called a kill")
	}
	if !Graceful.CallsClose() || !Interrupt.CallsClose() || Forced.CallsClose() || Hang.CallsClose() {
		t.Error("CallsClose is wrong")
	}
	_, err := Parse("sigkill")
	if err == nil || !strings.Contains(err.Error(), "forced") || !strings.Contains(err.Error(), "interrupt") {
		t.Errorf("Parse error %v should list the kinds", err)
	}
	if in := Of("newer"); in.Label == "" || strings.Contains(in.Label, "kill") {
		t.Errorf("unknown kind row %+v", in)
	}
}

func TestSorted(t *testing.T) {
	got := Sorted([]Kind{Hang, "zz", Graceful, Hang, Forced})
	want := []Kind{Graceful, Forced, Hang, "zz"}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
}

// Without a handler that calls Close(), SIGTERM and SIGINT are as bad as
// SIGKILL: the server keeps the member until heartbeats fail.
func TestUnhandledSignals(t *testing.T) {
	hb := Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2}
	for _, k := range []Kind{Graceful, Interrupt} {
		u := k.Actual(false)
		if u == k || u.CallsClose() || Of(u).Signal != Of(k).Signal || Of(u).Role != RoleKill {
			t.Errorf("%s without a handler: %s %+v", k, u, Of(u))
		}
		w, _ := u.Removal(hb)
		f, _ := Forced.Removal(hb)
		if w.Min != f.Min || w.Max != f.Max {
			t.Errorf("%s: removal %v, want the forced window %v", u, w, f)
		}
		if k.Actual(true) != k || Forced.Actual(false) != Forced {
			t.Errorf("Actual changed a kind it should not")
		}
	}
	if strings.Contains(Choices(), string(UnhandledTerm)) {
		t.Error("scenario files may not name a recorded-only kind")
	}
}
