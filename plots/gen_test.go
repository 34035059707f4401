package plots

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// story describes a synthetic run: one publisher, one queue group, an
// optional death, simulated with the server's rules that matter for the
// charts (fewest-unacked member selection, zombies kept until removal,
// handoff ~100 ms after removal or close, per-member serial processing).
type story struct {
	Name      string
	Messages  int
	Rate      float64 // messages per second
	Keys      int
	Members   int
	Process   time.Duration // per message, ±25% jitter
	AckWait   time.Duration
	Heartbeat analyze.Heartbeat
	Sample    time.Duration // server_view interval; 0 = none

	Death   death.Kind    // "" = none
	DeathAt time.Duration // of member 1
	Removal time.Duration // a death without Close(): the server drops the client this long after it
	Restart time.Duration // 0 = no restart; else after the death
	StopAt  time.Duration // > 0: the run is interrupted here (no run_end)
}

func (s story) resolvedYAML() string {
	return fmt.Sprintf(`name: %s
seed: 1
duration: 20s
server:
  store: memory
  heartbeat: {interval: %s, timeout: %s, fail_count: %d}
publishers:
  - {name: pub, channel: ticket.updated, count: %d, rate: %g, keys: %d}
listeners:
  - {group: orders, channel: ticket.updated, members: %d, ack_wait: %s, process_time: %s, start: all}
`, s.Name, s.Heartbeat.Interval, s.Heartbeat.Timeout, s.Heartbeat.FailCount, s.Messages, s.Rate, s.Keys, s.Members, s.AckWait, s.Process)
}

type simMember struct {
	name, client string
	up           bool    // connected and recording
	listed       bool    // the server lists it
	acks         []int64 // ack times of unacked messages, increasing (FIFO)
	held         []int   // zombie: message indexes it holds
	busyUntil    int64
	lastSent     uint64
	generation   int
}

func (m *simMember) unacked(t int64) int {
	for len(m.acks) > 0 && m.acks[0] <= t {
		m.acks = m.acks[1:]
	}
	return len(m.acks) + len(m.held)
}

