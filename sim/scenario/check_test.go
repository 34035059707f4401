package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// ok is a valid file of 11 lines; cases append lines to its listener
// (line 12 on) or to the scenario.
const ok = `scenarios:
  - name: s
    duration: 10s
    publishers:
      - name: pub
        channel: a.b
        count: 10
        rate: 10
    listeners:
      - group: orders
        channel: a.b
`

// faults starts a faults list at line 12 of ok.
const faults = ok + "    faults:\n"

// want is one expected error: its exact line, and substrings of its field
// path and message.
type want struct {
	line       int
	field, msg string
}

// TestCheck is the validator's table (in the spirit of nats-server's
// TestConfigCheck): each bad file with every error it must give, in order.
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		errs []want
	}{
		{"unknown field", ok + "        ack_wiat: 2s\n",
			[]want{{12, "scenarios[0] (s).listeners[0].ack_wiat", `unknown field "ack_wiat" (did you mean "ack_wait"?)`}}},
		{"unknown top-level field", "scenario:\n" + ok,
			[]want{{1, "scenario", `unknown field "scenario" (did you mean "scenarios"?)`}}},
		{"unknown field far from any", ok + "        colour: red\n",
			[]want{{12, "listeners[0].colour", "known fields: group, channel, members"}}},
		{"field set twice", ok + "        channel: c.d\n",
			[]want{{12, "listeners[0].channel", "set twice (first at line 11)"}}},
		{"wrong type string for int", strings.Replace(ok, "count: 10", "count: ten", 1),
			[]want{{7, "publishers[0].count", `must be a whole number, not the string "ten"`}}},
		{"wrong type mapping for list", strings.Replace(ok, "    listeners:\n      - group: orders\n        channel: a.b\n", "    listeners: {group: orders}\n", 1),
			[]want{{9, "scenarios[0] (s).listeners", "must be a list of listeners, not a mapping"}}},
		{"wrong type list for string", ok + "        durable: [a]\n",
			[]want{{12, "listeners[0].durable", "must be a string, not a list"}}},
		{"rate not a number", strings.Replace(ok, "rate: 10", "rate: fast", 1),
			[]want{{8, "publishers[0].rate", `must be a number, not the string "fast"`}}},
		{"bad duration", strings.Replace(ok, "duration: 10s", "duration: 2x", 1),
			[]want{{3, "scenarios[0] (s).duration", `bad duration "2x": use a Go duration`}}},
		{"bare integer duration", strings.Replace(ok, "duration: 10s", "duration: 10", 1),
			[]want{{3, "duration", "use a unit, e.g. 10s"}}},
		{"duration 0", strings.Replace(ok, "duration: 10s", "duration: 0", 1),
			[]want{{3, "duration", "duration 0s: must be > 0 and <= 1h"}}},
		{"duration too long", strings.Replace(ok, "duration: 10s", "duration: 2h", 1),
			[]want{{3, "duration", "must be > 0 and <= 1h"}}},
		{"sample_interval too short", ok + "    sample_interval: 1ms\n",
			[]want{{12, "sample_interval", "sample_interval 1ms: must be between 5ms and 1s"}}},
		{"ack_wait 1500ms", ok + "        ack_wait: 1500ms\n",
			[]want{{12, "listeners[0].ack_wait", "ack_wait 1.5s: must be a whole number of seconds (the protocol counts whole seconds; stan.go would silently truncate it to 1s)"}}},
		{"ack_wait 500ms", ok + "        ack_wait: 500ms\n",
			[]want{{12, "listeners[0].ack_wait", "ack_wait 500ms: must be >= 1s"}}},
		{"ack_wait 2h", ok + "        ack_wait: 2h\n",
			[]want{{12, "listeners[0].ack_wait", "must be <= 1h"}}},
		{"members 0", ok + "        members: 0\n",
			[]want{{12, "listeners[0].members", "members 0: must be between 1 and 64"}}},
		{"max_inflight 0", ok + "        max_inflight: 0\n",
			[]want{{12, "listeners[0].max_inflight", "must be between 1 and 65536"}}},
		{"fault on nonexistent member", faults + "      - {at: 1s, member: orders-2, death: forced}\n",
			[]want{{13, "faults[0].member", `member "orders-2" does not exist; members are named <group>-<i> (i from 1 to members): orders-1`}}},
		{"member list capped", strings.Replace(faults, "group: orders\n        channel: a.b\n", "group: orders\n        channel: a.b\n        members: 12\n", 1) + "      - {at: 1s, member: orders, death: forced}\n",
			[]want{{14, "faults[0].member", "orders-1, orders-2, orders-3, orders-4, orders-5, orders-6, orders-7, orders-8, orders-9, orders-10 and 2 more"}}},
		{"fault at >= duration", faults + "      - {at: 10s, member: orders-1, death: forced}\n",
			[]want{{13, "faults[0].at", "at 10s: must be before the end of the run (duration 10s)"}}},
		{"fault at negative", faults + "      - {at: -1s, member: orders-1, death: forced}\n",
			[]want{{13, "faults[0].at", "at -1s: must be >= 0"}}},
		{"restart after the end", faults + "      - at: 4s\n        member: orders-1\n        death: graceful\n        restart_after: 6s\n",
			[]want{{16, "faults[0].restart_after", "the restart at 10s (at 4s + restart_after 6s) must come before the end of the run (duration 10s)"}}},
		{"restart_after negative", faults + "      - {at: 4s, member: orders-1, death: graceful, restart_after: -1s}\n",
			[]want{{13, "faults[0].restart_after", "must be >= 0 (0 = no restart)"}}},
		{"death bogus", faults + "      - {at: 1s, member: orders-1, death: sigkill}\n",
			[]want{{13, "faults[0].death", `death "sigkill": must be one of graceful (Close(), as a SIGTERM handler does), interrupt (`}}},
		{"policy bogus", ok + "        policy: strict\n",
			[]want{{12, "listeners[0].policy", `policy "strict": must be naive (apply every delivery) or version-check`}}},
		{"resume on a forced death", faults + "      - {at: 1s, member: orders-1, death: forced, resume_after: 1s}\n",
			[]want{{13, "faults[0].resume_after", "resume_after needs a death that can be resumed (hang: SIGCONT thaws it); a forced death cannot come back but by restart_after"}}},
		{"resume with restart", faults + "      - {at: 1s, member: orders-1, death: hang, resume_after: 1s, restart_after: 2s}\n",
			[]want{{13, "faults[0].resume_after", "resume_after and restart_after exclude each other"}}},
		{"resume after the end", faults + "      - {at: 4s, member: orders-1, death: hang, resume_after: 6s}\n",
			[]want{{13, "faults[0].resume_after", "the resume at 10s (at 4s + resume_after 6s) must come before the end of the run (duration 10s)"}}},
		{"resume negative", faults + "      - {at: 4s, member: orders-1, death: hang, resume_after: -1s}\n",
			[]want{{13, "faults[0].resume_after", "resume_after -1s: must be > 0"}}},
		{"fault while still hung", faults + "      - {at: 1s, member: orders-1, death: hang, resume_after: 2s}\n      - {at: 2s, member: orders-1, death: forced}\n",
			[]want{{14, "faults[1].at", "member orders-1 is still dead at 2s: the fault at 1s (line 13) brings it back at 3s"}}},
		{"fault fields missing", faults + "      - {at: 1s}\n",
			[]want{{13, "faults[0].member", "member is required"}, {13, "faults[0].death", "death is required"}}},
		{"overlapping faults, no restart", faults + "      - {at: 1s, member: orders-1, death: forced}\n      - {at: 3s, member: orders-1, death: graceful}\n",
			[]want{{14, "faults[1].at", "member orders-1 is already dead at 3s: the fault at 1s (line 13) has no restart_after"}}},
		{"overlapping faults, not yet restarted", faults + "      - {at: 3s, member: orders-1, death: graceful}\n      - {at: 1s, member: orders-1, death: forced, restart_after: 2s}\n",
			[]want{{13, "faults[0].at", "member orders-1 is still dead at 3s: the fault at 1s (line 14) brings it back at 3s; a later fault must come after that"}}},
		{"duplicate scenario name", ok + strings.TrimPrefix(ok, "scenarios:\n"),
			[]want{{12, "scenarios[1] (s).name", `name "s" is already used by the scenario at line 2`}}},
		{"duplicate group", ok + "      - group: orders\n        channel: a.b\n",
			[]want{{12, "listeners[1].group", `group "orders" is already used by listeners[0].group (line 10)`}}},
		{"duplicate publisher", strings.Replace(ok, "    listeners:", "      - {name: pub, channel: a.b, count: 1, rate: 1}\n    listeners:", 1),
			[]want{{9, "publishers[1].name", `publisher name "pub" is already used by publishers[0].name (line 5)`}}},
		{"bad scenario name chars", strings.Replace(ok, "name: s", "name: Forced_Kill", 1),
			[]want{{2, "scenarios[0].name", `"Forced_Kill": must match [a-z0-9-]+`}}},
		{"bad group chars", strings.Replace(ok, "group: orders", "group: or.ders", 1),
			[]want{{10, "listeners[0].group", `group "or.ders": must match [a-zA-Z0-9_-]+`}}},
		{"durable with colon", ok + "        durable: \"orders:1\"\n",
			[]want{{12, "listeners[0].durable", `durable "orders:1": must match [a-zA-Z0-9_-]+ (the server's rule; ':' is not allowed`}}},
		{"channel with wildcard", strings.Replace(ok, "channel: a.b\n        count", "channel: a.*\n        count", 1),
			[]want{{6, "publishers[0].channel", `channel "a.*": must not contain the wildcards * or >`}}},
		{"channel with empty token", strings.Replace(ok, "group: orders\n        channel: a.b", "group: orders\n        channel: a.", 1),
			[]want{{11, "listeners[0].channel", "has an empty token"}}},
		{"channel with space", strings.Replace(ok, "group: orders\n        channel: a.b", "group: orders\n        channel: \"a b\"", 1),
			[]want{{11, "listeners[0].channel", "must not contain whitespace"}}},
		{"count 0", strings.Replace(ok, "count: 10", "count: 0", 1),
			[]want{{7, "publishers[0].count", "count 0: must be between 1 and 1000000"}}},
		{"rate negative", strings.Replace(ok, "rate: 10", "rate: -2.5", 1),
			[]want{{8, "publishers[0].rate", "rate -2.5: must be > 0 and <= 100000 messages per second"}}},
		{"keys > count", strings.Replace(ok, "rate: 10", "rate: 10\n        keys: 11", 1),
			[]want{{9, "publishers[0].keys", "keys 11: must be <= count 10"}}},
		{"store bogus", ok + "    server: {store: bogus}\n",
			[]want{{12, "server.store", `store "bogus": must be memory or file`}}},
		{"heartbeat limits", ok + "    server:\n      heartbeat: {interval: 5ms, timeout: 1s, fail_count: 0}\n",
			[]want{{13, "server.heartbeat.interval", "heartbeat interval 5ms: must be >= 10ms"}, {13, "server.heartbeat.fail_count", "fail_count 0: must be between 1 and 1000"}}},
		{"start bogus", ok + "        start: first\n",
			[]want{{12, "listeners[0].start", `start "first": must be all (DeliverAllAvailable) or new`}}},
		{"uniform min > max", ok + "        process_time: {uniform: [30ms, 5ms]}\n",
			[]want{{12, "listeners[0].process_time.uniform", "process_time uniform 30ms..5ms: min 30ms must be <= max 5ms"}}},
		{"uniform needs two values", ok + "        process_time: {uniform: [30ms]}\n",
			[]want{{12, "process_time.uniform", "must be a list [min, max] of two durations"}}},
		{"process_time unknown distribution", ok + "        process_time: {normal: 5ms}\n",
			[]want{{12, "process_time.normal", `unknown field "normal"`}}},
		{"process_time too long", ok + "        process_time: 2m\n",
			[]want{{12, "listeners[0].process_time", "process_time 2m: must be between 0 and 1m"}}},
		{"missing name", strings.Replace(ok, "  - name: s\n    duration", "  - duration", 1),
			[]want{{2, "scenarios[0].name", "name is required"}}},
		{"missing publishers", strings.Replace(ok, "    publishers:\n      - name: pub\n        channel: a.b\n        count: 10\n        rate: 10\n", "", 1),
			[]want{{2, "scenarios[0] (s).publishers", "at least one publisher is required"}}},
		{"empty listeners", strings.Replace(ok, "    listeners:\n      - group: orders\n        channel: a.b\n", "    listeners: []\n", 1),
			[]want{{9, "scenarios[0] (s).listeners", "at least one listener is required"}}},
		{"missing publisher fields", strings.Replace(ok, "      - name: pub\n        channel: a.b\n        count: 10\n        rate: 10\n", "      - name: pub\n", 1),
			[]want{{5, "publishers[0].channel", "channel is required"}, {5, "publishers[0].count", "count is required"}, {5, "publishers[0].rate", "rate is required"}}},
		{"tags not a list", ok + "    tags: slow\n",
			[]want{{12, "scenarios[0] (s).tags", `must be a list of strings, not the string "slow"`}}},
		{"tag not a string", ok + "    tags: [fast, [slow], {a: b}]\n",
			[]want{{12, "tags[1]", "must be a string, not a list"}, {12, "tags[2]", "must be a string, not a mapping"}}},
		{"seed not an integer", ok + "    seed: 1.5\n",
			[]want{{12, "scenarios[0] (s).seed", "must be a whole number, not the number 1.5"}}},
		{"seed out of range", ok + "    seed: 99999999999999999999\n",
			[]want{{12, "seed", "out of range for a 64-bit integer"}}},
		{"defaults error reported once at the defaults line", "defaults:\n  listeners:\n    - {group: g, channel: a.b, ack_wait: 1500ms}\n" + strings.Replace(ok, "    listeners:\n      - group: orders\n        channel: a.b\n", "", 1) + "  - name: t\n    duration: 1s\n    publishers: [{name: p, channel: a.b, count: 1, rate: 1}]\n",
			[]want{{3, "scenarios[0] (s).listeners[0].ack_wait", "whole number of seconds"}}},
		{"defaults not a mapping", "defaults: [1]\n" + ok,
			[]want{{1, "defaults", "must be a mapping of scenario fields, not a list"}}},
		{"no scenarios", "defaults: {seed: 1}\n",
			[]want{{1, "scenarios", "a scenarios list is required"}}},
		{"empty scenarios", "scenarios: []\n",
			[]want{{1, "scenarios", "must be a list of at least one scenario"}}},
		{"scenario not a mapping", "scenarios:\n  - forced-kill\n",
			[]want{{2, "scenarios[0]", `a scenario must be a mapping, not the string "forced-kill"`}}},
		{"not a mapping at all", "- a\n",
			[]want{{1, "", "the file must be a mapping with a scenarios list"}}},
		{"empty file", "",
			[]want{{0, "", "the file is empty"}}},
		{"syntax error", "scenarios:\n  - name: \"s\n",
			[]want{{2, "", "YAML syntax: found unexpected end of stream"}}},
		{"jetstream field on stan", ok + "        on_close: nak\n",
			[]want{{12, "listeners[0].on_close", "a JetStream consumer setting (broker: jetstream)"}}},
		{"ping on stan", strings.Replace(ok, "duration: 10s", "duration: 10s\n    server: {ping: {interval: 1s}}", 1),
			[]want{{4, "server.ping", "NATS Streaming uses server.heartbeat"}}},
		{"unknown broker", strings.Replace(ok, "duration: 10s", "duration: 10s\n    broker: kafka", 1),
			[]want{{4, "broker", `broker "kafka": must be stan (NATS Streaming) or jetstream`}}},
		{"heartbeat on jetstream", strings.Replace(ok, "duration: 10s", "duration: 10s\n    broker: jetstream\n    server: {heartbeat: {interval: 1s}}", 1),
			[]want{{5, "server.heartbeat", "JetStream has none: use server.ping"}}},
		{"jetstream consumer and backoff", strings.Replace(ok, "duration: 10s", "duration: 10s\n    broker: jetstream", 1) + "        consumer: fetch\n        backoff: [1s, 2s]\n        max_deliver: 2\n",
			[]want{{13, "listeners[0].consumer", `consumer "fetch": must be push (a deliver group) or pull`},
				{14, "listeners[0].backoff", "needs max_deliver > 2"}}},
		{"ack_wait beside a backoff", strings.Replace(ok, "duration: 10s", "duration: 10s\n    broker: jetstream", 1) + "        ack_wait: 5s\n        backoff: [500ms, 1s]\n        max_deliver: 3\n",
			[]want{{13, "listeners[0].ack_wait", "the server waits backoff's first step (500ms) for the first ack"}}},
		{"command on jetstream", strings.Replace(ok, "duration: 10s", "duration: 10s\n    broker: jetstream", 1) + "        mode: command\n        command: [node, l.js]\n",
			[]want{{13, "listeners[0].mode", "mode command runs NATS Streaming programs"}}},
		{"command without command", ok + "        mode: command\n",
			[]want{{10, "listeners[0].command", "mode command needs command: [program, args...]"}}},
		{"command with process_time", ok + "        mode: command\n        command: [node]\n        process_time: 5ms\n",
			[]want{{14, "listeners[0].process_time", "does not apply to mode command"}}},
		{"stansim env", ok + "        mode: command\n        command: [node]\n        env: {STANSIM_CHANNEL: x}\n",
			[]want{{14, "listeners[0].env.STANSIM_CHANNEL", "are stansim's settings for the program"}}},
		{"command fields without mode command", ok + "        command: [node]\n",
			[]want{{12, "listeners[0].command", "only for mode command (mode is in-process)"}}},
		{"two documents", ok + "---\nscenarios: []\n",
			[]want{{12, "", "only one YAML document is allowed"}}},
		{"alias cycle", "defaults: &d\n  description: *d\n" + ok,
			[]want{{2, "", "alias *d refers to a node that contains it"}}},
		{"many errors in one file", `defaults:
  server: {store: disk}
scenarios:
  - name: one
    duration: 1m
    publishers:
      - {name: p, channel: ">", count: 0, rate: 1}
    listeners:
      - {group: g, channel: x, members: 65, ack_wait: 1500ms}
  - name: two
    duration: 5s
    publishers:
      - {name: p, channel: x, count: 1, rate: 1, keys: 2}
    listeners:
      - {group: g, channel: x, start: old}
    faults:
      - {at: 6s, member: g-1, death: forced}
`,
			[]want{
				{2, "scenarios[0] (one).server.store", `store "disk"`},
				{7, "scenarios[0] (one).publishers[0].channel", "wildcards"},
				{7, "scenarios[0] (one).publishers[0].count", "count 0"},
				{9, "scenarios[0] (one).listeners[0].members", "members 65"},
				{9, "scenarios[0] (one).listeners[0].ack_wait", "whole number of seconds"},
				{13, "scenarios[1] (two).publishers[0].keys", "keys 2: must be <= count 1"},
				{15, "scenarios[1] (two).listeners[0].start", `start "old"`},
				{17, "scenarios[1] (two).faults[0].at", "at 6s: must be before the end of the run (duration 5s)"},
			}},
	}
	names := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if names[tc.name] {
				t.Fatalf("duplicate case name")
			}
			names[tc.name] = true
			f, err := Parse("bad.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error; parsed %d scenarios", len(f.Scenarios))
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, not Errors: %v", err, err)
			}
			if len(es) != len(tc.errs) {
				t.Fatalf("got %d errors, want %d:\n%v", len(es), len(tc.errs), es)
			}
			for i, w := range tc.errs {
				e := es[i]
				prefix := "bad.yaml: "
				if w.line > 0 {
					prefix = fmt.Sprintf("bad.yaml:%d: ", w.line)
				}
				if !strings.HasPrefix(e.Error(), prefix) || e.Line != w.line || e.File != "bad.yaml" {
					t.Errorf("error %d: %q does not start with %q", i, e.Error(), prefix)
				}
				if !strings.Contains(e.Field, w.field) {
					t.Errorf("error %d: field %q does not contain %q", i, e.Field, w.field)
				}
				if !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d: message %q does not contain %q", i, e.Msg, w.msg)
				}
			}
			if got, want := strings.Count(err.Error(), "\n")+1, len(tc.errs); got != want {
				t.Errorf("Error() has %d lines, want %d", got, want)
			}
		})
	}
}
