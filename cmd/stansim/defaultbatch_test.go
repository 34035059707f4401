package main

import (
	"encoding/json"
	"testing"
)

// TestDefaultBatchKeepsItsBounds runs the default batch of scenarios.yaml
// as a user does, with the default parallelism (every scenario at once):
// it exits 0 only if every expectation holds, each death's zombie window
// inside its predicted bounds among them; the JSON document says which.
func TestDefaultBatchKeepsItsBounds(t *testing.T) {
	stdout, stderr, code := stansim(t, "../..", "run", "--out", t.TempDir(), "--no-server-log", "--json")
	var doc struct {
		Scenarios []struct {
			Name         string `json:"name"`
			OK           bool   `json:"ok"`
			Expectations []struct {
				Path string `json:"path"`
				Want string `json:"want"`
				Got  any    `json:"got"`
				OK   bool   `json:"ok"`
			} `json:"expectations"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("exit %d, stdout not JSON: %v\n%s", code, err, stderr)
	}
	windows := 0
	for _, s := range doc.Scenarios {
		for _, e := range s.Expectations {
			if e.Path == "zombie_windows" {
				windows++
			}
			if !e.OK {
				t.Errorf("%s: expect %s: want %s, got %v", s.Name, e.Path, e.Want, e.Got)
			}
		}
		if !s.OK {
			t.Errorf("%s: not ok", s.Name)
		}
	}
	if code != exitOK || windows == 0 {
		t.Errorf("exit %d, %d zombie_windows expectations\n%s", code, windows, stderr)
	}
}
