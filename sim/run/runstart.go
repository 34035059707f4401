package run

import (
	"runtime"
	"runtime/debug"

	"github.com/stansim/stansim/sim/history"
)

// Tool is the tool's name in run_start.
const Tool = "stansim"

// libraries whose versions run_start records.
var libraries = []string{
	"github.com/nats-io/nats-streaming-server",
	"github.com/nats-io/stan.go",
	"github.com/nats-io/nats-server/v2",
	"github.com/nats-io/nats.go",
}

func (e *engine) runStart(resolved []byte) history.Event {
	seed := e.sc.Seed
	return history.Event{
		Ev: history.KindRunStart, Format: history.FormatVersion,
		Versions: versions(), Scenario: e.sc.Name, Seed: &seed,
		Written: e.sc.Written, Resolved: string(resolved),
		SampleInterval: int64(e.sc.SampleInterval),
	}
}

// versions lists the tool's, Go's and the NATS libraries' versions.
func versions() map[string]string {
	v := map[string]string{"go": runtime.Version(), Tool: "(devel)"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v[Tool] = bi.Main.Version
	}
	for _, d := range bi.Deps {
		for _, lib := range libraries {
			if d.Path == lib {
				v[lib] = d.Version
			}
		}
	}
	return v
}
