package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// stansim predict answers from the settings alone: the JSON contract for
// the slow lesson scenario (no server is started: it needs no lock), the
// words for people, and exit 2 for bad input.
func TestPredictCommand(t *testing.T) {
	out, stderr, code := stansim(t, "../..", "predict", "scenarios.yaml", "--only", "lesson-forced-kill", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Scenarios []struct {
			Name   string
			Deaths []struct {
				Member, Death string
				AtMs          float64                    `json:"at_ms"`
				ZombieMs      struct{ Min, Max float64 } `json:"zombie_ms"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Scenarios) != 1 || doc.Scenarios[0].Name != "lesson-forced-kill" || len(doc.Scenarios[0].Deaths) != 1 {
		t.Fatalf("document: %+v", doc)
	}
	d := doc.Scenarios[0].Deaths[0]
	if d.Member != "orders-1" || d.Death != "forced" || d.AtMs != 3000 || d.ZombieMs.Min != 10000 || d.ZombieMs.Max != 15000 {
		t.Errorf("death %+v, want orders-1 forced at 3000 ms, 10 s to 15 s (heartbeats 5s, fail_count 2)", d)
	}
	text, _, code := stansim(t, "../..", "predict", "scenarios.yaml", "--only", "lesson-forced-kill,heartbeat-sweep")
	if code != exitOK || !strings.Contains(text, "zombie window        10 s to 15 s (F·I to (F+1)·I)") ||
		!strings.Contains(text, "heartbeat-sweep-c9 (sweep cell: server.heartbeat.interval 500ms, server.heartbeat.fail_count 3)") {
		t.Errorf("exit %d, text:\n%s", code, text)
	}
	for _, args := range [][]string{
		{"predict", "scenarios.yaml", "--only", "nope"},
		{"predict", "missing.yaml"},
		{"predict"},
	} {
		if _, stderr, code := stansim(t, "../..", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
}
