//go:build unix

package run_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
	"github.com/stansim/stansim/sim/simtest"
)

// nodeExample is the lesson's Node listener, run by its own scenario file.
var nodeExample = filepath.Join("../..", simtest.NodeExample)

// The lesson's own Node program (node-nats-streaming) as a queue-group
// member, beside stansim's stan.go members in the same run: with its
// signal handlers, a SIGTERM leaves no zombie subscription; without them,
// and after SIGKILL, the server keeps it for a window inside [F·I,
// (F+1)·I], in Node as in Go.
func TestNodeListener(t *testing.T) {
	simtest.NeedNode(t, "../..")
	f, err := scenario.Load(filepath.Join(nodeExample, "scenarios.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	zombie := map[string]bool{"node-sigterm-with-handlers": false, "node-sigterm-without-handlers": true, "node-sigkill": true}
	for _, sc := range f.Scenarios {
		want, ok := zombie[sc.Name]
		if !ok {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			sample := sc.SampleInterval
			a := simtest.RunContext(t, context.Background(), &sc)
			if a.Summary.Reason != history.ReasonDone || a.Summary.Lost != 0 || a.Summary.ProgramProblems != 0 {
				t.Fatalf("reason %s, lost %d, program problems %+v: want done, 0, none", a.Summary.Reason, a.Summary.Lost, a.Problems)
			}
			if len(a.Deaths) != 2 {
				t.Fatalf("%d deaths, want node-1 and stango-1", len(a.Deaths))
			}
			for _, d := range a.Deaths {
				checkZombie(t, d, sample, want)
			}
		})
	}
}
