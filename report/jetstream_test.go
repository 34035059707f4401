package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// The same report from a real JetStream history: it names the broker and
// its PING settings, explains how JetStream differs, predicts the removal
// by JetStream's rules, and never says heartbeats where there are none.
func TestJetStreamReport(t *testing.T) {
	src := filepath.Join("..", "sim", "analyze", "testdata", "jetstream-forced.jsonl")
	a, err := analyze.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hist, err := os.ReadFile(src)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, history.FileName), hist, 0o644))
	must(t, Scenario(dir, a))
	md := read(t, filepath.Join(dir, MDFile))
	for _, want := range []string{
		"| Broker | JetStream (nats-server) |",
		"| Ping interval (P) | 500ms |",
		"How JetStream differs from NATS Streaming here:",
		"(MaxAckPending, whole group)",
		"inside the predicted 0.00 s to 0.20 s (at once (the connection closed))",
		"Only the zombie window is predicted: the replay models NATS Streaming's queue-group rules",
		"AckWait (2s) ran out after the server had dropped orders-2 at 1.10 s, and #6 reached orders-1 at 3.00 s",
		"deliveries were redeliveries: a delivery count above 1 (JetStream has no redelivered flag).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, wrong := range []string{"Heartbeat interval", "F·I", "with I = ", "heartbeats failed", "while the server still listed", "flagged as redelivered"} {
		if strings.Contains(md, wrong) {
			t.Errorf("report.md of a JetStream run says %q", wrong)
		}
	}
	if !strings.Contains(read(t, filepath.Join(dir, HTMLFile)), "How JetStream differs from NATS Streaming here") {
		t.Error("report.html lacks the JetStream notes")
	}
}
