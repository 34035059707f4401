package run_test

import (
	"fmt"
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
	code := m.Run()
	removeBuilt()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
