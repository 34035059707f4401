package report

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/scenario"
)

// livenessRows name the broker and the settings by which it notices a
// dead member: NATS Streaming's client heartbeats, JetStream's PINGs.
func livenessRows(st analyze.Settings) []kv {
	if st.JetStream {
		return []kv{
			{"Broker", "JetStream (nats-server)"},
			{"Ping interval (P)", st.Ping.Interval.String()},
			{"Pings allowed unanswered (max_out)", itoa(st.Ping.MaxOut)},
		}
	}
	hb := st.Heartbeat
	return []kv{
		{"Broker", "NATS Streaming"},
		{"Heartbeat interval", hb.Interval.String()},
		{"Heartbeat timeout", hb.Timeout.String()},
		{"Heartbeat fail count", itoa(hb.FailCount)},
	}
}

// brokerNotes explain what JetStream does differently from NATS
// Streaming, for the reader who knows the lesson on the latter.
func brokerNotes(st analyze.Settings) []string {
	if !st.JetStream {
		return nil
	}
	return []string{
		"JetStream has no client heartbeats. A member whose connection closes (SIGKILL, or Close()) is dropped by the server within milliseconds; one that is frozen (SIGSTOP) stays connected until the server's PINGs go unanswered: between max_out·P and (max_out+2)·P.",
		"The server does not hand a dead member's unacknowledged messages over when it drops it: each waits AckWait from its delivery (BackOff's first step, if set), unless a graceful death naks them first (on_close: nak), which moves them at once.",
		"Each queue group is one durable consumer shared by its members. max_inflight is the consumer's MaxAckPending, shared by the whole group: one hung member holding it stalls the others.",
		"JetStream has no redelivered flag; a delivery counts as redelivered when its delivery count is above 1.",
	}
}

// jetStreamRow fills a group's row with its JetStream consumer settings.
func jetStreamRow(row *groupRow, name string, g analyze.GroupSettings) {
	consumer := g.Durable
	if consumer == "" {
		consumer = name
	}
	parts := []string{g.Consumer}
	if g.OnClose == scenario.OnCloseNak {
		parts = append(parts, "on_close nak")
	}
	if g.MaxDeliver > 0 {
		parts = append(parts, fmt.Sprintf("max_deliver %d", g.MaxDeliver))
	}
	if len(g.BackOff) > 0 {
		steps := make([]string, len(g.BackOff))
		for i, b := range g.BackOff {
			steps[i] = b.String()
		}
		parts = append(parts, "backoff "+strings.Join(steps, ", "))
	}
	row.Durable = fmt.Sprintf("consumer %s (%s)", consumer, strings.Join(parts, ", "))
	row.MaxInflight += " (MaxAckPending, whole group)"
}

// redeliveredWords completes "N of M deliveries were ...": how a delivery
// counts as redelivered on the run's broker (NATS Streaming flags it;
// JetStream has only a delivery count).
func redeliveredWords(a *analyze.Analysis) string {
	if a.Settings.JetStream {
		return "redeliveries: a delivery count above 1 (JetStream has no redelivered flag)"
	}
	return "flagged as redelivered by the server"
}
