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
	}
}
