package jsbroker

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"

	"github.com/stansim/stansim/sim/broker"
)

// deliverPrefix starts every push consumer's deliver subject. The subject
// is fixed by the stream and consumer names, so every member of a group,
// in this process or another, asks for the same consumer config.
const deliverPrefix = "_stansim.deliver."

// badNameChars are what the server refuses in stream and consumer names
// (whitespace, '.', '*', '>') and, as path separators, in a request.
const badNameChars = " \t\r\n\f.*>/\\"

// sanitize replaces every character JetStream refuses in a name with '_'.
func sanitize(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(badNameChars, r) {
			return '_'
		}
		return r
	}, s)
}

// streamName is the stream that holds a channel: the channel's name made
// legal (the stream's one subject is the channel itself).
func streamName(channel string) string { return sanitize(channel) }

// consumerName is the durable consumer shared by a group's members: the
// Sub's durable name as written (the validator checks it with
// DurableProblem), else the group's name made legal.
func consumerName(sub broker.Sub) string {
	if sub.Durable != "" {
		return sub.Durable
	}
	return sanitize(sub.Group)
}

// consumerConfig is the durable consumer a Sub asks for. The group's name
// goes into Description as well, so that Snapshot can name a pull
// consumer's group (a pull consumer has no DeliverGroup).
func consumerConfig(sub broker.Sub) *nats.ConsumerConfig {
	name := consumerName(sub)
	cfg := &nats.ConsumerConfig{
		Durable:       name,
		Description:   sub.Group,
		AckPolicy:     nats.AckExplicitPolicy,
		AckWait:       sub.AckWait,
		MaxAckPending: sub.MaxAckPending,
		MaxDeliver:    sub.MaxDeliver,
		BackOff:       sub.BackOff,
		DeliverPolicy: nats.DeliverNewPolicy,
	}
	if cfg.MaxAckPending == 0 {
		cfg.MaxAckPending = sub.MaxInflight
	}
	if cfg.MaxDeliver <= 0 {
		cfg.MaxDeliver = -1 // the server's "unlimited"
	}
	if sub.StartAll {
		cfg.DeliverPolicy = nats.DeliverAllPolicy
	}
	if !sub.Pull {
		cfg.DeliverSubject = deliverPrefix + streamName(sub.Channel) + "." + name
		cfg.DeliverGroup = sub.Group
	}
	return cfg
}

// provisioner creates streams and consumers once each, on first use. The
// mutex keeps two members of one group (or a member and a publisher) from
// racing to create the same thing in this process; across processes the
// server accepts a create whose config equals the existing one.
type provisioner struct {
	storage nats.StorageType

	mu        sync.Mutex
	streams   map[string]bool
	consumers map[string]bool // stream + "\x00" + consumer
}

func newProvisioner(storage nats.StorageType) *provisioner {
	return &provisioner{storage: storage, streams: map[string]bool{}, consumers: map[string]bool{}}
}

// ensureStream creates the channel's stream unless it exists.
func (p *provisioner) ensureStream(js nats.JetStreamManager, channel string) (string, error) {
	name := streamName(channel)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.streams[name] {
		return name, nil
	}
	cfg := &nats.StreamConfig{Name: name, Subjects: []string{channel}, Storage: p.storage}
	if _, err := js.AddStream(cfg); err != nil {
		if !errors.Is(err, nats.ErrStreamNameAlreadyInUse) {
			return "", fmt.Errorf("create stream %q for channel %q: %w", name, channel, err)
		}
		if err := sameSubjects(js, name, channel); err != nil {
			return "", err
		}
	}
	p.streams[name] = true
	return name, nil
}

// sameSubjects checks that an existing stream holds the channel: two
// channels whose names differ only in characters a name cannot hold
// ("a.b", "a_b") would otherwise share a stream.
func sameSubjects(js nats.JetStreamManager, name, channel string) error {
	info, err := js.StreamInfo(name)
	if err != nil {
		return fmt.Errorf("stream %q: %w", name, err)
	}
	for _, s := range info.Config.Subjects {
		if s == channel {
			return nil
		}
	}
	return fmt.Errorf("stream %q already holds %v, not channel %q (channel names that differ only in '.', '*', '>', '/', '\\' or spaces cannot share a server)",
		name, info.Config.Subjects, channel)
}

// ensureConsumer creates the group's durable consumer unless this process
// already did; it never deletes one, so a member's graceful unsubscribe
// leaves the group's consumer (and its unacked messages) in place.
func (p *provisioner) ensureConsumer(js nats.JetStreamManager, stream string, sub broker.Sub) (string, error) {
	cfg := consumerConfig(sub)
	key := stream + "\x00" + cfg.Durable
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.consumers[key] {
		return cfg.Durable, nil
	}
	if _, err := js.AddConsumer(stream, cfg); err != nil {
		return "", fmt.Errorf("create consumer %q on stream %q for group %q: %w", cfg.Durable, stream, sub.Group, err)
	}
	p.consumers[key] = true
	return cfg.Durable, nil
}
