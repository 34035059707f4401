package analyze

import (
	"time"

	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// Settings are the run's timing settings, read from run_start's resolved
// scenario. Known is false when the history did not carry them.
type Settings struct {
	Known       bool
	Description string
	// JetStream: the run's broker was JetStream (broker: jetstream), whose
	// liveness check is Ping, not Heartbeat.
	JetStream bool
	Heartbeat Heartbeat
	Ping      death.Ping
	Groups    map[string]GroupSettings
	// Order lists the groups in file order.
	Order []string
	// Expect is what the scenario says the run must show.
	Expect []scenario.Expectation
}

// Heartbeat is the server's client heartbeat configuration; the death
// table predicts removals from it.
type Heartbeat = death.Heartbeat

// GroupSettings are one queue group's subscription options.
type GroupSettings struct {
	Channel     string
	Members     int
	Durable     string
	AckWait     time.Duration
	MaxInflight int
	ProcessTime string
	Start       string
	Policy      string // scenario.PolicyNaive | PolicyVersionCheck
	// Mode is where the members run (scenario.ModeInProcess, ModeProcess,
	// ModeCommand); Command is the program of a ModeCommand group.
	Mode    string
	Command []string
	// JetStream consumer settings (zero on NATS Streaming).
	Consumer   string
	MaxDeliver int
	BackOff    []time.Duration
	OnClose    string
}

// ReadSettings parses run_start's resolved scenario. A history without one
// (or with one this version cannot read) gives Settings with Known false.
func ReadSettings(start *history.Event) Settings {
	if start == nil || start.Resolved == "" {
		return Settings{}
	}
	sc, err := scenario.ParseScenario("run_start.resolved", []byte(start.Resolved))
	if err != nil {
		return Settings{}
	}
	s := Settings{
		Known:       true,
		Description: sc.Description,
		JetStream:   sc.JetStream(),
		Heartbeat:   sc.Server.Heartbeat,
		Ping:        sc.Server.Ping,
		Groups:      map[string]GroupSettings{},
		Expect:      sc.Expect,
	}
	for _, l := range sc.Listeners {
		s.Order = append(s.Order, l.Group)
		s.Groups[l.Group] = GroupSettings{
			Channel: l.Channel, Members: l.Members, Durable: l.Durable, AckWait: l.AckWait,
			MaxInflight: l.MaxInflight, ProcessTime: l.ProcessTime.String(), Start: l.Start, Policy: l.Policy,
			Mode: l.Mode, Command: l.Command,
		}
		if sc.JetStream() {
			g := s.Groups[l.Group]
			g.Consumer, g.MaxDeliver, g.BackOff, g.OnClose = l.Consumer, l.MaxDeliver, l.BackOff, l.OnClose
			s.Groups[l.Group] = g
		}
	}
	return s
}

// AckWait is the group's AckWait, or 0 when unknown.
func (s Settings) AckWait(group string) time.Duration { return s.Groups[group].AckWait }

// Redelivery is how long the server waits for the ack of a message's k-th
// delivery (k >= 1) before it sends it again: AckWait, or on JetStream
// with a BackOff its k-th step (the last one repeating).
func (s Settings) Redelivery(group string, k int) time.Duration {
	g := s.Groups[group]
	if n := len(g.BackOff); n > 0 {
		return g.BackOff[min(k, n)-1]
	}
	return g.AckWait
}

// Removal is the predicted window between a death of kind k and the
// server's removal of the member, from the run's settings; ok is false when
// the settings are unknown or cannot say.
func (s Settings) Removal(k death.Kind) (death.Window, bool) {
	if !s.Known {
		return death.Window{}, false
	}
	return k.RemovalBy(s.Liveness())
}

// Liveness is how the run's broker noticed dead members.
func (s Settings) Liveness() death.Liveness {
	return death.Liveness{JetStream: s.JetStream, Heartbeat: s.Heartbeat, Ping: s.Ping}
}

// NakOnClose reports whether some group naks what a member holds at a
// graceful death (JetStream's on_close: nak).
func (s Settings) NakOnClose() bool {
	for _, g := range s.Groups {
		if g.OnClose == scenario.OnCloseNak {
			return true
		}
	}
	return false
}
