package jsbroker_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stansim/stansim/sim/broker/jsbroker"
)

// TestStartRefuses: an unknown store and a cancelled context stop Start
// before any server runs.
func TestStartRefuses(t *testing.T) {
	if _, err := jsbroker.Start(context.Background(), jsbroker.Config{Dir: t.TempDir(), Store: "disk"}); err == nil {
		t.Error("Start accepted store \"disk\"")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := jsbroker.Start(ctx, jsbroker.Config{Dir: t.TempDir()}); err == nil {
		t.Error("Start ran with a cancelled context")
	}
}

// TestFileStoreStartsEmpty: a file store left by an earlier run is
// removed, so that it cannot replay old messages.
func TestFileStoreStartsEmpty(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "store", "leftover")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := jsbroker.Start(context.Background(), jsbroker.Config{Dir: dir, Store: "file", NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old store content still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "server.log")); !os.IsNotExist(err) {
		t.Errorf("NoLog wrote server.log: %v", err)
	}
}

// TestTwoBrokersAtOnce: each run owns its server, ports and files.
func TestTwoBrokersAtOnce(t *testing.T) {
	b1, b2 := start(t, "file"), start(t, "file")
	if b1.URL() == b2.URL() || b1.MonitorURL() == b2.MonitorURL() {
		t.Errorf("two brokers share %s / %s", b1.URL(), b1.MonitorURL())
	}
	publish(t, b1, "orders.eu", "one", 3, 0)
	cs, err := b2.Consumers(context.Background())
	if err != nil || len(cs) != 0 {
		t.Errorf("second broker lists %+v, %v", cs, err)
	}
}
