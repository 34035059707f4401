package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/stan.go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Two servers at once get their own ports; the monitoring snapshot lists a
// connected client and its queue subscription; the file store and the log
// live in the run's folder.
func TestServersAreIndependentAndMonitored(t *testing.T) {
	for _, store := range []string{"memory", "file"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := Config{Dir: dir, Store: store, HBInterval: time.Second, HBTimeout: time.Second, HBFailCount: 2}
			a, err := Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Shutdown()
			b, err := Start(context.Background(), Config{Dir: t.TempDir(), Store: store, HBInterval: time.Second, HBTimeout: time.Second, HBFailCount: 2, NoLog: true})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Shutdown()
			if a.URL() == b.URL() || a.MonitorURL() == b.MonitorURL() {
				t.Fatalf("servers share an address: %s %s / %s %s", a.URL(), a.MonitorURL(), b.URL(), b.MonitorURL())
			}
			sc, err := stan.Connect(ClusterID, "watcher-1", stan.NatsURL(a.URL()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sc.QueueSubscribe("ch", "grp", func(*stan.Msg) {}, stan.DurableName("d")); err != nil {
				t.Fatal(err)
			}
			v, err := a.Snapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !v.Lists("watcher-1") || len(v.Subs) != 1 || v.Subs[0].Group != "grp" || !v.Subs[0].Durable {
				t.Errorf("snapshot %+v: want watcher-1 with durable queue sub grp", v)
			}
			if w, _ := b.Snapshot(context.Background()); w.Lists("watcher-1") {
				t.Error("the second server lists the first one's client")
			}
			if err := sc.Close(); err != nil {
				t.Fatal(err)
			}
			if v, _ := a.Snapshot(context.Background()); v.Lists("watcher-1") {
				t.Error("client still listed after Close")
			}
			if _, err := os.Stat(filepath.Join(dir, "server.log")); err != nil {
				t.Error(err)
			}
			if _, err := os.Stat(filepath.Join(dir, "store")); (err == nil) != (store == "file") {
				t.Errorf("store folder: %v, want one only for the file store", err)
			}
		})
	}
}
