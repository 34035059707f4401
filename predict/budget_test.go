package predict

import (
	"reflect"
	"strings"
	"testing"
)

// Within its budget ResolvedWithin is Resolved; over it, the deaths keep
// the settings' figures (the full replay's zombie window and first failed
// heartbeat, at the same member and time) and say why the rest is missing.
func TestResolvedWithin(t *testing.T) {
	text := shape("{interval: 250ms, timeout: 200ms, fail_count: 3}", "ack_wait: 30s, max_inflight: 8, process_time: 80ms",
		"{at: 1500ms, member: g-1, death: forced, restart_after: 500ms}, {at: 2s, member: g-2, death: hang, resume_after: 1s}, {at: 3s, member: g-1, death: graceful}")
	work := Work(scenarioOf(t, text))
	full, _ := Resolved(text)
	if got, _ := ResolvedWithin(text, work); !reflect.DeepEqual(got, full) {
		t.Errorf("within budget:\n%+v\nwant\n%+v", got, full)
	}
	got, ok := ResolvedWithin(text, work-1)
	if !ok || len(got.Deaths) != len(full.Deaths) || len(full.Deaths) != 3 {
		t.Fatalf("over budget: %d deaths, the full replay %d (want 3)", len(got.Deaths), len(full.Deaths))
	}
	for i, d := range got.Deaths {
		f := full.Deaths[i]
		if d.Member != f.Member || d.AtMs != f.AtMs || d.ZombieMs != f.ZombieMs || d.ZombieRule != f.ZombieRule ||
			!reflect.DeepEqual(d.FailedHeartbeatMs, f.FailedHeartbeatMs) {
			t.Errorf("death %d: %+v, the full replay's %+v", i, d, f)
		}
		if !strings.Contains(d.NotModelled, "too large to replay") || d.HandOff != HandOffUnknown || d.HandOffMs != nil {
			t.Errorf("death %d says %q, hand-off %q %v", i, d.NotModelled, d.HandOff, d.HandOffMs)
		}
	}
	if !got.InversionsUnknown || len(got.Groups) != 1 || got.Groups[0].NotModelled == "" {
		t.Errorf("groups %+v, inversions unknown %v", got.Groups, got.InversionsUnknown)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1500000: "1,500,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
