package simtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NodeExample is the repository's Node listener, relative to the
// repository root.
const NodeExample = "examples/node-listener"

// NeedNode skips the test where Node.js or the Node example's modules
// (npm ci in examples/node-listener, under root) are missing, except under
// CI, where .ci/run installs them and the test must run.
func NeedNode(t testing.TB, root string) {
	t.Helper()
	why := ""
	if _, err := exec.LookPath("node"); err != nil {
		why = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(root, NodeExample, "node_modules", "node-nats-streaming")); err != nil {
		why = "the Node example's modules are missing: run npm ci in " + NodeExample
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; under CI, .ci/run installs nodejs and npm and runs npm ci", why)
	}
	t.Skipf("%s (required under CI)", why)
}
