package stanbroker

import (
	"fmt"
	"regexp"
	"time"
)

// This file holds the listener rules only NATS Streaming has; the scenario
// validator asks them (ARCHITECTURE.md, "The broker seam").

// MaxAckWait is the longest AckWait stansim accepts.
const MaxAckWait = time.Hour

// idRe is the server's rule for client ids and durable names.
var idRe = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// AckWaitProblem says what is wrong with an AckWait for NATS Streaming, or
// "": the protocol counts whole seconds and the server rejects less than 1s.
func AckWaitProblem(w time.Duration) string {
	switch {
	case w < time.Second:
		return fmt.Sprintf("must be >= 1s and a whole number of seconds (the server rejects less than 1s; stan.go would send %ds)", int64(w/time.Second))
	case w%time.Second != 0:
		return fmt.Sprintf("must be a whole number of seconds (the protocol counts whole seconds; stan.go would silently truncate it to %v)", w.Truncate(time.Second))
	case w > MaxAckWait:
		return fmt.Sprintf("must be <= %v", MaxAckWait)
	}
	return ""
}

// DurableProblem says what is wrong with a durable name, or "".
func DurableProblem(name string) string {
	if !idRe.MatchString(name) {
		return "must match [a-zA-Z0-9_-]+ (the server's rule; ':' is not allowed in a durable queue group's name)"
	}
	return ""
}
