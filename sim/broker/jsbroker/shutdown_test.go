package jsbroker_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/death"
)

// TestShutdownReleasesEverything: after members died every way, a
// publisher and Shutdown, no goroutine is left, both ports are closed,
// server.log was written and closed, the memory store's temporary
// directory is gone and the file store stays in Dir/store.
func TestShutdownReleasesEverything(t *testing.T) {
	for _, store := range []string{"memory", "file"} {
		t.Run(store, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			dir := t.TempDir()
			b, err := jsbroker.Start(context.Background(), jsbroker.Config{Dir: dir, Store: store, PingInterval: ping, MaxPingsOut: maxOut})
			if err != nil {
				t.Fatal(err)
			}
			// The server keeps its streams in <store dir>/jetstream.
			url, monitor, storeDir := b.URL(), b.MonitorURL(), filepath.Dir(jsbroker.StoreDir(b))
			exercise(t, b)
			b.Shutdown()

			if c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "nats://"), time.Second); err == nil {
				c.Close()
				t.Errorf("client port %s still open", url)
			}
			if resp, err := (&http.Client{Timeout: time.Second}).Get(monitor + "/varz"); err == nil {
				resp.Body.Close()
				t.Errorf("monitoring port %s still open", monitor)
			}
			if fi, err := os.Stat(filepath.Join(dir, "server.log")); err != nil || fi.Size() == 0 {
				t.Errorf("server.log: %v, %v", fi, err)
			}
			_, err = os.Stat(storeDir)
			switch {
			case store == "memory" && !os.IsNotExist(err):
				t.Errorf("memory store's directory %s left behind (%v)", storeDir, err)
			case store == "file" && (err != nil || storeDir != filepath.Join(dir, "store")):
				t.Errorf("file store %s: %v, want it in %s", storeDir, err, dir)
			}
		})
	}
}

// exercise connects a publisher and five members, push and pull, and
// ends them every way a run does.
func exercise(t *testing.T, b *jsbroker.Broker) {
	t.Helper()
	push, pull := group(), group()
	pull.Group, pull.Pull = "pullers", true
	var ms []broker.Member
	for i, sub := range []broker.Sub{push, push, push, pull, pull} {
		m, err := b.Member(string(rune('a'+i)), sub, func(m broker.Msg) { _ = m.Ack() })
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	publish(t, b, push.Channel, "e", 20, 0)
	ms[0].Die(death.EffectClose)
	ms[1].Die(death.EffectDrop)
	ms[2].Die(death.EffectFreeze)
	ms[3].Die(death.EffectFreeze)
	ms[3].Thaw()
	ms[4].Die(death.EffectFreeze)
	publish(t, b, push.Channel, "f", 5, 0)
	for _, m := range ms {
		m.Release()
		m.Release() // once is enough; twice is safe
	}
}