// events simulates the story and returns its history lines (unsorted).
func (s story) events() []history.Event {
	rng := rand.New(rand.NewPCG(1, 2))
	ev := make([]history.Event, 0, s.Messages*4+s.Messages/50+4096)
	add := func(e history.Event) { ev = append(ev, e) }
	add(history.Event{T: 0, Ev: history.KindRunStart, Format: history.FormatVersion, Scenario: s.Name,
		Seed: func() *int64 { v := int64(1); return &v }(), Versions: map[string]string{"stansim": "test", "nats-streaming-server": "v0.25.6"},
		Written: s.resolvedYAML(), Resolved: s.resolvedYAML(), SampleInterval: int64(s.Sample)})
	ms := make([]*simMember, s.Members)
	for i := range ms {
		ms[i] = &simMember{name: fmt.Sprintf("orders-%d", i+1), up: true, listed: true, generation: 1}
		ms[i].client = fmt.Sprintf("%s-%s-%d", s.Name, ms[i].name, 1)
		add(history.Event{T: 0, Ev: history.KindMemberUp, Member: ms[i].name, Group: "orders", Client: ms[i].client})
	}
	deathT, removal, restart := int64(-1), int64(-1), int64(-1)
	if s.Death != "" {
		deathT = int64(s.DeathAt)
		removal = deathT + int64(3*time.Millisecond)
		if !s.Death.CallsClose() {
			removal = deathT + int64(s.Removal)
		}
		if s.Restart > 0 {
			restart = deathT + int64(s.Restart)
		}
	}
	end := int64(1<<62 - 1)
	if s.StopAt > 0 {
		end = int64(s.StopAt)
	}
	proc := func() int64 { return int64(float64(s.Process) * (0.75 + 0.5*rng.Float64())) }
	deliver := func(m *simMember, t int64, i int, seq uint64, key string, ver int, redelivered bool) {
		m.lastSent = max(m.lastSent, seq)
		if !m.up {
			m.held = append(m.held, i)
			return
		}
		start := max(t, m.busyUntil)
		done := start + proc()
		if deathT >= 0 && m == ms[0] && done >= deathT && t < deathT {
			// In flight at the death: never acked.
			m.held = append(m.held, i)
			m.busyUntil = done
			add(history.Event{T: t, Ev: history.KindDeliver, Member: m.name, Group: "orders", Seq: seq, ID: fmt.Sprintf("pub-%d", i+1), Key: key, Ver: ver, Redelivered: history.Bool(redelivered), Redeliveries: history.Int(b2i(redelivered))})
			return
		}
		m.busyUntil = done
		m.acks = append(m.acks, done)
		add(history.Event{T: t, Ev: history.KindDeliver, Member: m.name, Group: "orders", Seq: seq, ID: fmt.Sprintf("pub-%d", i+1), Key: key, Ver: ver, Redelivered: history.Bool(redelivered), Redeliveries: history.Int(b2i(redelivered))})
		if done < end {
			add(history.Event{T: done, Ev: history.KindDone, Member: m.name, Group: "orders", Seq: seq, ID: fmt.Sprintf("pub-%d", i+1), Key: key, Ver: ver, Redeliveries: history.Int(b2i(redelivered))})
		}
	}
	type msg struct {
		seq      uint64
		key      string
		ver      int
		publishT int64
	}
	msgs := make([]msg, s.Messages)
	rr := 0
	pick := func(t int64) *simMember {
		best := -1
		for k := range ms {
			j := (rr + k) % len(ms)
			m := ms[j]
			if !m.listed {
				continue
			}
			if best < 0 || m.unacked(t) < ms[best].unacked(t) {
				best = j
			}
		}
		if best < 0 {
			return nil
		}
		rr = (best + 1) % len(ms)
		return ms[best]
	}
	interval := int64(float64(time.Second) / s.Rate)
	handedOff, died := false, false
	handoff := func(at int64) {
		z := ms[0]
		held := z.held
		z.held = nil
		for k, i := range held {
			t := at + int64(100*time.Millisecond) + int64(k)*int64(200*time.Microsecond)
			if t >= end {
				continue
			}
			m := pick(t)
			if m == nil {
				continue
			}
			deliver(m, t, i, msgs[i].seq, msgs[i].key, msgs[i].ver, true)
		}
		handedOff = true
	}
	for i := range s.Messages {
		t := int64(time.Millisecond) + int64(i)*interval
		if t >= end {
			break
		}
		// Faults before this publish.
		if deathT >= 0 && t >= deathT && !died {
			died = true
			z := ms[0]
			z.up = false
			add(history.Event{T: deathT, Ev: history.KindFault, Member: z.name, Death: s.Death, Client: z.client})
			add(history.Event{T: deathT + int64(50*time.Microsecond), Ev: history.KindMemberDown, Member: z.name, Client: z.client, Death: s.Death})
			// Unacked messages of the dead member stay with it.
			z.acks = nil
		}
		if removal >= 0 && t >= removal && ms[0].listed && !ms[0].up {
			ms[0].listed = false
		}
		if removal >= 0 && !handedOff && t >= removal+int64(100*time.Millisecond) {
			handoff(removal)
		}
		if restart >= 0 && t >= restart && !ms[0].up {
			z := ms[0]
			z.generation++
			z.client = fmt.Sprintf("%s-%s-%d", s.Name, z.name, z.generation)
			z.up, z.listed, z.busyUntil, z.acks = true, true, restart, nil
			add(history.Event{T: restart, Ev: history.KindMemberUp, Member: z.name, Group: "orders", Client: z.client})
		}
		key := fmt.Sprintf("pub-k%d", i%s.Keys+1)
		ver := i/s.Keys + 1
		seq := uint64(i + 1)
		msgs[i] = msg{seq: seq, key: key, ver: ver, publishT: t}
		id := fmt.Sprintf("pub-%d", i+1)
		add(history.Event{T: t, Ev: history.KindPublish, Pub: "pub", Channel: "ticket.updated", ID: id, Key: key, Ver: ver})
		if t+int64(400*time.Microsecond) < end {
			add(history.Event{T: t + int64(400*time.Microsecond), Ev: history.KindPublishAck, ID: id})
		}
		dt := t + int64(500*time.Microsecond) + int64(rng.IntN(200))*1000
		if m := pick(dt); m != nil && dt < end {
			deliver(m, dt, i, seq, key, ver, false)
		}
	}
	if removal >= 0 && !handedOff && removal < end {
		ms[0].listed = false
		handoff(removal)
	}
	// Last activity.
	last := int64(0)
	for _, e := range ev {
		last = max(last, e.T)
	}
	if restart >= 0 && restart < end && !ms[0].up {
		z := ms[0]
		z.generation++
		z.client = fmt.Sprintf("%s-%s-%d", s.Name, z.name, z.generation)
		z.up, z.listed = true, true
		add(history.Event{T: restart, Ev: history.KindMemberUp, Member: z.name, Group: "orders", Client: z.client})
		last = max(last, restart)
	}
	stop := last + int64(60*time.Millisecond)
	if s.StopAt > 0 {
		stop = end
	}
	// Server views: replay listing and pending from the deliveries.
	if s.Sample > 0 {
		s.views(ev, ms, deathT, removal, restart, stop, add)
	}
	if s.StopAt == 0 {
		add(history.Event{T: stop, Ev: history.KindRunEnd, Reason: history.ReasonDone})
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].T < ev[j].T })
	return ev
}

