package run_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/stansim/stansim/sim/run"
)

// TestMain fails the package if any goroutine (actor, server, timer) is left
// running after the tests: every run must stop what it started. Started
// again as a process-mode member, the test binary is that member.
func TestMain(m *testing.M) {
	if run.IsChild() {
		os.Exit(run.ChildMain())
	}
	goleak.VerifyTestMain(m)
}
