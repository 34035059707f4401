package scenario

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/broker/stanbroker"
)

// This file holds which settings belong to which broker (broker: stan |
// jetstream): each refuses the other's, and asks its broker package for
// its own rules (ARCHITECTURE.md, "The broker seam").

// Limits of JetStream's PING settings.
const (
	minPingInterval = 100 * time.Millisecond
	maxPingInterval = time.Hour
	maxPingsOut     = 100
)

// jetStreamListenerFields are the listener fields only JetStream has.
var jetStreamListenerFields = []string{"consumer", "max_deliver", "backoff", "on_close"}

// broker checks the broker name and the server settings that belong to it.
func (c *checker) broker() {
	s := c.s
	switch s.Broker {
	case BrokerSTAN:
		if c.present("server.ping") {
			c.errf("server.ping", "ping is the JetStream server's PING check (broker: %s); NATS Streaming uses server.heartbeat", BrokerJetStream)
		}
	case BrokerJetStream:
		if c.present("server.heartbeat") {
			c.errf("server.heartbeat", "heartbeat is NATS Streaming's client heartbeat; JetStream has none: use server.ping {interval, max_out}, the server's PINGs, its only check of a silent client")
		}
		p := s.Server.Ping
		if p.Interval < minPingInterval || p.Interval > maxPingInterval {
			c.errf("server.ping.interval", "ping interval %v: must be between %v and %v", p.Interval, minPingInterval, maxPingInterval)
		}
		if p.MaxOut < 1 || p.MaxOut > maxPingsOut {
			c.errf("server.ping.max_out", "max_out %d: must be between 1 and %d", p.MaxOut, maxPingsOut)
		}
	default:
		c.errf("broker", "broker %q: must be %s (NATS Streaming) or %s", s.Broker, BrokerSTAN, BrokerJetStream)
	}
}

// listenerBroker checks listener i's broker-specific fields.
func (c *checker) listenerBroker(i int) {
	at := index("listeners", i)
	l := c.s.Listeners[i]
	if !c.s.JetStream() {
		for _, f := range jetStreamListenerFields {
			if c.present(at + "." + f) {
				c.errf(at+"."+f, "%s is a JetStream consumer setting (broker: %s)", f, BrokerJetStream)
			}
		}
		if l.Durable != "" {
			if msg := stanbroker.DurableProblem(l.Durable); msg != "" {
				c.errf(at+".durable", "durable %q: %s", l.Durable, msg)
			}
		}
		if msg := stanbroker.AckWaitProblem(l.AckWait); msg != "" {
			c.errf(at+".ack_wait", "ack_wait %v: %s", l.AckWait, msg)
		}
		return
	}
	if l.Mode == ModeCommand {
		c.errf(at+".mode", "mode %s runs NATS Streaming programs (its STANSIM_* settings are a streaming connection's); on JetStream use %s or %s", ModeCommand, ModeInProcess, ModeProcess)
	}
	if l.Durable != "" {
		if msg := jsbroker.DurableProblem(l.Durable); msg != "" {
			c.errf(at+".durable", "durable %q: %s", l.Durable, msg)
		}
	}
	if msg := jsbroker.AckWaitProblem(l.AckWait); msg != "" {
		c.errf(at+".ack_wait", "ack_wait %v: %s", l.AckWait, msg)
	}
	if l.Consumer != ConsumerPush && l.Consumer != ConsumerPull {
		c.errf(at+".consumer", "consumer %q: must be %s (a deliver group) or %s", l.Consumer, ConsumerPush, ConsumerPull)
	}
	if l.OnClose != OnCloseNone && l.OnClose != OnCloseNak {
		c.errf(at+".on_close", "on_close %q: must be %s (held messages wait AckWait) or %s (a graceful death naks them: they move at once)", l.OnClose, OnCloseNone, OnCloseNak)
	}
	if msg := jsbroker.MaxDeliverProblem(l.MaxDeliver); msg != "" && c.present(at+".max_deliver") {
		c.errf(at+".max_deliver", "max_deliver %d: %s", l.MaxDeliver, msg)
	}
	if len(l.BackOff) > 0 {
		if msg := jsbroker.BackOffProblem(l.BackOff, l.MaxDeliver); msg != "" {
			c.errf(at+".backoff", "backoff: %s", msg)
		} else if c.present(at+".ack_wait") && l.AckWait != l.BackOff[0] {
			c.errf(at+".ack_wait", "ack_wait %v: with a backoff the server waits backoff's first step (%v) for the first ack, not ack_wait: leave ack_wait out or set it to %v", l.AckWait, l.BackOff[0], l.BackOff[0])
		} else {
			c.s.Listeners[i].AckWait = l.BackOff[0] // what the server uses
		}
	}
	if msg := jsbroker.MaxAckPendingProblem(l.MaxInflight); msg != "" {
		c.errf(at+".max_inflight", "max_inflight %d (the consumer's MaxAckPending, shared by the group): %s", l.MaxInflight, msg)
	}
}

// jetStreamRemovalWarnings warns of a hung member the JetStream server
// will still list when the run ends (its PINGs have not failed by then).
func (c *checker) jetStreamRemovalWarnings() {
	s := c.s
	p := s.Server.Ping
	if c.skip("server.ping") || !p.Known() {
		return
	}
	for i, f := range s.Faults {
		at := index("faults", i)
		w, ok := f.Death.RemovalBy(s.Liveness())
		if !ok || f.At < 0 || f.At >= s.Duration || f.At+w.Max <= s.Duration || w.Max <= 200*time.Millisecond || c.skip(at+".at") {
			continue
		}
		verb := "may"
		if f.At+w.Min >= s.Duration {
			verb = "will"
		}
		c.warnf(at, "the server %s still list %s when the run ends at %v: after the %s death at %v, removal takes %s = %d·%v to %d·%v = %v to %v (raise duration or shorten server.ping.interval)",
			verb, f.Member, s.Duration, f.Death, f.At, w.Rule, p.MaxOut, p.Interval, p.MaxOut+2, p.Interval, w.Min, w.Max)
	}
}

// brokerDefaults is the defaults mapping as it applies to item: the
// server settings of the other broker (heartbeat for a JetStream scenario,
// ping for a NATS Streaming one) are left out, so that one file's defaults
// serve scenarios on both brokers. Written in the scenario itself, they
// are still refused.
func brokerDefaults(def, item *yaml.Node) *yaml.Node {
	if def == nil || def.Kind != yaml.MappingNode {
		return def
	}
	broker := BrokerSTAN
	for _, n := range []*yaml.Node{def, item} {
		if v := lookup(n, "broker"); v != nil && v.Kind == yaml.ScalarNode {
			broker = v.Value
		}
	}
	drop := "ping"
	if broker == BrokerJetStream {
		drop = "heartbeat"
	}
	server := lookup(def, "server")
	if server == nil || server.Kind != yaml.MappingNode || lookup(server, drop) == nil {
		return def
	}
	ns := *server
	ns.Content = nil
	for i := 0; i+1 < len(server.Content); i += 2 {
		if server.Content[i].Value != drop {
			ns.Content = append(ns.Content, server.Content[i], server.Content[i+1])
		}
	}
	nd := *def
	nd.Content = nil
	for i := 0; i+1 < len(def.Content); i += 2 {
		v := def.Content[i+1]
		if def.Content[i].Value == "server" {
			v = &ns
		}
		nd.Content = append(nd.Content, def.Content[i], v)
	}
	return &nd
}
