package run

import (
	"context"
	"sync"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
)

// sampler records what the server's monitoring endpoint lists, every
// interval, and keeps the latest view for the run's end test.
type sampler struct {
	e        *engine
	interval time.Duration

	mu     sync.Mutex
	latest broker.View
	at     time.Time
	ok     bool
}

func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		start := time.Now()
		v, err := s.e.b.Snapshot(ctx)
		if ctx.Err() != nil {
			return
		}
		ev := history.Event{Ev: history.KindServerView, Clients: v.Clients, Subs: v.Subs}
		if err != nil {
			ev.ViewErr = err.Error()
		} else {
			s.mu.Lock()
			s.latest, s.at, s.ok = v, start, true
			s.mu.Unlock()
		}
		// The sample is stamped with the moment it was asked for: the
		// server's answer reflects that instant or a little later.
		s.e.rec.Record(start, ev)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// listsAny reports whether the latest view, taken after since, still lists
// any of the clients; true when there is no such view yet.
func (s *sampler) listsAny(clients []string, since time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(clients) == 0 {
		return false
	}
	if !s.ok || s.at.Before(since) {
		return true
	}
	for _, c := range clients {
		if s.latest.Lists(c) {
			return true
		}
	}
	return false
}
