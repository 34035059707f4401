//go:build unix

package run

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
	"github.com/stansim/stansim/sim/server"
)

// A command-mode member is the scenario's own program (README, "Bring
// your own listener"). stansim starts it with the connection settings in
// STANSIM_* variables, kills it by the process-mode signals, and records
// what it reports on stdout, one JSON object per line, stamped on the
// run's clock as each line arrives:
//
//	{"ev":"deliver","seq":N,"data":"<body as received>","redelivered":B}
//	{"ev":"done","seq":N}
//
// (a deliver line may add "redeliveries":N). It is up once the server
// lists its subscription, or at its first deliver line.

// commandStartLimit bounds how long a program may take to subscribe.
const commandStartLimit = 30 * time.Second

// commandLine is one protocol line from a command member.
type commandLine struct {
	Ev           string  `json:"ev"`
	Seq          uint64  `json:"seq"`
	Data         *string `json:"data"`
	Redelivered  *bool   `json:"redelivered"`
	Redeliveries *int    `json:"redeliveries"`
}

// heldMsg is a delivery the program has not reported done; held maps a
// seq to its copies, oldest first.
type heldMsg struct {
	p            payload
	redeliveries *int
}

// spawnCommand starts l as the listener's program.
func (e *engine) spawnCommand(m *member, l *life) error {
	ls := m.listener
	cmd := exec.Command(ls.Command[0], ls.Command[1:]...)
	cmd.Dir = ls.Dir
	cmd.Env = e.commandEnv(ls, l.client)
	c, stdout, err := e.newChild(m, l.client, cmd)
	if err != nil {
		return err
	}
	c.held = map[uint64][]heldMsg{}
	if err := c.start(); err != nil {
		return fmt.Errorf("command %s could not start: %w", argv(ls.Command), err)
	}
	go c.readCommand(stdout)
	stopPoll := make(chan struct{})
	go c.pollSubscribed(stopPoll)
	err = c.waitUp(commandStartLimit)
	close(stopPoll)
	if err != nil {
		return fmt.Errorf("command %s: %w", argv(ls.Command), err)
	}
	l.proc = c
	return nil
}

// commandEnv is the program's environment: stansim's own, the scenario's
// env, then the STANSIM_* settings (the last of a name wins).
func (e *engine) commandEnv(ls scenario.Listener, client string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, scenario.CommandEnvPrefix) })
	for _, k := range slices.Sorted(maps.Keys(ls.Env)) {
		env = append(env, k+"="+ls.Env[k])
	}
	set := func(k, v string) { env = append(env, scenario.CommandEnvPrefix+k+"="+v) }
	set("NATS_URL", e.memberURL())
	set("CLUSTER_ID", server.ClusterID)
	set("CLIENT_ID", client)
	set("CHANNEL", ls.Channel)
	set("GROUP", ls.Group)
	set("DURABLE", ls.Durable)
	set("ACK_WAIT_MS", strconv.FormatInt(ls.AckWait.Milliseconds(), 10))
	set("MAX_INFLIGHT", strconv.Itoa(ls.MaxInflight))
	set("START", ls.Start)
	return env
}

// pollSubscribed marks the program up once the server lists a
// subscription of its client id.
func (c *child) pollSubscribed(stop <-chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-c.up:
			return
		case <-tick.C:
		}
		if v, err := c.e.b.Snapshot(c.e.ctx); err == nil && subscribed(v, c.client) {
			c.markUpNow()
			return
		}
	}
}

// subscribed reports whether the view lists a subscription of client.
func subscribed(v broker.View, client string) bool {
	return slices.ContainsFunc(v.Subs, func(s history.Sub) bool { return s.Client == client })
}

// readCommand records the program's lines until its stdout closes; a
// line that is not a protocol line is counted for member_exit.
func (c *child) readCommand(r io.Reader) {
	defer close(c.read)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, history.MaxLine)
	for sc.Scan() {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		if !c.commandLine(b) {
			c.badLine(b)
		}
	}
	if err := sc.Err(); err != nil {
		c.badLine([]byte(err.Error()))
		_, _ = io.Copy(io.Discard, r) // never block the program on a full pipe
	}
}

// commandLine records one line, stamped now; false when it is not a
// protocol line.
func (c *child) commandLine(b []byte) bool {
	var l commandLine
	if json.Unmarshal(b, &l) != nil || l.Seq == 0 {
		return false
	}
	switch l.Ev {
	case history.KindDeliver:
		var p payload
		if l.Data == nil || json.Unmarshal([]byte(*l.Data), &p) != nil || p.ID == "" {
			return false
		}
		now := c.markUpNow() // up no later than its first delivery
		c.mu.Lock()
		// A seq can come again while the program still holds it (AckWait
		// ran out): each copy waits for its own done, first in first out.
		c.held[l.Seq] = append(c.held[l.Seq], heldMsg{p: p, redeliveries: l.Redeliveries})
		c.mu.Unlock()
		c.e.rec.Record(now, history.Event{Ev: history.KindDeliver, Member: c.m.name, Group: c.m.listener.Group, Seq: l.Seq,
			ID: p.ID, Key: p.Key, Ver: p.Ver, Redelivered: l.Redelivered, Redeliveries: l.Redeliveries})
	case history.KindDone:
		now := time.Now()
		c.mu.Lock()
		copies := c.held[l.Seq]
		var h heldMsg
		if len(copies) > 0 {
			h = copies[0]
			if len(copies) == 1 {
				delete(c.held, l.Seq)
			} else {
				c.held[l.Seq] = copies[1:]
			}
		}
		c.mu.Unlock()
		if len(copies) == 0 {
			return false // done for a message it never reported delivered
		}
		g := c.m.listener.Group
		c.e.states[g].offer(h.p.Key, h.p.Ver, func() {
			c.e.rec.Record(now, history.Event{Ev: history.KindDone, Member: c.m.name, Group: g, Seq: l.Seq,
				ID: h.p.ID, Key: h.p.Key, Ver: h.p.Ver, Redeliveries: h.redeliveries})
		})
		c.e.track.done(g, h.p.ID)
	default:
		return false
	}
	return true
}

// argv quotes a command line for messages.
func argv(cmd []string) string {
	q := make([]string, len(cmd))
	for i, a := range cmd {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, " ") + "]"
}
