package run

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/broker/jsbroker"
	"github.com/stansim/stansim/sim/broker/stanbroker"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// A process-mode member is this same binary started again with its
// configuration in ChildEnv: IsChild tells main (and test mains) to run
// ChildMain instead of the command line. The child is an ordinary member
// (member.go) whose environment is the parent: its events go to the
// parent as JSON lines on stdout, stamped with CLOCK_MONOTONIC so the
// parent can place them on the run's clock, and it asks the parent, which
// holds the group's state, whether to apply each message.

// ChildEnv names the environment variable that carries a child's config.
const ChildEnv = "STANSIM_MEMBER_CHILD"

// IsChild reports whether this process was started as a member child.
func IsChild() bool { return os.Getenv(ChildEnv) != "" }

// childConfig is what a member process needs to know.
type childConfig struct {
	URL string
	// JetStream and Store: the member connects to a JetStream server
	// (jsbroker) with this storage; otherwise to NATS Streaming.
	JetStream bool
	Store     string
	Member    string
	Life      int
	Seed      int64
	Listener  scenario.Listener
}

// childLine is one line between parent and child. From the child: an
// event (with its CLOCK_MONOTONIC time) or an offer; from the parent: an
// offer's answer, or stop.
type childLine struct {
	Mono  int64          `json:"mono,omitempty"`
	Event *history.Event `json:"event,omitempty"`
	Offer *offerMsg      `json:"offer,omitempty"`
	Stop  bool           `json:"stop,omitempty"`
}

// offerMsg asks (from the child) or answers (from the parent) whether a
// version is applied.
type offerMsg struct {
	ID      int64  `json:"id"`
	Group   string `json:"group,omitempty"`
	Key     string `json:"key,omitempty"`
	Ver     int    `json:"ver,omitempty"`
	Applied bool   `json:"applied,omitempty"`
	Have    int    `json:"have,omitempty"`
}

// ChildMain runs this process as the member its ChildEnv describes, until
// the parent says stop, a signal ends it, or the parent goes away; it
// returns the exit status.
func ChildMain() int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(os.Getenv(ChildEnv)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "stansim member:", err)
		return 2
	}
	env := newChildEnv(cfg.URL, cfg.Seed, os.Stdout)
	if cfg.JetStream {
		env.js = &jsbroker.Endpoint{URL: cfg.URL, Store: cfg.Store}
	}
	cfg.Listener.Mode = scenario.ModeInProcess // this process is the member
	m := &member{env: env, name: cfg.Member, listener: cfg.Listener, lives: cfg.Life}
	l, err := m.connect()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stansim member:", err)
		return 1
	}
	quit := make(chan struct{})
	if cfg.Listener.CloseOnSignal {
		// The fixed listener: SIGTERM and SIGINT call Close(), then exit.
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
		go func() { <-sigs; close(quit) }()
	}
	stopped := make(chan struct{})
	go env.readParent(os.Stdin, stopped)
	select {
	case <-quit:
	case <-stopped: // stop, or the parent is gone
	}
	l.die(death.EffectClose)
	env.flush()
	return 0
}

// childEnv is a member's environment inside a child process.
type childEnv struct {
	url   string
	js    *jsbroker.Endpoint // a JetStream server's; nil for NATS Streaming
	seedv int64
	mono0 int64
	t0    time.Time

	wmu sync.Mutex
	w   *bufio.Writer

	omu     sync.Mutex
	nextID  int64
	waiting map[int64]chan offerMsg
}

func newChildEnv(url string, seed int64, out io.Writer) *childEnv {
	mono0, t0 := clockPair()
	return &childEnv{url: url, seedv: seed, mono0: mono0, t0: t0, w: bufio.NewWriter(out), waiting: map[int64]chan offerMsg{}}
}

func (c *childEnv) connect(client string, sub broker.Sub, deliver func(broker.Msg)) (broker.Member, error) {
	if c.js != nil {
		return jsbroker.Member(*c.js, client, sub, deliver)
	}
	return stanbroker.Member(c.url, client, sub, deliver)
}

func (c *childEnv) seed() int64 { return c.seedv }

// done is the parent's business: it sees the done line.
func (c *childEnv) done(string, string) {}

// record sends the event with the CLOCK_MONOTONIC time of t.
func (c *childEnv) record(t time.Time, ev history.Event) {
	c.send(childLine{Mono: c.mono0 + int64(t.Sub(c.t0)), Event: &ev})
}

func (c *childEnv) send(l childLine) {
	b, err := json.Marshal(l)
	if err != nil {
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.w.Write(append(b, '\n'))
	c.w.Flush() // each line as it happens: a SIGKILL loses nothing written
}

func (c *childEnv) flush() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.w.Flush()
}

// offer asks the parent, which holds the group's state; the commit (ack and
// done line) runs here once the parent said apply.
func (c *childEnv) offer(group, key string, ver int, commit func()) (bool, int) {
	c.omu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan offerMsg, 1)
	c.waiting[id] = ch
	c.omu.Unlock()
	c.send(childLine{Offer: &offerMsg{ID: id, Group: group, Key: key, Ver: ver}})
	a, ok := <-ch
	if !ok {
		return false, 0 // the parent is gone
	}
	if a.Applied {
		commit()
	}
	return a.Applied, a.Have
}

// readParent delivers the parent's answers until stop or EOF, then closes
// stopped (and fails the offers still waiting).
func (c *childEnv) readParent(r io.Reader, stopped chan struct{}) {
	defer close(stopped)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var l childLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			continue
		}
		if l.Stop {
			break
		}
		if l.Offer != nil {
			c.omu.Lock()
			ch := c.waiting[l.Offer.ID]
			delete(c.waiting, l.Offer.ID)
			c.omu.Unlock()
			if ch != nil {
				ch <- *l.Offer
			}
		}
	}
	c.omu.Lock()
	for id, ch := range c.waiting {
		close(ch)
		delete(c.waiting, id)
	}
	c.omu.Unlock()
}

// errChildGone is returned when a member process ended (or closed its
// stdout) before it subscribed.
var errChildGone = errors.New("the member process ended, or closed its stdout, before it subscribed")
