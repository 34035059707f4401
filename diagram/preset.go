package diagram

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/scenario"
)

// Preset is one built-in course diagram: one or two small scenarios run
// against the real server and drawn side by side on one canvas.
type Preset struct {
	Name  string // names the output files: <Name>.svg, .png, .pdf, .mmd
	Title string // the figure's title
	// About is a one-line description for the preset list.
	About  string
	Panels []Panel
}

// Panel is one scenario of a preset, drawn as one sequence diagram.
type Panel struct {
	Name  string // the run folder's name: <runs>/<preset>/<Name>/
	Title string // the panel's heading
	// Scenario is a single scenario mapping (scenario.ParseScenario). Its
	// seed is replaced by Options.Seed when that is set.
	Scenario string
	// Example is a folder of the stansim repository the scenario's
	// command members run in (examples/node-listener): found from the
	// working folder upward, it is the scenario's folder.
	Example string

	scenario *scenario.Scenario // a given scenario (FromScenario), used instead of Scenario
}

// Presets lists the built-in diagrams in display order.
var Presets = []Preset{
	{
		Name:  "graceful-vs-forced",
		Title: "Graceful Close() vs forced kill: when does the server let go?",
		About: "two panels: a member calls Close() / a member is killed without Close()",
		Panels: []Panel{
			{Name: "graceful", Title: "graceful: orders-2 calls Close()", Scenario: scenarioGraceful},
			{Name: "forced", Title: "forced: orders-2 is killed (no Close())", Scenario: scenarioForced},
		},
	},
	{
		Name:  "ackwait-redelivery",
		Title: "A killed listener's messages come back after AckWait",
		About: "forced kill with slow heartbeats: messages are redelivered when AckWait expires",
		Panels: []Panel{
			{Name: "ackwait", Title: "forced kill, heartbeats 5s x 3, AckWait 2s", Scenario: scenarioAckWait},
		},
	},
	{
		Name:  "out-of-order",
		Title: "One key, one killed listener: versions are processed out of order",
		About: "one key, forced kill: an old version is done after newer ones",
		Panels: []Panel{
			{Name: "reorder", Title: "one key, orders-2 killed", Scenario: scenarioOutOfOrder},
		},
	},
	{
		Name:  "forced-vs-hang",
		Title: "Forced kill vs hang: how long does the server keep a silent member?",
		About: "two panels: a member is killed without Close() / a member freezes (SIGSTOP), same heartbeats",
		Panels: []Panel{
			{Name: "forced", Title: "forced: orders-2 is killed (no Close())", Scenario: scenarioForcedVsHang("forced", "is killed at 1.1 s without Close() (SIGKILL)")},
			{Name: "hang", Title: "hang: orders-2 freezes (connected, silent)", Scenario: scenarioForcedVsHang("hang", "freezes at 1.1 s (SIGSTOP), connected but answering nothing")},
		},
	},
	{
		Name:  "version-check",
		Title: "A forced kill without and with a version check: which version does the database keep?",
		About: "two panels: the same forced kill on one key, a naive listener / a version check (skip, AckWait redelivery, final state)",
		Panels: []Panel{
			{Name: "naive", Title: "naive: every delivery is applied", Scenario: scenarioVersionCheck("naive", scenario.PolicyNaive, "applies every delivery")},
			{Name: "checked", Title: "version check: only the next version is applied", Scenario: scenarioVersionCheck("checked", scenario.PolicyVersionCheck,
				"applies a version only when it is the next of its key, otherwise it does not ack it and it comes back after AckWait")},
		},
	},
	{
		Name:  "sigterm-handler",
		Title: "SIGTERM with and without the handler that calls Close(): real processes, real signals",
		About: "two panels, members as child processes: the lesson's listener after its fix (SIGTERM handler calls Close()) / before it (no handler: SIGTERM ends it without Close())",
		Panels: []Panel{
			{Name: "fixed", Title: "with the handler: SIGTERM -> Close()", Scenario: scenarioSigterm("fixed", true, "gets SIGTERM at 1.1 s; its handler calls Close()")},
			{Name: "before-fix", Title: "without it: SIGTERM ends the process", Scenario: scenarioSigterm("before-fix", false, "gets SIGTERM at 1.1 s and has no handler: the process ends without Close()")},
		},
	},
	{
		Name:  "stan-vs-jetstream",
		Title: "The same forced kill on NATS Streaming and on JetStream: who lets go, and when does the message move?",
		About: "two panels, one scenario: NATS Streaming (heartbeats, hand-off at the removal) / JetStream (dropped at once, the held message waits AckWait)",
		Panels: []Panel{
			{Name: "stan", Title: "NATS Streaming: listed until heartbeats fail", Scenario: scenarioBrokers("stan", death.Forced, "is killed at 1.1 s without Close() (SIGKILL)")},
			{Name: "jetstream", Title: "JetStream: dropped at once, message waits AckWait", Scenario: scenarioBrokers("jetstream", death.Forced, "is killed at 1.1 s without Close() (SIGKILL)")},
		},
	},
	{
		Name:  "stan-vs-jetstream-hang",
		Title: "The same hung member (SIGSTOP) on NATS Streaming and on JetStream",
		About: "two panels, one scenario: a frozen member on NATS Streaming (heartbeats time out) / on JetStream (the server's PINGs go unanswered; it is still sent messages)",
		Panels: []Panel{
			{Name: "stan", Title: "NATS Streaming: heartbeats time out", Scenario: scenarioBrokers("stan", death.Hang, "freezes at 1.1 s (SIGSTOP), connected but answering nothing")},
			{Name: "jetstream", Title: "JetStream: PINGs go unanswered", Scenario: scenarioBrokers("jetstream", death.Hang, "freezes at 1.1 s (SIGSTOP), connected but answering nothing")},
		},
	},
	{
		Name:  "node-sigterm-handler",
		Title: "The lesson's Node listener: SIGTERM with and without its signal handlers",
		About: "two panels, the lesson's own program (examples/node-listener, node-nats-streaming) as members: after its fix / before it (needs node and npm ci there)",
		Panels: []Panel{
			{Name: "fixed", Title: "listener.js: SIGTERM -> stan.close()", Example: nodeExample, Scenario: scenarioNode("fixed", true, "gets SIGTERM at 1.1 s; its handler calls stan.close()")},
			{Name: "before-fix", Title: "listener.js --no-signal-handlers: SIGTERM ends it", Example: nodeExample, Scenario: scenarioNode("before-fix", false, "gets SIGTERM at 1.1 s with no handler: Node exits without close()")},
		},
	},
}

