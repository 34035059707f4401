package predict

import (
	"container/heap"
	"math/rand/v2"
	"time"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/scenario"
)

// engine replays one scenario against a model of the server's queue-group
// rules (server.go) and of stansim's members (client.go), in virtual time:
// nothing sleeps and nothing connects. One engine is one variant: one
// heartbeat phase and one draw of processing times.
type engine struct {
	sc    *scenario.Scenario
	v     variant
	now   int64
	end   int64
	queue events
	n     int64 // events scheduled, to order events at the same time

	chans  map[string]*channel
	groups []*group
	lives  map[string]*life // member -> current life
	deaths []*deathObs
}

// event is something due at t; events at the same t run in schedule order.
type event struct {
	t, n int64
	fn   func()
}

type events []*event

func (q events) Len() int { return len(q) }
func (q events) Less(i, j int) bool {
	if q[i].t != q[j].t {
		return q[i].t < q[j].t
	}
	return q[i].n < q[j].n
}
func (q events) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *events) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *events) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// at schedules fn at t (never before now).
func (e *engine) at(t int64, fn func()) {
	e.n++
	heap.Push(&e.queue, &event{t: max(t, e.now), n: e.n, fn: fn})
}

// channel is one channel's log.
type channel struct {
	name    string
	msgs    []*msg // msgs[i].seq == i+1
	readers []*group
}

// msg is one published message.
type msg struct {
	seq      uint64
	id, key  string
	ver      int
	publishT int64
}

// deathObs is what a variant saw of one fault's death.
type deathObs struct {
	f       scenario.Fault
	kind    death.Kind // what the death really is (actual)
	life    *life
	t       int64
	window  int64 // the zombie window this variant uses (death table bounds)
	removed int64 // -1 until the server drops the member
	held    map[uint64]*msg
	sent    map[uint64]bool
	// handOff is when each held message was next delivered to another
	// member (or a new life), and why.
	handOff map[uint64]handOff
}

type handOff struct {
	t     int64
	cause string
}

// newEngine builds the engine for one variant.
func newEngine(sc *scenario.Scenario, v variant) *engine {
	e := &engine{sc: sc, v: v, end: int64(sc.Duration), chans: map[string]*channel{}, lives: map[string]*life{}}
	for _, p := range sc.Publishers {
		if e.chans[p.Channel] == nil {
			e.chans[p.Channel] = &channel{name: p.Channel}
		}
	}
	for _, l := range sc.Listeners {
		ch := e.chans[l.Channel]
		if ch == nil {
			ch = &channel{name: l.Channel}
			e.chans[l.Channel] = ch
		}
		g := newGroup(e, l, ch)
		e.groups = append(e.groups, g)
		ch.readers = append(ch.readers, g)
	}
	return e
}

// run replays the scenario to its end (its duration, or when nothing is
// left to happen).
func (e *engine) run() {
	for _, g := range e.groups {
		names := e.sc.MemberNames(g.l)
		for _, name := range names {
			e.join(g, name, 0)
		}
		if r := e.v.rotate % max(len(g.subs), 1); r > 0 {
			g.subs = append(g.subs[r:], g.subs[:r]...)
		}
	}
	faults := func() {
		for _, f := range e.sc.Faults {
			e.at(int64(f.At)+e.v.latency/2, func() { e.kill(f) })
		}
	}
	if e.v.faultsFirst {
		faults()
	}
	for _, p := range e.sc.Publishers {
		e.publishAll(p)
	}
	if !e.v.faultsFirst {
		faults()
	}
	for e.queue.Len() > 0 {
		ev := heap.Pop(&e.queue).(*event)
		if ev.t > e.end {
			break
		}
		e.now = ev.t
		ev.fn()
	}
}

