package jsbroker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
)

func TestAckWaitProblem(t *testing.T) {
	for _, tc := range []struct {
		w  time.Duration
		ok bool
	}{
		{0, false}, {-time.Second, false}, {time.Millisecond, true}, {1500 * time.Millisecond, true},
		{jsbroker.MaxAckWait, true}, {jsbroker.MaxAckWait + time.Second, false},
	} {
		if p := jsbroker.AckWaitProblem(tc.w); (p == "") != tc.ok {
			t.Errorf("AckWaitProblem(%v) = %q, want ok=%v", tc.w, p, tc.ok)
		}
	}
}

func TestDurableProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"workers", true}, {"orders-1_x:y", true}, {"", false}, {"a.b", false}, {"a*", false},
		{"a>", false}, {"a b", false}, {"a\tb", false}, {"a/b", false}, {`a\b`, false},
		{strings.Repeat("x", 255), true}, {strings.Repeat("x", 256), false},
	} {
		if p := jsbroker.DurableProblem(tc.name); (p == "") != tc.ok {
			t.Errorf("DurableProblem(%q) = %q, want ok=%v", tc.name, p, tc.ok)
		}
	}
}

func TestBackOffProblem(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		name       string
		backoff    []time.Duration
		maxDeliver int
		ok         bool
	}{
		{"none", nil, 0, true},
		{"unlimited deliveries", []time.Duration{s}, 0, false},
		{"as many deliveries as steps", []time.Duration{s, 2 * s}, 2, false},
		{"one more delivery than steps", []time.Duration{s, 2 * s}, 3, true},
		{"zero step", []time.Duration{0, s}, 5, false},
	} {
		if p := jsbroker.BackOffProblem(tc.backoff, tc.maxDeliver); (p == "") != tc.ok {
			t.Errorf("%s: BackOffProblem = %q, want ok=%v", tc.name, p, tc.ok)
		}
	}
}

// TestRulesMatchTheServer: what the rules accept the server accepts, and
// what they refuse for the server's own reasons it refuses.
func TestRulesMatchTheServer(t *testing.T) {
	b := start(t, "memory")
	s := time.Second
	for _, tc := range []struct {
		name       string
		durable    string
		backoff    []time.Duration
		maxDeliver int
	}{
		{"plain", "plain", nil, 0},
		{"backoff within max deliver", "bo-ok", []time.Duration{s, 2 * s}, 3},
		{"backoff with unlimited deliveries", "bo-unlimited", []time.Duration{s}, 0},
		{"backoff as long as max deliver", "bo-equal", []time.Duration{s, 2 * s}, 2},
		{"durable with a dot", "a.b", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := group()
			sub.Durable, sub.BackOff, sub.MaxDeliver = tc.durable, tc.backoff, tc.maxDeliver
			problem := jsbroker.DurableProblem(tc.durable) + jsbroker.BackOffProblem(tc.backoff, tc.maxDeliver)
			m, err := b.Member("rules-"+tc.name, sub, func(broker.Msg) {})
			if err == nil {
				m.Release()
			}
			if (problem == "") != (err == nil) {
				t.Errorf("rules say %q, server says %v", problem, err)
			}
		})
	}
}
