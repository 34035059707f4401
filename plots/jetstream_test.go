package plots

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
)

// Every chart draws from real JetStream histories; the delays chart states
// JetStream's liveness and draws no removal window (JetStream hands
// nothing over at a removal).
func TestJetStreamCharts(t *testing.T) {
	for _, name := range []string{"jetstream-forced", "jetstream-hang"} {
		a, err := analyze.ReadFile(filepath.Join("..", "sim", "analyze", "testdata", name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := Draw(a, dir, Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, info := range Registry {
			if _, err := os.Stat(filepath.Join(dir, info.Name+".svg")); err != nil {
				t.Errorf("%s: %s.svg not drawn: %v", name, info.Name, err)
			}
		}
		if bands := removalBands(a); len(bands) != 0 {
			t.Errorf("%s: %d removal bands on a JetStream delays chart", name, len(bands))
		}
		if s := heartbeatText(a); !strings.HasPrefix(s, "JetStream: no heartbeats; PINGs every 500 ms") {
			t.Errorf("%s: delays note %q", name, s)
		}
		// The server view counts the members' connections (one consumer
		// per group): both, until the dead one is dropped.
		if online, _, top := listedSteps(a, "orders", 10); top != 2 || online[len(online)-1].Y != 1 {
			t.Errorf("%s: listed members peak %d, last %v; want 2, then 1", name, top, online[len(online)-1].Y)
		}
		if _, legend := pendingPanel(a, 10); len(legend) != 1 || legend[0].Label != "pending: orders consumer (ack pending, whole group)" {
			t.Errorf("%s: pending legend %+v", name, legend)
		}
	}
}
