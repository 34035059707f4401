// Package run drives one scenario against its own embedded NATS Streaming
// server: members subscribe, publishers publish, faults kill and restart
// members, and every event goes to history.jsonl.
package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/broker/stanbroker"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
	"github.com/stansim/stansim/sim/server"
)

// ScenarioFile is the resolved scenario's file name in a scenario folder.
const ScenarioFile = "scenario.yaml"

// Options tune a run.
type Options struct {
	// Progress, if set, is called about every sample interval with the
	// number of messages published and done so far.
	Progress func(published, done int, elapsed time.Duration)
	// NoServerLog skips server.log.
	NoServerLog bool
}

// Result says how a run ended.
type Result struct {
	Reason  string // history.Reason*
	History string // path of history.jsonl
}

// engine is one run's state. Nothing in it is shared with another run.
type engine struct {
	// ctx is the run's context: waits for member processes end with it.
	ctx context.Context
	sc  *scenario.Scenario
	dir string
	rec *history.Recorder
	b   broker.Broker
	// states holds each queue group's per-key state (its database).
	states map[string]*groupState
	// mono0 and mono0At pair a CLOCK_MONOTONIC reading with this
	// process's time, to place member processes' events.
	mono0   int64
	mono0At time.Time
	track   *tracker
	samp    *sampler

	mu      sync.Mutex
	members map[string]*member
	order   []*member
	lives   []*life  // every life ever started, for the final release
	dead    []string // client ids of members that died
	lastDie time.Time
}

// Run runs one scenario into dir (created if needed). It returns an error
// only when the run could not take place (folder, server or first
// connections); an interrupted run returns Reason "interrupted" and a
// readable history.
func Run(ctx context.Context, sc *scenario.Scenario, dir string, opt Options) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	resolved, err := sc.ResolvedYAML()
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	if err := outfile.Write(filepath.Join(dir, ScenarioFile), resolved); err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	b, err := startBroker(ctx, sc, dir, opt)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	defer b.Shutdown()

	histPath := filepath.Join(dir, history.FileName)
	f, err := outfile.Create(histPath)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	defer f.Close()
	e := &engine{
		ctx: ctx, sc: sc, dir: dir, b: b,
		rec:     history.NewRecorder(f),
		members: map[string]*member{},
	}
	e.mono0, e.mono0At = clockPair()
	e.samp = &sampler{e: e, interval: sc.SampleInterval}
	faultEvents := len(sc.Faults)
	for _, ft := range sc.Faults {
		if ft.Back() > 0 {
			faultEvents++
		}
	}
	readers := map[string][]string{}
	e.states = map[string]*groupState{}
	for _, l := range sc.Listeners {
		readers[l.Channel] = append(readers[l.Channel], l.Group)
		e.states[l.Group] = newGroupState(l.Policy)
	}
	e.track = newTracker(readers, len(sc.Publishers), faultEvents)

	reason, runErr := e.drive(ctx, resolved, opt)
	e.shutdown()
	end := history.Event{Ev: history.KindRunEnd, Reason: reason}
	if runErr != nil {
		end.Err = runErr.Error()
	}
	if err := e.rec.Close(time.Now(), end); err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
	}
	if runErr != nil {
		return &Result{Reason: reason, History: histPath}, fmt.Errorf("scenario %q: %w", sc.Name, runErr)
	}
	return &Result{Reason: reason, History: histPath}, nil
}

// startBroker starts the scenario's broker (ARCHITECTURE.md, "The broker
// seam"): NATS Streaming with its client heartbeats, or JetStream with the
// server's PING settings.
func startBroker(ctx context.Context, sc *scenario.Scenario, dir string, opt Options) (broker.Broker, error) {
	if sc.JetStream() {
		return jsbroker.Start(ctx, jsbroker.Config{Dir: dir, Store: sc.Server.Store, NoLog: opt.NoServerLog,
			PingInterval: sc.Server.Ping.Interval, MaxPingsOut: sc.Server.Ping.MaxOut})
	}
	return stanbroker.Start(ctx, server.Config{
		Dir: dir, Store: sc.Server.Store, NoLog: opt.NoServerLog,
		HBInterval: sc.Server.Heartbeat.Interval, HBTimeout: sc.Server.Heartbeat.Timeout, HBFailCount: sc.Server.Heartbeat.FailCount,
	})
}

