package analyze

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

// This file recounts a history by brute force, straight from its JSON lines
// and independently of Analyze (only encoding/json and O(n²) loops), for the
// property test and the real fixtures.

// rawLine is the part of a history line the recount needs.
type rawLine struct {
	T       int64  `json:"t"`
	Ev      string `json:"ev"`
	ID      string `json:"id"`
	Key     string `json:"key"`
	Ver     int    `json:"ver"`
	Err     string `json:"err"`
	Member  string `json:"member"`
	Group   string `json:"group"`
	Redel   *bool  `json:"redelivered"`
	Channel string `json:"channel"`
	file    int    // line number, the tie breaker for equal t
}

// recount is what the brute force derives.
type recount struct {
	published, delivered, redelivered, processed, duplicates, lost int
	ooo                                                            OutOfOrder
	// first[group][id] is the first done of id in group.
	first map[string]map[string]rawLine
	// pubIdx is each published id's place in publish order.
	pubIdx map[string]int
	ver    map[string]int
	key    map[string]string
	groups map[string]*groupRecount
	final  map[string][2]int // group -> {keys, wrong keys}
}

// groupRecount is one group's recounted figures.
type groupRecount struct{ published, processed, duplicates, lost int }

// finalRecount recounts each group's final state: per key, the version of
// its last done line (time, then file order) against the highest version
// published with an ack.
func finalRecount(lines []rawLine, readers map[string]map[string]bool, acked map[string]bool, pubs []rawLine) map[string][2]int {
	out := map[string][2]int{} // group -> {keys, wrong keys}
	earlier := func(a, b rawLine) bool { return a.T < b.T || a.T == b.T && a.file < b.file }
	for c, groups := range readers {
		last := map[string]int{}
		for _, p := range pubs {
			if acked[p.ID] && p.Channel == c {
				last[p.Key] = max(last[p.Key], p.Ver)
			}
		}
		for g := range groups {
			latest := map[string]rawLine{}
			for _, l := range lines {
				if l.Ev != history.KindDone || l.Group != g || !acked[l.ID] {
					continue
				}
				if cur, ok := latest[l.Key]; !ok || earlier(cur, l) {
					latest[l.Key] = l
				}
			}
			r := out[g]
			for k, v := range last {
				r[0]++
				if latest[k].Ver != v {
					r[1]++
				}
			}
			out[g] = r
		}
	}
	return out
}

