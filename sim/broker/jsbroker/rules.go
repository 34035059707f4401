package jsbroker

import (
	"fmt"
	"strings"
	"time"
)

// This file holds the listener rules only JetStream has; the scenario
// validator asks them (ARCHITECTURE.md, "The broker seam"). Each returns
// what is wrong, or "".

// MaxAckWait is the longest AckWait (and BackOff step) stansim accepts.
const MaxAckWait = time.Hour

// MinAckWait is the shortest: the server takes any positive duration, but
// below a millisecond every delivery would expire before its ack crossed
// the loopback.
const MinAckWait = time.Millisecond

// maxNameLen is the server's limit on stream and consumer names
// (JSMaxNameLen).
const maxNameLen = 255

// AckWaitProblem says what is wrong with an AckWait for JetStream, or "".
// Unlike NATS Streaming it need not be whole seconds (the server keeps
// nanoseconds).
func AckWaitProblem(w time.Duration) string {
	switch {
	case w < MinAckWait:
		return fmt.Sprintf("must be >= %v (0 would be the server's default of 30s)", MinAckWait)
	case w > MaxAckWait:
		return fmt.Sprintf("must be <= %v", MaxAckWait)
	}
	return ""
}

// DurableProblem says what is wrong with a durable (consumer) name, or "":
// the server refuses empty names, whitespace, '.', '*', '>', path
// separators, and more than 255 characters.
func DurableProblem(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case strings.ContainsAny(name, badNameChars):
		return `must not contain whitespace, '.', '*', '>', '/' or '\' (the server's rule for consumer names)`
	case len(name) > maxNameLen:
		return fmt.Sprintf("must be at most %d characters (the server's limit)", maxNameLen)
	}
	return ""
}

// BackOffProblem says what is wrong with a BackOff list given MaxDeliver
// (0 = unlimited), or "". It mirrors nats-server's check: a BackOff needs
// MaxDeliver > len(BackOff), so unlimited deliveries are refused; each
// step must be a sane AckWait. The server then uses BackOff[0] as the
// AckWait, whatever AckWait says.
func BackOffProblem(backoff []time.Duration, maxDeliver int) string {
	if len(backoff) == 0 {
		return ""
	}
	if maxDeliver <= len(backoff) {
		return fmt.Sprintf("needs max_deliver > %d, the number of backoff steps (the server refuses a backoff with max_deliver %s)",
			len(backoff), maxDeliverWords(maxDeliver))
	}
	for i, d := range backoff {
		if p := AckWaitProblem(d); p != "" {
			return fmt.Sprintf("step %d (%v) %s", i+1, d, p)
		}
	}
	return ""
}

// MaxDeliverProblem says what is wrong with MaxDeliver, or "".
func MaxDeliverProblem(n int) string {
	if n < 0 {
		return "must be >= 0 (0 = unlimited)"
	}
	return ""
}

// MaxAckPendingProblem says what is wrong with MaxAckPending, or "".
func MaxAckPendingProblem(n int) string {
	if n < 0 {
		return "must be >= 0 (0 = max_inflight)"
	}
	return ""
}

func maxDeliverWords(n int) string {
	if n <= 0 {
		return "unlimited"
	}
	return fmt.Sprint(n)
}
