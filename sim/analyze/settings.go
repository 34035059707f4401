package analyze

import (
	"time"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// Settings are the run's timing settings, read from run_start's resolved
// scenario. Known is false when the history did not carry them.
type Settings struct {
	Known       bool
	Description string
	Heartbeat   Heartbeat
	Groups      map[string]GroupSettings
}

// Heartbeat is the server's client heartbeat configuration.
type Heartbeat struct {
	Interval, Timeout time.Duration
	FailCount         int
}

// RemovalWindow is when the server drops a member whose connection closed:
// between F·I and (F+1)·I after its death.
func (h Heartbeat) RemovalWindow() (lo, hi time.Duration) {
	return time.Duration(h.FailCount) * h.Interval, time.Duration(h.FailCount+1) * h.Interval
}

// RemovalWindowFor is when the server drops a member after a death of the
// given kind: a closed connection (forced) fails each heartbeat at once,
// F·I to (F+1)·I; a frozen one (hang) makes each wait its timeout,
// F·(I+T) to (F+1)·(I+T). A graceful Close() is immediate: 0, 0.
func (h Heartbeat) RemovalWindowFor(kind string) (lo, hi time.Duration) {
	switch kind {
	case history.DeathGraceful:
		return 0, 0
	case history.DeathHang:
		p := h.Interval + h.Timeout
		return time.Duration(h.FailCount) * p, time.Duration(h.FailCount+1) * p
	}
	return h.RemovalWindow()
}

// GroupSettings are one queue group's subscription options.
type GroupSettings struct {
	Channel     string
	Members     int
	Durable     string
	AckWait     time.Duration
	MaxInflight int
	ProcessTime string
	Start       string
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
		Heartbeat:   Heartbeat(sc.Server.Heartbeat),
		Groups:      map[string]GroupSettings{},
	}
	for _, l := range sc.Listeners {
		s.Groups[l.Group] = GroupSettings{
			Channel: l.Channel, Members: l.Members, Durable: l.Durable, AckWait: l.AckWait,
			MaxInflight: l.MaxInflight, ProcessTime: l.ProcessTime.String(), Start: l.Start,
		}
	}
	return s
}

// AckWait is the group's AckWait, or 0 when unknown.
func (s Settings) AckWait(group string) time.Duration { return s.Groups[group].AckWait }