// publishAll schedules a publisher's messages: message i at i/rate, keys
// round-robin, versions counting per key (as sim/run's publisher does).
func (e *engine) publishAll(p scenario.Publisher) {
	ch := e.chans[p.Channel]
	vers := make([]int, max(p.Keys, 1))
	for i := range p.Count {
		k := i % len(vers)
		vers[k]++
		m := &msg{id: p.Name + "-" + itoa(i+1), key: p.Name + "-k" + itoa(k+1), ver: vers[k],
			publishT: int64(float64(i) * float64(time.Second) / p.Rate)}
		e.at(m.publishT, func() { e.publish(ch, m) })
	}
}

// publish stores m in its channel and offers it to every group reading it.
func (e *engine) publish(ch *channel, m *msg) {
	m.seq = uint64(len(ch.msgs) + 1)
	ch.msgs = append(ch.msgs, m)
	for _, g := range ch.readers {
		g.sendAvailable()
	}
}

// stateAfter is a life's state after a death of each effect.
var stateAfter = map[death.Effect]lifeState{death.EffectClose: closed, death.EffectDrop: gone, death.EffectFreeze: frozen}

// kill carries out a fault: the member stops, the server learns of it
// (notice), and the member comes back if the fault says so.
func (e *engine) kill(f scenario.Fault) {
	lf := e.lives[f.Member]
	if lf == nil || lf.state != alive {
		return
	}
	d := &deathObs{f: f, kind: actual(e.sc, f), life: lf, t: e.now, removed: -1,
		held: map[uint64]*msg{}, sent: map[uint64]bool{}, handOff: map[uint64]handOff{}}
	for _, dl := range lf.queue {
		d.held[dl.m.seq] = dl.m
	}
	lf.death = d
	e.deaths = append(e.deaths, d)
	lf.stop(stateAfter[d.kind.Info().Effect])
	e.notice(d)
	switch {
	case f.ResumeAfter > 0:
		e.at(e.now+int64(f.ResumeAfter), func() { lf.resume() })
	case f.RestartAfter > 0:
		g := lf.sub.g
		e.at(e.now+int64(f.RestartAfter), func() { e.join(g, f.Member, lf.n+1) })
	}
}

// notice schedules what the server makes of a death: after Close() it
// drops the member at once (after the request's round trip); otherwise its
// heartbeats fail, the first this variant's fraction of one period after
// the death and the member is dropped when the death table's window (at
// the same fraction) is over, unless it thawed first.
func (e *engine) notice(d *deathObs) {
	sub, lf := d.life.sub, d.life
	if d.kind.CallsClose() {
		e.at(e.now+2*e.v.latency, func() {
			d.removed = e.now
			sub.g.remove(sub)
		})
		return
	}
	hb := e.sc.Server.Heartbeat
	w, ok := d.kind.Removal(hb)
	if !ok {
		return
	}
	d.window = int64(w.Min) + int64(e.v.phase*float64(w.Max-w.Min))
	failed := d.window - int64(d.kind.Period(hb))*int64(hb.FailCount)
	e.at(e.now+max(failed, 0), func() {
		if !sub.removed && lf.state != alive {
			sub.failedHB = true
		}
	})
	e.at(e.now+d.window, func() {
		if !sub.removed && lf.state != alive {
			d.removed = e.now
			sub.g.remove(sub)
		}
	})
}

// join starts life n of member in group g and subscribes it.
func (e *engine) join(g *group, member string, n int) {
	lf := &life{e: e, member: member, n: n, rng: e.v.rng(member, n)}
	e.lives[member] = lf
	g.subscribe(lf)
}

// processTime draws the next processing time of a life.
func (e *engine) processTime(d scenario.Dist, r *rand.Rand) int64 {
	switch {
	case e.v.process == processLow && d.Kind == scenario.DistUniform:
		return int64(d.Min) + e.v.latency
	case e.v.process == processHigh && d.Kind == scenario.DistUniform:
		return int64(d.Max) + e.v.latency
	}
	return int64(d.Sample(r)) + e.v.latency
}
