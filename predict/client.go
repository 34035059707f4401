package predict

import (
	"math/rand/v2"
	"strconv"

	"github.com/stansim/stansim/sim/scenario"
)

// lifeState is where a member life is.
type lifeState int

const (
	alive  lifeState = iota
	closed           // called Close()
	gone             // its connection vanished (forced)
	frozen           // hung: buffers what arrives, does nothing
)

// life is one connection of a member, as sim/run's member drives it: each
// delivery is queued as it arrives and one worker processes the queue in
// order, acking each message when its processing time is over.
type life struct {
	e      *engine
	member string
	n      int
	rng    *rand.Rand
	sub    *sub
	state  lifeState
	queue  []delivery
	busy   bool
	gen    int // bumped when the worker is cut off
	death  *deathObs
	unseen []delivery // arrived while frozen: recorded when thawed
}

type delivery struct {
	m           *msg
	redelivered bool
}

// deliver hands the member a copy of m.
func (lf *life) deliver(m *msg, redelivered bool) {
	g := lf.sub.g
	first := !g.firstSent[m.seq]
	g.firstSent[m.seq] = true
	if d := lf.death; d != nil && lf.state != alive {
		switch {
		case d.kind.CallsClose() && m.publishT > d.t:
			// Sent during the Close() round trip: it was on its way as the
			// member closed; the server moves it on with the held ones.
			d.held[m.seq] = m
		case first:
			d.sent[m.seq] = true
		}
	}
	switch lf.state {
	case alive:
		lf.record(delivery{m, redelivered})
	case frozen:
		lf.unseen = append(lf.unseen, delivery{m, redelivered})
	}
}

// record is a deliver line: the copy is counted, may hand a dead member's
// message over, and joins the queue.
func (lf *life) record(dl delivery) {
	e, g := lf.e, lf.sub.g
	g.delivered++
	if dl.redelivered {
		g.redelivered++
	}
	for _, d := range e.deaths {
		if d.life == lf || d.life.sub.g != g {
			continue
		}
		if _, held := d.held[dl.m.seq]; !held {
			continue
		}
		if _, done := d.handOff[dl.m.seq]; !done {
			cause := d.cause(e.now)
			if !dl.redelivered {
				cause = CauseReplay
			}
			d.handOff[dl.m.seq] = handOff{t: e.now, cause: cause}
		}
	}
	lf.queue = append(lf.queue, dl)
	lf.work()
}

// cause names why a held message came to another member at t: Close(),
// the server's removal of the dead member, or AckWait expiry before it.
func (d *deathObs) cause(t int64) string {
	switch {
	case d.kind.CallsClose():
		return CauseClose
	case d.removed >= 0 && t >= d.removed:
		return CauseRemoval
	}
	return CauseAckWait
}

// work starts processing the head of the queue when idle.
func (lf *life) work() {
	if lf.busy || lf.state != alive || len(lf.queue) == 0 {
		return
	}
	lf.busy = true
	gen := lf.gen
	pt := lf.e.processTime(lf.sub.g.l.ProcessTime, lf.rng)
	lf.e.at(lf.e.now+pt, func() {
		if lf.gen == gen {
			lf.finish()
		}
	})
}

// finish offers the processed head to the group's state: applied, it is
// acked and done; skipped (version-check), it is left unacked.
func (lf *life) finish() {
	lf.busy = false
	dl := lf.queue[0]
	lf.queue = lf.queue[1:]
	g := lf.sub.g
	have := g.applied[dl.m.key]
	if g.l.Policy != scenario.PolicyVersionCheck || dl.m.ver == have+1 {
		g.applied[dl.m.key] = dl.m.ver
		if !lf.sub.removed {
			g.ack(lf.sub, dl.m.seq, true)
		}
		g.dones[dl.m.seq]++
		if _, ok := g.firstDone[dl.m.seq]; !ok {
			g.firstDone[dl.m.seq] = lf.e.now
		}
	}
	lf.work()
}

// stop ends the life as a death: the worker is cut off.
func (lf *life) stop(s lifeState) {
	lf.state = s
	lf.gen++
	lf.busy = false
}

// resume thaws a frozen life (SIGCONT): what arrived meanwhile is recorded
// now and the queue is worked off; the server forgets the failed heartbeats.
func (lf *life) resume() {
	if lf.state != frozen {
		return
	}
	lf.state = alive
	lf.sub.failedHB = false
	for _, dl := range lf.unseen {
		lf.record(dl)
	}
	lf.unseen = nil
	lf.work()
}

func itoa(i int) string { return strconv.Itoa(i) }
