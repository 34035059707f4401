package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every bad file is refused with exit 2 and a message naming the file, the
// line and the field. (sim/scenario's own table holds many more cases.)
func TestValidateBadFiles(t *testing.T) {
	cases := []struct {
		file  string
		line  int
		field string
		msg   string
	}{
		{"unknown-field.yaml", 8, "listeners[0].ack_wiat", `unknown field "ack_wiat"`},
		{"ackwait-fraction.yaml", 8, "listeners[0].ack_wait", "whole number of seconds"},
		{"ackwait-short.yaml", 8, "listeners[0].ack_wait", ">= 1s"},
		{"members-zero.yaml", 8, "listeners[0].members", "between 1 and 64"},
		{"fault-member.yaml", 8, "faults[0].member", `"g-3" does not exist`},
		{"fault-late.yaml", 9, "faults[0].at", "before the end of the run"},
		{"restart-late.yaml", 10, "faults[0].restart_after", "before the end of the run"},
		{"death-kind.yaml", 9, "faults[0].death", "forced"},
		{"duplicate-name.yaml", 6, "scenarios[1] (a).name", "already used"},
		{"bad-name.yaml", 2, "scenarios[0].name", "[a-z0-9-]+"},
		{"durable-colon.yaml", 8, "listeners[0].durable", "':'"},
		{"channel-wildcard.yaml", 6, "publishers[0].channel", "wildcards"},
		{"bad-duration.yaml", 3, "duration", `"5x"`},
		{"count-zero.yaml", 7, "publishers[0].count", "between 1"},
		{"rate-negative.yaml", 8, "publishers[0].rate", "> 0"},
		{"wrong-type.yaml", 8, "listeners[0].members", "whole number"},
		{"store-bogus.yaml", 5, "server.store", "memory or file"},
		{"uniform-reversed.yaml", 8, "process_time.uniform", "min 30ms must be <= max 5ms"},
		{"defaults-bad.yaml", 3, "heartbeat.fail_count", "between 1"},
		{"overlapping-faults.yaml", 8, "faults[1].at", "already dead"},
	}
	files, _ := filepath.Glob("testdata/bad/*.yaml")
	if len(files) != len(cases) {
		t.Errorf("%d files in testdata/bad, %d cases: keep them in step", len(files), len(cases))
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "bad", c.file)
			_, stderr, code := stansim(t, ".", "validate", path)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			pos := path + ":" + itoa(c.line) + ":"
			for _, want := range []string{pos, c.field, c.msg} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			// A bad file given to run is refused the same way, before any run.
			out := t.TempDir()
			_, stderr, code = stansim(t, ".", "run", path, "--out", out)
			if code != exitUsage || !strings.Contains(stderr, pos) {
				t.Errorf("run: exit %d, stderr %q; want %d naming %s", code, stderr, exitUsage, pos)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("run of a bad file wrote %d entries", len(entries))
			}
		})
	}
}

func TestValidateGoodFileAndUsage(t *testing.T) {
	out, _, code := stansim(t, "../..", "validate", "scenarios.yaml")
	if code != exitOK || !strings.Contains(out, "scenarios ok") {
		t.Errorf("validate scenarios.yaml: exit %d, %q", code, out)
	}
	if _, _, code := stansim(t, ".", "validate", "testdata/missing.yaml"); code != exitUsage {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if _, _, code := stansim(t, ".", "run", "--parallel", "x"); code != exitUsage {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	if _, _, code := stansim(t, ".", "run", "../../scenarios.yaml", "--only", "no-such", "--out", t.TempDir()); code != exitUsage {
		t.Errorf("unknown --only name: exit %d, want 2", code)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