// scenarioBrokers is one panel of stan-vs-jetstream(-hang): the same
// members, messages and AckWait (2 s) on either broker, with liveness
// settings of the same order (heartbeats 500ms, 500ms, 2 failures; PINGs
// every 500ms, 2 unanswered allowed).
func scenarioBrokers(broker string, kind death.Kind, how string) string {
	// Messages go on coming after the death, so that a hung member is
	// sent some while it is listed.
	count, rate, process := 10, 5, "250ms, 450ms"
	if kind == death.Hang {
		count = 12
	}
	server := "{heartbeat: {interval: 500ms, timeout: 500ms, fail_count: 2}}"
	settings := "heartbeats 500ms, 500ms, 2 failures"
	if broker == scenario.BrokerJetStream {
		server = "{ping: {interval: 500ms, max_out: 2}}"
		settings = "JetStream, PINGs every 500ms, 2 unanswered allowed"
	}
	return fmt.Sprintf(`name: %s
description: "orders-2 %s; %s; AckWait 2s"
seed: 1
broker: %s
duration: 8s
sample_interval: 20ms
server: %s
publishers: [{name: tickets, channel: ticket.updated, count: %d, rate: %d, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, process_time: {uniform: [%s]}}]
faults: [{at: 1100ms, member: orders-2, death: %s}]
`, broker, how, settings, broker, server, count, rate, process, kind)
}

// nodeExample is the repository's Node listener.
const nodeExample = "examples/node-listener"

// scenarioNode is one panel of node-sigterm-handler: the sigterm-handler
// run with the lesson's Node program as the members.
func scenarioNode(name string, handlers bool, how string) string {
	command := "[node, listener.js]"
	if !handlers {
		command = "[node, listener.js, --no-signal-handlers]"
	}
	return fmt.Sprintf(`name: %s
description: "orders-2 (listener.js) %s; heartbeats 250ms, 250ms, 2 failures"
seed: 1
duration: 8s
sample_interval: 20ms
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 12, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, max_inflight: 1, mode: command, command: %s, close_on_signal: %v, env: {PROCESS_MS: "350"}}]
faults: [{at: 1100ms, member: orders-2, death: graceful}]
`, name, how, command, handlers)
}

