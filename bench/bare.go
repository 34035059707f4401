package bench

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/stan.go"

	"github.com/stansim/stansim/sim/scenario"
	"github.com/stansim/stansim/sim/server"
)

// errStalled: a run did not finish its messages in time.
var errStalled = errors.New("the messages were not all acked and done in time")

// stallAfter bounds one run.
const stallAfter = 5 * time.Minute

// bare runs the workload with stan.go alone: the embedded server as
// sim/run starts it, members that ack in their handler, and a publisher
// paced as sim/run's publisher is, waiting for every publish ack and done.
func bare(ctx context.Context, sc *scenario.Scenario, w Workload, dir string) error {
	srv, err := server.Start(ctx, serverConfig(sc, dir))
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	var done, acked atomic.Int64
	finished := make(chan struct{})
	check := func() {
		if done.Load() >= int64(w.Messages) && acked.Load() >= int64(w.Messages) {
			select {
			case <-finished:
			default:
				close(finished)
			}
		}
	}
	ls := sc.Listeners[0]
	for i := range w.Members {
		nc, err := nats.Connect(srv.URL(), nats.Name(fmt.Sprintf("%s-%d-r0", group, i+1)), nats.NoReconnect())
		if err != nil {
			return fmt.Errorf("bare member: %w", err)
		}
		defer nc.Close()
		c, err := stan.Connect(server.ClusterID, fmt.Sprintf("%s-%d-r0", group, i+1), stan.NatsConn(nc))
		if err != nil {
			return fmt.Errorf("bare member: %w", err)
		}
		defer c.Close()
		_, err = c.QueueSubscribe(channel, group, func(m *stan.Msg) {
			if m.Ack() == nil {
				done.Add(1)
				check()
			}
		}, stan.SetManualAckMode(), stan.AckWait(ls.AckWait), stan.MaxInflight(ls.MaxInflight), stan.DeliverAllAvailable())
		if err != nil {
			return fmt.Errorf("bare member: %w", err)
		}
	}
	pub, err := stan.Connect(server.ClusterID, "pub-"+publisher, stan.NatsURL(srv.URL()))
	if err != nil {
		return fmt.Errorf("bare publisher: %w", err)
	}
	defer pub.Close()
	if err := publish(ctx, pub, w, func() { acked.Add(1); check() }); err != nil {
		return err
	}
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(stallAfter):
		return errStalled
	}
}

// publish sends the workload's messages, paced as sim/run's publisher.
func publish(ctx context.Context, pub stan.Conn, w Workload, acked func()) error {
	vers := make([]int, w.Keys)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var buf []byte
	zero := time.Now()
	for i := range w.Messages {
		if wait := time.Until(due(zero, i, w.Rate)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		}
		k := i % w.Keys
		vers[k]++
		buf = payload(buf[:0], i, k, vers[k])
		if _, err := pub.PublishAsync(channel, buf, func(string, error) { acked() }); err != nil {
			return fmt.Errorf("bare publish: %w", err)
		}
	}
	return nil
}

// serverConfig is the server sim/run starts for sc, without its log.
func serverConfig(sc *scenario.Scenario, dir string) server.Config {
	hb := sc.Server.Heartbeat
	return server.Config{Dir: dir, Store: sc.Server.Store, NoLog: true,
		HBInterval: hb.Interval, HBTimeout: hb.Timeout, HBFailCount: hb.FailCount}
}