// views samples what the monitoring endpoint would list.
func (s story) views(ev []history.Event, ms []*simMember, deathT, removal, restart, stop int64, add func(history.Event)) {
	type rec struct {
		t      int64
		member string
		delta  int
		seq    uint64
	}
	var recs []rec
	type mk struct {
		member string
		seq    uint64
	}
	ackOf := map[mk]int64{}
	for _, e := range ev {
		if e.Ev == history.KindDone {
			ackOf[mk{e.Member, e.Seq}] = e.T
		}
	}
	// The zombie's pending: messages published after the death that were
	// later redelivered (sent to it, never seen).
	var zombiePub []int64
	pubT := map[string]int64{}
	for _, e := range ev {
		switch {
		case e.Ev == history.KindPublish && e.T >= deathT && deathT >= 0:
			pubT[e.ID] = e.T
		case e.Ev == history.KindDeliver:
			recs = append(recs, rec{e.T, e.Member, +1, e.Seq})
			if at, ok := ackOf[mk{e.Member, e.Seq}]; ok {
				recs = append(recs, rec{at, e.Member, -1, 0})
			}
			if pt, ok := pubT[e.ID]; ok && e.IsRedelivered() {
				zombiePub = append(zombiePub, pt)
			}
		}
	}
	ackOf, pubT = nil, nil
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].t < recs[j].t })
	pending := map[string]int{}
	lastSent := map[string]uint64{}
	k := 0
	for t := int64(0); t <= stop; t += int64(s.Sample) {
		for ; k < len(recs) && recs[k].t <= t; k++ {
			pending[recs[k].member] += recs[k].delta
			lastSent[recs[k].member] = max(lastSent[recs[k].member], recs[k].seq)
		}
		v := history.Event{T: t + int64(300*time.Microsecond), Ev: history.KindServerView, Clients: []string{}, Subs: []history.Sub{}}
		for i, m := range ms {
			client := fmt.Sprintf("%s-%s-1", s.Name, m.name)
			listed := true
			if i == 0 && deathT >= 0 {
				if t >= removal {
					listed = false
				}
				if restart >= 0 && t >= restart {
					listed, client = true, fmt.Sprintf("%s-%s-2", s.Name, m.name)
				}
			}
			if !listed {
				continue
			}
			p := pending[m.name]
			if i == 0 && deathT >= 0 && t >= deathT && t < removal {
				// The zombie's pending: in flight at death plus sent after.
				for _, pt := range zombiePub {
					if pt <= t {
						p++
					}
				}
			}
			v.Clients = append(v.Clients, client)
			v.Subs = append(v.Subs, history.Sub{Channel: "ticket.updated", Group: "orders", Client: client, Pending: max(p, 0), LastSent: lastSent[m.name]})
		}
		add(v)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// stories are the synthetic histories in testdata/.
var stories = []story{
	{Name: "forced-kill", Messages: 120, Rate: 50, Keys: 5, Members: 2, Process: 20 * time.Millisecond, AckWait: 2 * time.Second,
		Heartbeat: analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2},
		Sample:    50 * time.Millisecond, Death: death.Forced, DeathAt: 1010 * time.Millisecond, Removal: 620 * time.Millisecond},
	{Name: "graceful", Messages: 120, Rate: 50, Keys: 5, Members: 2, Process: 20 * time.Millisecond, AckWait: 2 * time.Second,
		Heartbeat: analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2},
		Sample:    50 * time.Millisecond, Death: death.Graceful, DeathAt: 1010 * time.Millisecond, Restart: time.Second},
	{Name: "interrupted", Messages: 120, Rate: 50, Keys: 5, Members: 2, Process: 20 * time.Millisecond, AckWait: 2 * time.Second,
		Heartbeat: analyze.Heartbeat{Interval: 250 * time.Millisecond, Timeout: 250 * time.Millisecond, FailCount: 2},
		Sample:    50 * time.Millisecond, StopAt: 100 * time.Millisecond},
}

// writeHistory writes events as history.jsonl lines into dir.
func writeHistory(dir string, ev []history.Event) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, history.FileName))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range ev {
		b, err := ev[i].Marshal()
		if err != nil {
			return err
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
