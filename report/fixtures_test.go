package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// The histories in testdata/ are written by the generators below, in exactly
// the format history.Event marshals. Rewrite them with
//
//	go test ./report/ -run TestFixtures -regen
var regen = flag.Bool("regen", false, "rewrite testdata/*.jsonl from the generators")

const ms = int64(time.Millisecond)

// tale builds a synthetic history.
type tale struct {
	evs  []history.Event
	tail string // an incomplete last line, as a killed run leaves
}

func (s *tale) add(t int64, e history.Event) {
	e.T = t
	s.evs = append(s.evs, e)
}

func (s *tale) bytes(t *testing.T) []byte {
	sort.SliceStable(s.evs, func(i, j int) bool { return s.evs[i].T < s.evs[j].T })
	var b bytes.Buffer
	for i := range s.evs {
		line, err := s.evs[i].Marshal()
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteString(s.tail)
	return b.Bytes()
}

func seed(n int64) *int64 { return &n }

func (s *tale) start(name, written, resolved string) {
	s.add(0, history.Event{Ev: history.KindRunStart, Format: history.FormatVersion,
		Versions: map[string]string{"stansim": "test", "nats-streaming-server": "v0.25.6", "stan.go": "v0.10.4"},
		Scenario: name, Seed: seed(1), Written: written, Resolved: resolved, SampleInterval: 50 * ms})
}

// publish records publish and publish_ack of message n (1-based) of pub,
// with keys assigned round-robin, and returns its id, key and version.
func (s *tale) publish(t int64, n, keys int) (id, key string, ver int) {
	id = "pub-" + itoa(n)
	key = "pub-k" + itoa((n-1)%keys+1)
	ver = (n-1)/keys + 1
	s.add(t, history.Event{Ev: history.KindPublish, Pub: "pub", Channel: "ticket.updated", Key: key, Ver: ver, ID: id})
	s.add(t+ms, history.Event{Ev: history.KindPublishAck, ID: id})
	return id, key, ver
}

func (s *tale) deliver(t int64, member string, n, keys int, redeliveries int) {
	s.add(t, history.Event{Ev: history.KindDeliver, Member: member, Group: "orders", Seq: uint64(n),
		ID: "pub-" + itoa(n), Key: "pub-k" + itoa((n-1)%keys+1), Ver: (n-1)/keys + 1,
		Redelivered: history.Bool(redeliveries > 0), Redeliveries: history.Int(redeliveries)})
}

func (s *tale) done(t int64, member string, n, keys int, redeliveries int) {
	s.add(t, history.Event{Ev: history.KindDone, Member: member, Seq: uint64(n),
		ID: "pub-" + itoa(n), Key: "pub-k" + itoa((n-1)%keys+1), Ver: (n-1)/keys + 1,
		Redeliveries: history.Int(redeliveries)})
}

func (s *tale) up(t int64, member, client string) {
	s.add(t, history.Event{Ev: history.KindMemberUp, Member: member, Group: "orders", Client: client})
}

// views samples the server every 50 ms from 0 to end; listed says which
// clients it lists at t, pending how many unacked messages a client has.
func (s *tale) views(end int64, listed func(t int64) []string, pending func(client string, t int64) (int, uint64)) {
	for t := int64(0); t <= end; t += 50 * ms {
		cl := listed(t)
		var subs []history.Sub
		for _, c := range cl {
			p, last := pending(c, t)
			subs = append(subs, history.Sub{Channel: "ticket.updated", Group: "orders", Client: c, Pending: p, LastSent: last})
		}
		s.add(t, history.Event{Ev: history.KindServerView, Clients: cl, Subs: subs})
	}
}

// sent is one delivery the server made, seen or not, for pending counts.
type sent struct {
	client    string
	seq       uint64
	at, acked int64
}

func pendingOf(log []sent) func(string, int64) (int, uint64) {
	return func(c string, t int64) (int, uint64) {
		p, last := 0, uint64(0)
		for _, s := range log {
			if s.client == c && s.at <= t {
				last = max(last, s.seq)
				if s.acked < 0 || s.acked > t {
					p++
				}
			}
		}
		return p, last
	}
}

const forcedKillWritten = `name: forced-kill
description: orders-1 is killed without closing; its unacked messages wait for the server to notice.
seed: 1
duration: 20s
server:
  heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}
publishers:
  - {name: pub, channel: ticket.updated, count: 40, rate: 20, keys: 4}
listeners:
  - group: orders
    channel: ticket.updated
    members: 2
    ack_wait: 2s
    process_time: {uniform: [20ms, 80ms]}
faults:
  - {at: 1.21s, member: orders-1, death: forced}
`

const forcedKillResolved = `name: forced-kill
description: orders-1 is killed without closing; its unacked messages wait for the server to notice.
seed: 1
duration: 20s
server:
  store: memory
  heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}
publishers:
  - {name: pub, channel: ticket.updated, count: 40, rate: 20, keys: 4}
listeners:
  - {group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, max_inflight: 0, process_time: {uniform: [20ms, 80ms]}, start: all}
faults:
  - {at: 1.21s, member: orders-1, death: forced}
`

// forcedKill: orders-1 is killed at 1.21 s holding #25; the server still
// lists it until 1.95 s and sends it #27 meanwhile; both reach orders-2 at
// 2.05 s, after newer versions of their keys were done.
func forcedKill() *tale {
	const keys = 4
	s := &tale{}
	s.start("forced-kill", forcedKillWritten, forcedKillResolved)
	c1, c2 := "forced-kill-orders-1-1", "forced-kill-orders-2-1"
	s.up(0, "orders-1", c1)
	s.up(0, "orders-2", c2)
	var log []sent
	for n := 1; n <= 40; n++ {
		t := int64(n-1) * 50 * ms
		s.publish(t, n, keys)
		member, client, work := "orders-2", c2, 20*ms
		if n == 26 {
			work = 80 * ms // busy when #27 comes, so the tie goes to orders-1
		}
		if (n%2 == 1 && t < 1210*ms) || n == 27 {
			member, client = "orders-1", c1
		}
		switch {
		case n == 25: // received just before the kill, never done
			s.deliver(t+2*ms, member, n, keys, 0)
			log = append(log, sent{client, uint64(n), t + 2*ms, -1})
		case n == 27: // sent to the dead member: nothing recorded
			log = append(log, sent{client, uint64(n), t + 2*ms, -1})
		default:
			s.deliver(t+2*ms, member, n, keys, 0)
			s.done(t+2*ms+work, member, n, keys, 0)
			log = append(log, sent{client, uint64(n), t + 2*ms, t + 2*ms + work})
		}
	}
	s.add(1210*ms, history.Event{Ev: history.KindFault, Member: "orders-1", Death: death.Forced, Client: c1})
	s.add(1210*ms, history.Event{Ev: history.KindMemberDown, Member: "orders-1", Client: c1, Death: death.Forced})
	// Removal at 1.95 s hands #25 and #27 to orders-2 about 100 ms later.
	s.deliver(2050*ms, "orders-2", 25, keys, 1)
	s.done(2070*ms, "orders-2", 25, keys, 1)
	s.deliver(2051*ms, "orders-2", 27, keys, 1)
	s.done(2091*ms, "orders-2", 27, keys, 1)
	log = append(log, sent{c2, 25, 2050 * ms, 2070 * ms}, sent{c2, 27, 2051 * ms, 2091 * ms})
	s.views(2100*ms, func(t int64) []string {
		if t < 1950*ms {
			return []string{c1, c2}
		}
		return []string{c2}
	}, pendingOf(log))
	s.add(2150*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

const cleanWritten = `name: clean
description: "Two members, no faults. <script>alert(1)</script> | pipes & *stars*"
seed: 1
publishers:
  - {name: pub, channel: ticket.updated, count: 20, rate: 20, keys: 4}
listeners:
  - {group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, process_time: 15ms}
`

// clean: two members share 20 messages; nothing goes wrong.
func clean() *tale {
	const keys = 4
	s := &tale{}
	s.start("clean", cleanWritten, cleanWritten)
	c1, c2 := "clean-orders-1-1", "clean-orders-2-1"
	s.up(0, "orders-1", c1)
	s.up(0, "orders-2", c2)
	var log []sent
	for n := 1; n <= 20; n++ {
		t := int64(n-1) * 50 * ms
		s.publish(t, n, keys)
		member, client := "orders-2", c2
		if n%2 == 1 {
			member, client = "orders-1", c1
		}
		s.deliver(t+2*ms, member, n, keys, 0)
		s.done(t+17*ms, member, n, keys, 0)
		log = append(log, sent{client, uint64(n), t + 2*ms, t + 17*ms})
	}
	s.views(1000*ms, func(int64) []string { return []string{c1, c2} }, pendingOf(log))
	s.add(1000*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

const interruptedWritten = `name: interrupted
description: Stopped with Ctrl-C after 0.6 s.
seed: 1
publishers:
  - {name: pub, channel: ticket.updated, count: 100, rate: 20, keys: 4}
listeners:
  - {group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, process_time: 20ms}
`

// interrupted: the run is cut off at 0.6 s with #12 in processing and #13
// not yet delivered; no run_end, and half a line at the end.
func interrupted() *tale {
	const keys = 4
	s := &tale{}
	s.start("interrupted", interruptedWritten, interruptedWritten)
	c1, c2 := "interrupted-orders-1-1", "interrupted-orders-2-1"
	s.up(0, "orders-1", c1)
	s.up(0, "orders-2", c2)
	var log []sent
	for n := 1; n <= 13; n++ {
		t := int64(n-1) * 50 * ms
		s.publish(t, n, keys)
		if n == 13 {
			break
		}
		member, client := "orders-2", c2
		if n%2 == 1 {
			member, client = "orders-1", c1
		}
		s.deliver(t+2*ms, member, n, keys, 0)
		if n == 12 {
			log = append(log, sent{client, uint64(n), t + 2*ms, -1})
			continue
		}
		s.done(t+22*ms, member, n, keys, 0)
		log = append(log, sent{client, uint64(n), t + 2*ms, t + 22*ms})
	}
	s.views(600*ms, func(int64) []string { return []string{c1, c2} }, pendingOf(log))
	s.tail = `{"t":605000000,"ev":"deliver","member":"orders-1","gro`
	return s
}

const slowWritten = `name: slow-member
description: orders-1 takes 1.5 s per message with a 1 s AckWait.
seed: 1
publishers:
  - {name: pub, channel: ticket.updated, count: 6, rate: 10, keys: 2}
listeners:
  - {group: orders, channel: ticket.updated, members: 2, ack_wait: 1s, process_time: 20ms}
`

// slowMember: orders-1 needs 1.5 s for #1; AckWait (1 s) hands #1 to
// orders-2, which finishes it first; then orders-1 finishes it too.
func slowMember() *tale {
	const keys = 2
	s := &tale{}
	s.start("slow-member", slowWritten, slowWritten)
	c1, c2 := "slow-member-orders-1-1", "slow-member-orders-2-1"
	s.up(0, "orders-1", c1)
	s.up(0, "orders-2", c2)
	var log []sent
	for n := 1; n <= 6; n++ {
		t := int64(n-1) * 100 * ms
		s.publish(t, n, keys)
		if n == 1 {
			s.deliver(t+2*ms, "orders-1", n, keys, 0)
			s.done(1502*ms, "orders-1", n, keys, 0)
			log = append(log, sent{c1, 1, 2 * ms, 1502 * ms})
			continue
		}
		s.deliver(t+2*ms, "orders-2", n, keys, 0)
		s.done(t+22*ms, "orders-2", n, keys, 0)
		log = append(log, sent{c2, uint64(n), t + 2*ms, t + 22*ms})
	}
	s.deliver(1000*ms, "orders-2", 1, keys, 1)
	s.done(1020*ms, "orders-2", 1, keys, 1)
	log = append(log, sent{c2, 1, 1000 * ms, 1020 * ms})
	s.views(1500*ms, func(int64) []string { return []string{c1, c2} }, pendingOf(log))
	s.add(1550*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

var fixtures = map[string]func() *tale{
	"forced-kill": forcedKill,
	"clean":       clean,
	"interrupted": interrupted,
	"slow-member": slowMember,
}

// TestFixtures checks testdata/*.jsonl against their generators (and
// rewrites them with -regen).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"forced-kill", "clean", "interrupted", "slow-member"} {
		want := fixtures[name]().bytes(t)
		path := filepath.Join("testdata", name+".jsonl")
		if *regen {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -regen to write it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its generator; run with -regen", path)
		}
	}
}

// load analyses testdata/<name>.jsonl.
func load(t *testing.T, name string) *analyze.Analysis {
	t.Helper()
	l, err := history.ReadFile(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return analyze.Analyze(l)
}

// withSettings analyses the forced-kill history again as if its run_start
// carried settings this version reads (its resolved scenario sets
// max_inflight 0, which the parser rejects): the analysis then derives the
// predictions itself.
func withSettings(a *analyze.Analysis) *analyze.Analysis {
	start := *a.Log.Start
	start.Resolved = strings.Replace(start.Resolved, "max_inflight: 0, ", "", 1)
	l := *a.Log
	l.Start = &start
	return analyze.Analyze(&l)
}
