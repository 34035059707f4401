package run_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine (actor, server, timer) is left
// running after the tests: every run must stop what it started.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
