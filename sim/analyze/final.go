package analyze

import "sort"

// MaxWrongKeys caps the wrong keys final_state lists.
const MaxWrongKeys = 20

// FinalState is what each group's per-key state (the service's database)
// holds at the end: a key is wrong when the version its group applied last
// differs from the last version published (summary.json's final_state).
type FinalState struct {
	Keys      int        `json:"keys"`
	WrongKeys int        `json:"wrong_keys"`
	Wrong     []WrongKey `json:"wrong"` // capped at MaxWrongKeys
}

// WrongKey is one key whose group ended on another version than the last
// one published.
type WrongKey struct {
	Group      string `json:"group"`
	Key        string `json:"key"`
	AppliedVer int    `json:"applied_ver"` // 0: nothing applied
	LastVer    int    `json:"last_ver"`
}

// finalState computes group g's final state: per key of its channel with a
// published message, the version of the group's last done (a done is
// "applied and acked") against the last version published.
func (a *Analysis) finalState(g, channel string) FinalState {
	last := map[string]int{}
	applied := map[string]int{}
	type at struct {
		t    int64
		line int
	}
	appliedAt := map[string]at{} // a copy: All reuses a plain message's done
	for m := range a.All() {
		if !m.Acked || m.Channel != channel {
			continue
		}
		last[m.Key] = max(last[m.Key], m.Ver)
		for i := range m.Dones {
			// The later done wins; at one instant, the later history line.
			d := &m.Dones[i]
			if prev, ok := appliedAt[m.Key]; d.Group == g && (!ok || d.T > prev.t || d.T == prev.t && d.Line > prev.line) {
				applied[m.Key], appliedAt[m.Key] = m.Ver, at{d.T, d.Line}
			}
		}
	}
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fs := FinalState{Keys: len(keys), Wrong: []WrongKey{}}
	for _, k := range keys {
		if applied[k] != last[k] {
			fs.WrongKeys++
			if len(fs.Wrong) < MaxWrongKeys {
				fs.Wrong = append(fs.Wrong, WrongKey{Group: g, Key: k, AppliedVer: applied[k], LastVer: last[k]})
			}
		}
	}
	return fs
}

// add merges a group's final state into the top level's.
func (fs *FinalState) add(g FinalState) {
	fs.Keys += g.Keys
	fs.WrongKeys += g.WrongKeys
	for _, w := range g.Wrong {
		if len(fs.Wrong) < MaxWrongKeys {
			fs.Wrong = append(fs.Wrong, w)
		}
	}
}