func decodeLines(t testing.TB, b []byte) []rawLine {
	t.Helper()
	var out []rawLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		ln := bytes.TrimSpace(sc.Bytes())
		if len(ln) == 0 {
			continue
		}
		var r rawLine
		if err := json.Unmarshal(ln, &r); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		r.file = n
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// bruteForce recounts the summary's counts and out-of-order numbers.
func bruteForce(lines []rawLine) recount {
	// earlier: time order, file order on equal t (what readers do).
	earlier := func(a, b rawLine) bool { return a.T < b.T || a.T == b.T && a.file < b.file }
	rc := recount{first: map[string]map[string]rawLine{}, pubIdx: map[string]int{}, ver: map[string]int{}, key: map[string]string{}}
	var pubs []rawLine
	acked := map[string]bool{}
	ackSeen := map[string]rawLine{}
	for _, l := range lines {
		switch l.Ev {
		case history.KindPublish:
			if _, dup := rc.ver[l.ID]; !dup {
				pubs = append(pubs, l)
				rc.ver[l.ID], rc.key[l.ID] = l.Ver, l.Key
			}
		case history.KindPublishAck:
			if prev, ok := ackSeen[l.ID]; !ok || earlier(l, prev) {
				ackSeen[l.ID] = l
				acked[l.ID] = l.Err == ""
			}
		case history.KindDeliver:
			rc.delivered++
			if l.Redel != nil && *l.Redel {
				rc.redelivered++
			}
		}
	}
	// Publish order by selection: the earliest remaining publish each time.
	for i := range pubs {
		for j := i + 1; j < len(pubs); j++ {
			if earlier(pubs[j], pubs[i]) {
				pubs[i], pubs[j] = pubs[j], pubs[i]
			}
		}
		rc.pubIdx[pubs[i].ID] = i
	}
	doneCount := map[string]map[string]int{} // group -> id -> dones
	for _, l := range lines {
		if l.Ev != history.KindDone || !acked[l.ID] {
			continue
		}
		if rc.first[l.Group] == nil {
			rc.first[l.Group] = map[string]rawLine{}
			doneCount[l.Group] = map[string]int{}
		}
		doneCount[l.Group][l.ID]++
		if f, ok := rc.first[l.Group][l.ID]; !ok || earlier(l, f) {
			rc.first[l.Group][l.ID] = l
		}
	}
	// The groups that read a channel: those seen handling its messages.
	chanOf := map[string]string{}
	for _, p := range pubs {
		chanOf[p.ID] = p.Channel
	}
	readers := map[string]map[string]bool{}
	for _, l := range lines {
		if (l.Ev == history.KindDeliver || l.Ev == history.KindDone) && l.Group != "" {
			c := chanOf[l.ID]
			if readers[c] == nil {
				readers[c] = map[string]bool{}
			}
			readers[c][l.Group] = true
		}
	}
	rc.groups = map[string]*groupRecount{}
	rc.final = finalRecount(lines, readers, acked, pubs)
	for _, p := range pubs {
		if !acked[p.ID] {
			continue
		}
		rc.published++
		all := len(readers[p.Channel]) > 0
		for g := range readers[p.Channel] {
			gr := rc.groups[g]
			if gr == nil {
				gr = &groupRecount{}
				rc.groups[g] = gr
			}
			gr.published++
			switch n := doneCount[g][p.ID]; {
			case n == 0:
				gr.lost++
				all = false
			case n > 1:
				gr.processed++
				gr.duplicates++
				rc.duplicates++
			default:
				gr.processed++
			}
		}
		if all {
			rc.processed++
		} else {
			rc.lost++
		}
	}
	// Out of order, pair by pair, per group and key.
	for g, firsts := range rc.first {
		byKey := map[string][]string{}
		for id := range firsts {
			byKey[rc.key[id]] = append(byKey[rc.key[id]], id)
		}
		for _, ids := range byKey {
			n := 0
			for _, x := range ids {
				for _, y := range ids {
					if rc.before(g, x, y) && rc.ver[x] > rc.ver[y] {
						n++
					}
				}
			}
			if n > 0 {
				rc.ooo.Inversions += n
				rc.ooo.KeysAffected++
			}
			// Displacement: done rank (how many were done before) against
			// version rank (how many have a lower version).
			for _, x := range ids {
				doneRank, verRank := 0, 0
				for _, y := range ids {
					if rc.before(g, y, x) {
						doneRank++
					}
					if rc.ver[y] < rc.ver[x] {
						verRank++
					}
				}
				rc.ooo.MaxDisplacement = max(rc.ooo.MaxDisplacement, abs(doneRank-verRank))
			}
		}
	}
	return rc
}

// before: x's first done in group g precedes y's; equal times go by publish
// order (the documented tie rule).
func (rc recount) before(g, x, y string) bool {
	tx, ty := rc.first[g][x].T, rc.first[g][y].T
	return tx < ty || tx == ty && rc.pubIdx[x] < rc.pubIdx[y]
}

// checkRecount compares an analysis with the brute-force recount.
func checkRecount(t *testing.T, a *Analysis, rc recount) {
	t.Helper()
	s := a.Summary
	got := []int{s.Published, s.Delivered, s.Redelivered, s.Processed, s.Duplicates, s.Lost}
	want := []int{rc.published, rc.delivered, rc.redelivered, rc.processed, rc.duplicates, rc.lost}
	names := []string{"published", "delivered", "redelivered", "processed", "duplicates", "lost"}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %d, brute force %d", names[i], got[i], want[i])
		}
	}
	if s.Processed+s.Lost != s.Published {
		t.Errorf("processed %d + lost %d != published %d", s.Processed, s.Lost, s.Published)
	}
	for g, gr := range rc.groups {
		gs := s.Groups[g]
		if gs == nil {
			t.Errorf("group %s missing from the summary", g)
			continue
		}
		if got := (groupRecount{gs.Published, gs.Processed, gs.Duplicates, gs.Lost}); got != *gr {
			t.Errorf("group %s: %+v, brute force %+v", g, got, *gr)
		}
		if gs.Processed+gs.Lost != gs.Published {
			t.Errorf("group %s: processed %d + lost %d != published %d", g, gs.Processed, gs.Lost, gs.Published)
		}
		if got, want := [2]int{gs.FinalState.Keys, gs.FinalState.WrongKeys}, rc.final[g]; got != want {
			t.Errorf("group %s final state {keys, wrong} = %v, brute force %v", g, got, want)
		}
	}
	if s.OutOfOrder != rc.ooo {
		t.Errorf("out_of_order = %+v, brute force %+v", s.OutOfOrder, rc.ooo)
	}
	if want := min(rc.ooo.Inversions, MaxPairs); len(a.Inversions) != want {
		t.Errorf("%d pairs listed, want min(%d, %d) = %d", len(a.Inversions), rc.ooo.Inversions, MaxPairs, want)
	}
	type pair struct{ g, early, late string }
	seen := map[pair]bool{}
	for _, p := range a.Inversions {
		k := pair{p.Group, p.Early.ID, p.Late.ID}
		if seen[k] {
			t.Errorf("pair %v listed twice", k)
		}
		seen[k] = true
		fe, okE := rc.first[p.Group][p.Early.ID]
		fl, okL := rc.first[p.Group][p.Late.ID]
		switch {
		case !okE || !okL:
			t.Errorf("pair %v: not both done in %s", k, p.Group)
		case p.Early.Key != p.Key || p.Late.Key != p.Key || rc.key[p.Early.ID] != p.Key || rc.key[p.Late.ID] != p.Key:
			t.Errorf("pair %v: keys %s/%s, pair key %s", k, p.Early.Key, p.Late.Key, p.Key)
		case p.EarlyT != fe.T || p.LateT != fl.T:
			t.Errorf("pair %v: times %d/%d, first dones %d/%d", k, p.EarlyT, p.LateT, fe.T, fl.T)
		case !rc.before(p.Group, p.Early.ID, p.Late.ID) || p.Early.Ver <= p.Late.Ver:
			t.Errorf("pair %v (v%d at %d, v%d at %d) is not inverted", k, p.Early.Ver, p.EarlyT, p.Late.Ver, p.LateT)
		}
	}
}

// TestRealFixturesBruteForce recounts the histories recorded from real runs.
func TestRealFixturesBruteForce(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			b := readFile(t, path)
			if i := bytes.LastIndexByte(b, '\n'); i >= 0 && i < len(b)-1 {
				b = b[:i+1] // the truncated last line of a killed run
			}
			l, err := history.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := decodeLines(t, b)
			checkRecount(t, Analyze(l), bruteForce(lines))
			// The recount must not be vacuous on the real runs.
			if name == "forced-kill-ackwait" {
				if rc := bruteForce(lines); rc.ooo.Inversions == 0 || rc.published != 100 {
					t.Errorf("expected reordering in %s: %+v", name, rc.ooo)
				}
			}
		})
	}
}
