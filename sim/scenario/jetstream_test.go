package scenario

import (
	"strings"
	"testing"
	"time"
)

// One file's defaults serve scenarios on both brokers: each takes the
// server settings of its own broker from them, and a JetStream scenario
// reads back from its resolved form with the same settings.
func TestDefaultsAcrossBrokers(t *testing.T) {
	f, err := Parse("mixed.yaml", []byte(`defaults:
  duration: 5s
  server: {heartbeat: {interval: 1s}, ping: {interval: 2s, max_out: 3}}
  publishers: [{name: p, channel: c, count: 1, rate: 1}]
  listeners: [{group: g, channel: c, ack_wait: 1500ms}]
scenarios:
  - name: on-stan
    listeners: [{group: g, channel: c}]
  - name: on-jetstream
    broker: jetstream
`))
	if err != nil {
		t.Fatal(err)
	}
	stan, js := f.Scenarios[0], f.Scenarios[1]
	if stan.JetStream() || stan.Server.Heartbeat.Interval != time.Second {
		t.Errorf("stan scenario: broker %q, heartbeat %v", stan.Broker, stan.Server.Heartbeat)
	}
	if !js.JetStream() || js.Server.Ping != (Ping{Interval: 2 * time.Second, MaxOut: 3}) || js.Listeners[0].AckWait != 1500*time.Millisecond {
		t.Errorf("jetstream scenario: %+v, ack_wait %v", js.Server, js.Listeners[0].AckWait)
	}
	res, err := js.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res), "heartbeat") || !strings.Contains(string(res), "broker: jetstream") {
		t.Errorf("resolved JetStream scenario:\n%s", res)
	}
	back, err := ParseScenario("resolved", res)
	if err != nil || back.Server.Ping != js.Server.Ping || back.Listeners[0].Consumer != ConsumerPush {
		t.Errorf("resolved scenario read back as %+v (%v)", back, err)
	}
}

// With a backoff the server's first wait is its first step: the scenario's
// AckWait becomes it, so every output names the wait the server used.
func TestBackOffIsTheAckWait(t *testing.T) {
	sc, err := ParseScenario("b.yaml", []byte(`name: b
duration: 5s
broker: jetstream
publishers: [{name: p, channel: c, count: 1, rate: 1}]
listeners: [{group: g, channel: c, backoff: [500ms, 1s], max_deliver: 3}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if l := sc.Listeners[0]; l.AckWait != 500*time.Millisecond || len(l.BackOff) != 2 {
		t.Errorf("ack_wait %v, backoff %v: want 500ms from the backoff", l.AckWait, l.BackOff)
	}
}