// drive connects the actors, starts the clock and waits for the run's end.
func (e *engine) drive(ctx context.Context, resolved []byte, opt Options) (string, error) {
	sc := e.sc
	for _, l := range sc.Listeners {
		for _, name := range sc.MemberNames(l) {
			m := &member{env: e, name: name, listener: l}
			e.members[name] = m
			e.order = append(e.order, m)
			lf, err := m.connect()
			if err != nil {
				return history.ReasonFailed, err
			}
			e.adopt(m, lf)
		}
	}
	pubs := make([]*publisher, 0, len(sc.Publishers))
	for _, p := range sc.Publishers {
		pb, err := e.connectPublisher(p)
		if err != nil {
			return history.ReasonFailed, err
		}
		pubs = append(pubs, pb)
	}
	defer func() {
		for _, pb := range pubs {
			_ = pb.conn.Close()
		}
	}()

	zero := time.Now()
	e.rec.Start(zero, e.runStart(resolved))
	runCtx, cancel := context.WithCancel(ctx)
	// From here on (restarts), a member process's start also ends with the
	// run: set before any goroutine that reads it starts.
	e.ctx = runCtx
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() { e.samp.run(runCtx) })
	for _, pb := range pubs {
		wg.Go(func() { pb.run(runCtx, zero) })
	}
	for _, ft := range sc.Faults {
		wg.Go(func() { e.inject(runCtx, zero, ft) })
	}

	deadline := time.NewTimer(sc.Duration)
	defer deadline.Stop()
	tick := time.NewTicker(sc.SampleInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return history.ReasonInterrupted, nil
		case <-deadline.C:
			return history.ReasonTimeout, nil
		case <-tick.C:
		}
		if opt.Progress != nil {
			p, d := e.track.counts()
			opt.Progress(p, d, time.Since(zero))
		}
		if e.finished() {
			return history.ReasonDone, nil
		}
	}
}

// finished is the run's end test: all messages done by every group, all
// faults, restarts and resumes happened, no live member has messages left
// to process, and the server no longer lists any dead client.
func (e *engine) finished() bool {
	if !e.track.complete() {
		return false
	}
	e.mu.Lock()
	dead, since := append([]string(nil), e.dead...), e.lastDie
	var live []*life
	for _, m := range e.order {
		if m.cur != nil {
			live = append(live, m.cur)
		}
	}
	e.mu.Unlock()
	for _, l := range live {
		if l.busy() { // e.g. a resumed member redoing what it had buffered
			return false
		}
	}
	return !e.samp.listsAny(dead, since)
}

// inject waits for a fault's time, kills the member, and restarts it later
// if the fault says so.
func (e *engine) inject(ctx context.Context, zero time.Time, ft scenario.Fault) {
	if !sleepUntil(ctx, zero.Add(ft.At)) {
		return
	}
	e.mu.Lock()
	m := e.members[ft.Member]
	lf := m.cur
	m.cur = nil
	e.mu.Unlock()
	if lf != nil {
		// Without a handler that calls Close(), SIGTERM and SIGINT end
		// the member as SIGKILL does: the history records what happened.
		m.kill(lf, ft.Death.Actual(m.listener.CloseOnSignal))
		e.mu.Lock()
		e.dead = append(e.dead, lf.client)
		e.lastDie = time.Now()
		e.mu.Unlock()
	}
	e.track.faultHappened()
	if ft.Back() <= 0 || !sleepUntil(ctx, zero.Add(ft.At+ft.Back())) {
		return
	}
	if ft.ResumeAfter > 0 {
		e.resume(m, lf)
		e.track.faultHappened()
		return
	}
	nl, err := m.connect()
	if err != nil {
		e.rec.Record(time.Now(), history.Event{Ev: history.KindMemberDown, Member: m.name, Group: m.listener.Group, Err: err.Error()})
	} else {
		e.adopt(m, nl)
	}
	e.track.faultHappened()
}

// resume thaws a hung member's life; the run no longer waits for the
// server to drop it.
func (e *engine) resume(m *member, lf *life) {
	if lf == nil {
		return
	}
	m.resume(lf)
	e.mu.Lock()
	m.cur = lf
	e.dead = slices.DeleteFunc(e.dead, func(c string) bool { return c == lf.client })
	e.mu.Unlock()
}

func (e *engine) adopt(m *member, lf *life) {
	e.mu.Lock()
	m.cur = lf
	e.lives = append(e.lives, lf)
	e.mu.Unlock()
}

// shutdown closes every member still alive (recording member_down) and
// releases the connections of dead ones.
func (e *engine) shutdown() {
	e.mu.Lock()
	live := map[*life]*member{}
	for _, m := range e.order {
		if m.cur != nil {
			live[m.cur] = m
			m.cur = nil
		}
	}
	lives := append([]*life(nil), e.lives...)
	e.mu.Unlock()
	var wg sync.WaitGroup
	for _, lf := range lives {
		wg.Go(func() {
			if m, ok := live[lf]; ok {
				m.stop(lf)
			} else {
				lf.release()
			}
		})
	}
	wg.Wait()
}

// sleepUntil waits for t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// The engine is the members' environment when they run in this process.

func (e *engine) connect(client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	return e.b.Member(client, sub, deliver)
}

func (e *engine) record(t time.Time, ev history.Event) { e.rec.Record(t, ev) }

func (e *engine) offer(group, key string, ver int, commit func()) (bool, int) {
	return e.states[group].offer(key, ver, commit)
}

func (e *engine) done(group, id string) { e.track.done(group, id) }

func (e *engine) seed() int64 { return e.sc.Seed }

// clock places a CLOCK_MONOTONIC reading (a member process's event) on
// this process's clock.
func (e *engine) clock(mono int64) time.Time { return e.mono0At.Add(time.Duration(mono - e.mono0)) }

// memberURL is the server URL member processes connect to.
func (e *engine) memberURL() string {
	if u, ok := e.b.(interface{ URL() string }); ok {
		return u.URL()
	}
	return ""
}
