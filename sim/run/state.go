package run

import (
	"sync"

	"github.com/stansim/stansim/sim/scenario"
)

// groupState is one queue group's per-key state, shared by its members: the
// version each key had applied last (the service's database). A member
// offers it each message it has processed; the group's policy decides
// whether it is applied (and acked) or skipped.
type groupState struct {
	policy  string
	mu      sync.Mutex
	applied map[string]int
}

func newGroupState(policy string) *groupState {
	return &groupState{policy: policy, applied: map[string]int{}}
}

// offer decides, under the group's lock, whether ver of key is applied:
// always under the naive policy; under version-check only when it is the
// key's next version. have is the key's last applied version before the
// offer. When applied, commit runs under the same lock (the ack and the
// done line), so members of one group apply in one order.
func (g *groupState) offer(key string, ver int, commit func()) (applied bool, have int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	have = g.applied[key]
	if g.policy == scenario.PolicyVersionCheck && ver != have+1 {
		return false, have
	}
	g.applied[key] = ver
	commit()
	return true, have
}