// scenarioSigterm is one panel of sigterm-handler: the same process-mode
// run but for whether the member's SIGTERM handler calls Close().
func scenarioSigterm(name string, closeOnSignal bool, how string) string {
	return fmt.Sprintf(`name: %s
description: "orders-2 (a child process) %s; heartbeats 250ms, 250ms, 2 failures"
seed: 1
duration: 6s
sample_interval: 20ms
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 12, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: {uniform: [250ms, 450ms]}, mode: process, close_on_signal: %v}]
faults: [{at: 1100ms, member: orders-2, death: graceful}]
`, name, how, closeOnSignal)
}

// Lookup returns the preset with the given name.
func Lookup(name string) (Preset, error) {
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown preset %q (presets: %s)", name, strings.Join(PresetNames(), ", "))
}

// PresetNames lists the preset names in order.
func PresetNames() []string {
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return names
}

// The built-in scenarios. Small on purpose: one publisher at 5 msg/s, ten
// messages on one key, two members whose processing takes a few hundred ms
// so that a message is in flight when one of them dies. A uniform
// processing time makes --seed change the run.
const (
	scenarioGraceful = `name: graceful
description: orders-2 calls Close() at 1.1 s (a SIGTERM handler)
seed: 1
duration: 8s
sample_interval: 20ms
server: {heartbeat: {interval: 500ms, timeout: 500ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 10, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: {uniform: [250ms, 450ms]}}]
faults: [{at: 1100ms, member: orders-2, death: graceful}]
`
	scenarioForced = `name: forced
description: orders-2 is killed at 1.1 s without Close() (SIGKILL); heartbeats 500ms, 500ms, 2 failures
seed: 1
duration: 8s
sample_interval: 20ms
server: {heartbeat: {interval: 500ms, timeout: 500ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 10, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: {uniform: [250ms, 450ms]}}]
faults: [{at: 1100ms, member: orders-2, death: forced}]
`
	scenarioAckWait = `name: ackwait
description: orders-2 is killed at 1.1 s; heartbeats 5s, 5s, 3 failures keep it listed for the whole run, so AckWait (2s) decides
seed: 1
duration: 4500ms
sample_interval: 50ms
server: {heartbeat: {interval: 5s, timeout: 5s, fail_count: 3}}
publishers: [{name: tickets, channel: ticket.updated, count: 10, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, process_time: {uniform: [150ms, 250ms]}}]
faults: [{at: 1100ms, member: orders-2, death: forced}]
`
	scenarioOutOfOrder = `name: reorder
description: one key; orders-2 is killed at 0.7 s; heartbeats 250ms, 250ms, 2 failures
seed: 1
duration: 8s
sample_interval: 20ms
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 8, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: {uniform: [200ms, 300ms]}}]
faults: [{at: 700ms, member: orders-2, death: forced}]
`
)

// scenarioForcedVsHang is one panel of forced-vs-hang: the same run but for
// how orders-2 dies at 1.1 s. Each missed heartbeat takes I (250 ms) after
// a kill and I+T (500 ms) after a freeze, so with F = 2 the server lists
// the killed member 0.5-0.75 s and the frozen one 1-1.5 s.
func scenarioForcedVsHang(kind, how string) string {
	return `name: ` + kind + `
description: orders-2 ` + how + `; heartbeats 250ms, 250ms, 2 failures
seed: 1
duration: 6s
sample_interval: 20ms
server: {heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 12, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 30s, process_time: {uniform: [250ms, 450ms]}}]
faults: [{at: 1100ms, member: orders-2, death: ` + kind + `}]
`
}

// scenarioVersionCheck is one panel of version-check: the same run but for
// the listener's policy. Each member takes one message at a time
// (max_inflight 1) and needs about 390 ms of the 400 ms between two of its
// messages, so orders-2 holds v6 when it is killed at 1.3 s. Heartbeats of
// 1 s (2 misses) keep it listed 2-3 s, so v6 comes back after its AckWait
// (2 s), after v7 and v8: the naive group ends on v6; the checked one skips
// v7 until v6 is applied.
func scenarioVersionCheck(name, policy, how string) string {
	return `name: ` + name + `
description: one key; orders-2 is killed at 1.3 s without Close(); the listener ` + how + `
seed: 1
duration: 8s
sample_interval: 20ms
server: {heartbeat: {interval: 1s, timeout: 1s, fail_count: 2}}
publishers: [{name: tickets, channel: ticket.updated, count: 8, rate: 5, keys: 1}]
listeners: [{group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, max_inflight: 1, process_time: {uniform: [370ms, 400ms]}, policy: ` + policy + `}]
faults: [{at: 1300ms, member: orders-2, death: forced}]
`
}
