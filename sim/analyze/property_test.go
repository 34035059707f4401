package analyze

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

// synth writes a random history: several keys and groups, random done
// orders (with ties), failed and missing publish acks, duplicates within a
// group, lost messages. Lines are shuffled a little, as concurrent actors
// append them, so readers must sort.
func synth(rng *rand.Rand, nMsgs, nKeys, nGroups int, reverseKey bool) []byte {
	var evs []history.Event
	add := func(e history.Event) { evs = append(evs, e) }
	add(history.Event{T: 0, Ev: history.KindRunStart, Format: history.FormatVersion, Scenario: "synth"})
	const ms = int64(1e6)
	// A coarse grid of done times makes ties between ids likely.
	grid := int64(1 + rng.IntN(3))
	vers := make([]int, nKeys)
	seq := uint64(0)
	for i := range nMsgs {
		k := i % nKeys
		vers[k]++
		id := fmt.Sprintf("p-%d", i+1)
		key := fmt.Sprintf("p-k%d", k+1)
		pubT := int64(i+1) * ms
		seq++
		add(history.Event{T: pubT, Ev: history.KindPublish, Pub: "p", Channel: "c", ID: id, Key: key, Ver: vers[k]})
		switch r := rng.IntN(20); {
		case r < 2:
			add(history.Event{T: pubT + ms/2, Ev: history.KindPublishAck, ID: id, Err: "nats: timeout"})
		case r < 3: // no ack: the run ended first
		default:
			add(history.Event{T: pubT + ms/2, Ev: history.KindPublishAck, ID: id})
		}
		for g := range nGroups {
			group := fmt.Sprintf("g%d", g+1)
			if rng.IntN(10) == 0 {
				continue // lost to this group
			}
			member := fmt.Sprintf("%s-%d", group, 1+rng.IntN(2))
			delT := pubT + ms/4
			add(history.Event{T: delT, Ev: history.KindDeliver, Member: member, Group: group, Seq: seq, ID: id, Key: key, Ver: vers[k], Redelivered: history.Bool(false), Redeliveries: history.Int(0)})
			var doneT int64
			if reverseKey && k == 0 {
				doneT = int64(nMsgs-i) * ms * 10 // the key done in reverse
			} else {
				doneT = delT + (int64(rng.IntN(40))/grid*grid)*ms
			}
			// Some dones land exactly on another id's time.
			doneT = max(delT, doneT/ms*ms)
			if rng.IntN(8) != 0 { // else the done is missing: only a later copy counts
				add(history.Event{T: doneT, Ev: history.KindDone, Member: member, Group: group, Seq: seq, ID: id, Key: key, Ver: vers[k], Redeliveries: history.Int(0)})
			}
			if rng.IntN(6) == 0 { // redelivered copy, done again (or first)
				red := pubT + int64(10+rng.IntN(40))*ms
				other := fmt.Sprintf("%s-%d", group, 1+rng.IntN(2))
				add(history.Event{T: red, Ev: history.KindDeliver, Member: other, Group: group, Seq: seq, ID: id, Key: key, Ver: vers[k], Redelivered: history.Bool(true), Redeliveries: history.Int(1)})
				add(history.Event{T: red + int64(rng.IntN(5))*ms, Ev: history.KindDone, Member: other, Group: group, Seq: seq, ID: id, Key: key, Ver: vers[k], Redeliveries: history.Int(1)})
			}
		}
	}
	var end int64
	for _, e := range evs {
		end = max(end, e.T)
	}
	add(history.Event{T: end + ms, Ev: history.KindRunEnd, Reason: history.ReasonDone})
	// Sort by t, then let neighbours swap: lines reach the file roughly,
	// not exactly, in time order.
	sortStable(evs)
	for i := 1; i+1 < len(evs); i++ {
		if rng.IntN(4) == 0 {
			evs[i], evs[i+1] = evs[i+1], evs[i]
		}
	}
	var b bytes.Buffer
	for i := range evs {
		j, err := evs[i].Marshal()
		if err != nil {
			panic(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func sortStable(evs []history.Event) {
	for i := 1; i < len(evs); i++ { // insertion sort: stable, no reflection
		for j := i; j > 0 && evs[j].T < evs[j-1].T; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// TestOutOfOrderBruteForce compares Analyze with an O(n²) recount over many
// random histories.
func TestOutOfOrderBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	total, capped, wrong, wideHistories := 0, 0, 0, 0
	for iter := range 400 {
		nMsgs, nKeys, nGroups, reverse := rng.IntN(60), 1+rng.IntN(5), 1+rng.IntN(3), false
		if iter%50 == 49 { // big enough to pass the MaxPairs cap
			nMsgs, nKeys, nGroups, reverse = 200, 2, 2, true
		}
		b := synth(rng, nMsgs, nKeys, nGroups, reverse)
		if iter%8 == 3 { // versions either side of 2^31: some past what a doneEntry holds
			b = verPattern.ReplaceAllFunc(b, func(v []byte) []byte {
				n, _ := strconv.Atoi(string(v[len(`"ver":`):]))
				return fmt.Appendf(nil, `"ver":%d`, n+math.MaxInt32-3)
			})
			wideHistories++
		}
		l, err := history.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		a := Analyze(l)
		rc := bruteForce(decodeLines(t, b))
		// Counted a few keys at a time, the analysis says the same.
		batched := newBuilder()
		batched.a.doneBatch = 1 + rng.IntN(40)
		for i := range l.Events {
			batched.add(&l.Events[i])
		}
		if g, w := describe(t, batched.finish(l)), describe(t, a); g != w {
			t.Fatalf("counted in batches of %d, the analysis says\n%s\nat once\n%s", batched.a.doneBatch, g, w)
		}
		t.Run(fmt.Sprintf("%d-%dmsgs-%dkeys-%dgroups", iter, nMsgs, nKeys, nGroups), func(t *testing.T) {
			checkRecount(t, a, rc)
			checkInvariants(t, a)
		})
		total += rc.ooo.Inversions
		for _, f := range rc.final {
			wrong += f[1]
		}
		if rc.ooo.Inversions > MaxPairs {
			capped++
		}
	}
	// The generator must exercise what it claims to.
	if total == 0 || capped == 0 || wrong == 0 || wideHistories == 0 {
		t.Errorf("weak generator: %d inversions in all, %d histories over the cap, %d wrong final keys, %d with wide versions",
			total, capped, wrong, wideHistories)
	}
}

// verPattern finds a history line's version.
var verPattern = regexp.MustCompile(`"ver":[0-9]+`)

// TestPercentileNearestRank: the rank is ceil(p·n/100), exactly, for every
// n and whole p (p/100·n in floating point gets some of them wrong).
func TestPercentileNearestRank(t *testing.T) {
	for n := 1; n <= 400; n++ {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(i + 1) // value = rank
		}
		for p := 1; p <= 100; p++ {
			want := float64((p*n + 99) / 100)
			if got := Percentile(s, float64(p)); got != want {
				t.Fatalf("n=%d p=%d: got the %gth value, want the %gth", n, p, got, want)
			}
		}
	}
	if got := Percentile([]float64{1, 2, 3}, 0); got != 1 {
		t.Errorf("p0 = %g, want the first value", got)
	}
	if got := Percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("empty: %g, want NaN", got)
	}
	q := NewQuantiles([]float64{100, 10, 90, 20, 80, 30, 70, 40, 60, 50})
	if q.Count != 10 || *q.P50 != 50 || *q.P90 != 90 || *q.P99 != 100 || *q.Max != 100 {
		t.Errorf("10 values: %d %g %g %g %g, want 10 50 90 100 100", q.Count, *q.P50, *q.P90, *q.P99, *q.Max)
	}
	if q := NewQuantiles(nil); q.Count != 0 || q.P50 != nil || q.Max != nil {
		t.Errorf("no values: %+v", q)
	}
}
