// Command go-listener is the smallest stansim command member (README,
// "Bring your own listener"): a stan.go queue-group member that takes its
// settings from the STANSIM_* variables stansim gives it and reports each
// delivery and each finished message as a JSON line on stdout. SIGTERM and
// SIGINT close the connection first, as the lesson's fixed listener does;
// -no-close leaves that out (the program before the fix).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/stan.go"
)

func main() {
	noClose := flag.Bool("no-close", false, "no signal handler: SIGTERM/SIGINT end the program without Close()")
	flag.Parse()
	if err := run(*noClose); err != nil {
		fmt.Fprintln(os.Stderr, "go-listener:", err)
		os.Exit(1)
	}
}

func run(noClose bool) error {
	env := os.Getenv
	ackWait, _ := strconv.Atoi(env("STANSIM_ACK_WAIT_MS"))
	inflight, _ := strconv.Atoi(env("STANSIM_MAX_INFLIGHT"))
	sc, err := stan.Connect(env("STANSIM_CLUSTER_ID"), env("STANSIM_CLIENT_ID"), stan.NatsURL(env("STANSIM_NATS_URL")))
	if err != nil {
		return err
	}
	var mu sync.Mutex
	out := json.NewEncoder(os.Stdout)
	report := func(v any) { mu.Lock(); _ = out.Encode(v); mu.Unlock() }
	opts := []stan.SubscriptionOption{stan.SetManualAckMode(), stan.AckWait(time.Duration(ackWait) * time.Millisecond), stan.MaxInflight(inflight)}
	if d := env("STANSIM_DURABLE"); d != "" {
		opts = append(opts, stan.DurableName(d))
	}
	if env("STANSIM_START") == "all" {
		opts = append(opts, stan.DeliverAllAvailable())
	}
	_, err = sc.QueueSubscribe(env("STANSIM_CHANNEL"), env("STANSIM_GROUP"), func(m *stan.Msg) {
		report(map[string]any{"ev": "deliver", "seq": m.Sequence, "data": string(m.Data), "redelivered": m.Redelivered})
		if m.Ack() == nil {
			report(map[string]any{"ev": "done", "seq": m.Sequence})
		}
	}, opts...)
	if err != nil {
		return err
	}
	if noClose {
		select {} // the default action of SIGTERM and SIGINT ends the program
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	<-sigs
	return sc.Close()
}
