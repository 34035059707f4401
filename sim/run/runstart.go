package run

import (
	"runtime"
	"runtime/debug"

	"github.com/stansim/stansim/sim/history"
)

// Tool is the tool's name in run_start.
const Tool = "stansim"

func (e *engine) runStart(resolved []byte) history.Event {
	seed := e.sc.Seed
	return history.Event{
		Ev: history.KindRunStart, Format: history.FormatVersion,
		Versions: e.versions(), Scenario: e.sc.Name, Seed: &seed,
		Written: e.sc.Written, Resolved: string(resolved),
		SampleInterval: int64(e.sc.SampleInterval),
	}
}

// versions lists the tool's and Go's versions, the broker's name and its
// libraries' versions.
func (e *engine) versions() map[string]string {
	v := e.b.Versions()
	v["go"], v[Tool] = runtime.Version(), "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v[Tool] = bi.Main.Version
	}
	return v
}
