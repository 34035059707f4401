//go:build unix

package run

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// child is the parent's handle on a member process (ARCHITECTURE.md,
// process mode): it signals it, records its events on the run's clock,
// records how it ended (member_exit), and never lets it outlive the run.
// A process-mode child is this binary and talks childLine (child.go); a
// command-mode child is the scenario's program and talks the command
// protocol (command.go).
type child struct {
	e      *engine
	m      *member
	client string
	cmd    *exec.Cmd
	stdinM sync.Mutex
	stdin  io.WriteCloser
	exited chan struct{} // closed once reaped
	read   chan struct{} // closed once its stdout is drained
	up     chan struct{} // closed once it is subscribed
	ended  chan struct{} // closed once member_exit is recorded
	upMu   sync.Mutex    // orders member_up against the first deliver line
	stderr bytes.Buffer  // last words, for errors and member_exit

	mu                  sync.Mutex
	delivered, finished int
	by                  string // what ended it: history.ByFault, ByStop
	exit                string // its status once reaped
	bad                 int    // stdout lines that were not protocol lines
	firstBad            string
	held                map[uint64][]heldMsg // command mode: delivered, not done
}

// newChild prepares cmd as member m's life under client id client: its
// own process group, SIGKILL should stansim die, stderr's tail kept.
func (e *engine) newChild(m *member, client string, cmd *exec.Cmd) (*child, io.Reader, error) {
	c := &child{e: e, m: m, client: client, cmd: cmd, exited: make(chan struct{}), read: make(chan struct{}),
		up: make(chan struct{}), ended: make(chan struct{})}
	// Its own process group, and SIGKILL when the thread that started it
	// ends: with stansim itself killed, no member lives on.
	c.cmd.SysProcAttr = memberProcAttr()
	c.cmd.Stderr = &tailWriter{buf: &c.stderr}
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	return c, stdout, nil
}

// spawn starts l as a child process of this same binary.
func (e *engine) spawn(m *member, l *life) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cfg, err := json.Marshal(childConfig{URL: e.memberURL(), JetStream: e.sc.JetStream(), Store: e.sc.Server.Store,
		Member: m.name, Life: m.lives - 1, Seed: e.sc.Seed, Listener: m.listener})
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), ChildEnv+"="+string(cfg))
	c, stdout, err := e.newChild(m, l.client, cmd)
	if err != nil {
		return err
	}
	if err := c.start(); err != nil {
		return err
	}
	go c.readEvents(stdout)
	if err := c.waitUp(15 * time.Second); err != nil {
		return err
	}
	l.proc = c
	return nil
}

// waitUp waits until the child is subscribed. If it ends first, does not
// within limit, or the run is interrupted, it is killed and the error
// names its exit status and stderr's last lines.
func (c *child) waitUp(limit time.Duration) error {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var why error
	select {
	case <-c.up:
		return nil
	case <-c.read:
		why = errChildGone
	case <-timer.C:
		why = fmt.Errorf("the member process did not subscribe within %v", limit)
	case <-c.e.ctx.Done():
		why = context.Cause(c.e.ctx)
	}
	c.kill()
	c.mu.Lock()
	exit := c.exit
	c.mu.Unlock()
	return fmt.Errorf("%w (%s)%s", why, exit, stderrClause(c.stderrTail()))
}

// stderrClause is "; its stderr ends: ..." or "".
func stderrClause(tail string) string {
	if tail == "" {
		return "; it wrote nothing on stderr"
	}
	return "; its stderr ends:\n" + tail
}

// start runs the child from a goroutine locked to its OS thread, which
// stays until the child is reaped: Linux ties Pdeathsig to that thread.
// Once it is reaped and its stdout drained, member_exit is recorded.
func (c *child) start() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		started <- nil
		// Wait closes the stdout pipe: only once it is read to EOF (the
		// process and whatever it left holding it are gone), or lines
		// still in the pipe would be lost.
		<-c.read
		_ = c.cmd.Wait()
		c.mu.Lock()
		c.exit = c.cmd.ProcessState.String()
		c.mu.Unlock()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return err
	}
	go c.recordExit()
	return nil
}

// recordExit records member_exit once the child is reaped and its stdout
// drained: the last of its events.
func (c *child) recordExit() {
	defer close(c.ended)
	<-c.exited
	<-c.read
	c.mu.Lock()
	ev := history.Event{Ev: history.KindMemberExit, Member: c.m.name, Group: c.m.listener.Group, Client: c.client,
		Exit: c.exit, By: c.by, BadLines: c.bad, FirstBad: c.firstBad}
	c.mu.Unlock()
	ev.Stderr = c.stderrTail()
	c.e.rec.Record(time.Now(), ev)
}

// markUp records member_up once, at t, and lets waitUp return.
func (c *child) markUp(t time.Time) {
	c.upMu.Lock()
	defer c.upMu.Unlock()
	c.markUpLocked(t)
}

// markUpNow is markUp at the present moment, read under the same lock: a
// delivery stamped by the reader after the poller marked the member up
// comes after member_up on the run's clock, and one stamped before it
// marks it up itself. It returns the moment.
func (c *child) markUpNow() time.Time {
	c.upMu.Lock()
	defer c.upMu.Unlock()
	t := time.Now()
	c.markUpLocked(t)
	return t
}

func (c *child) markUpLocked(t time.Time) {
	select {
	case <-c.up:
	default:
		c.e.rec.Record(t, history.Event{Ev: history.KindMemberUp, Member: c.m.name, Group: c.m.listener.Group, Client: c.client})
		close(c.up)
	}
}

// badLine counts a stdout line that is not a protocol line.
func (c *child) badLine(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bad++
	if c.bad == 1 {
		c.firstBad = string(truncate(b, maxBadLine))
	}
}

// maxBadLine bounds the first bad line kept in member_exit.
const maxBadLine = 200

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// readEvents records a process-mode child's events and answers its
// offers until its stdout closes.
func (c *child) readEvents(r io.Reader) {
	defer close(c.read)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, history.MaxLine)
	for sc.Scan() {
		var l childLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			c.badLine(sc.Bytes())
			continue
		}
		if l.Offer != nil {
			c.answer(*l.Offer)
			continue
		}
		if l.Event == nil {
			continue
		}
		ev := *l.Event
		if ev.Ev == history.KindMemberUp {
			c.markUp(c.e.clock(l.Mono))
			continue
		}
		c.count(ev)
		c.e.rec.Record(c.e.clock(l.Mono), ev)
		if ev.Ev == history.KindDone && ev.AckErr == "" {
			c.e.track.done(ev.Group, ev.ID)
		}
	}
}

func (c *child) count(ev history.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Ev {
	case history.KindDeliver:
		c.delivered++
	case history.KindDone, history.KindSkip:
		c.finished++
	}
}

// answer decides a child's offer on the group's state, held here.
func (c *child) answer(o offerMsg) {
	o.Applied, o.Have = c.e.states[o.Group].offer(o.Key, o.Ver, func() {})
	c.write(childLine{Offer: &o})
}

func (c *child) write(l childLine) {
	b, _ := json.Marshal(l)
	c.stdinM.Lock()
	defer c.stdinM.Unlock()
	_, _ = c.stdin.Write(append(b, '\n'))
}

// busy: it was handed messages it has not finished.
func (c *child) busy() bool {
	c.mu.Lock()
	if c.held == nil {
		defer c.mu.Unlock()
		return c.delivered > c.finished
	}
	var ids []string
	for _, copies := range c.held {
		for _, h := range copies {
			ids = append(ids, h.p.ID)
		}
	}
	c.mu.Unlock()
	// A program may leave a delivery unreported (its own version check
	// skipped it): once its group has done that id, nothing waits on it.
	g := c.m.listener.Group
	for _, id := range ids {
		if !c.e.track.groupDid(g, id) {
			return true
		}
	}
	return false
}

// signal sends sig to the member's process group (a program started
// through a shell script is stopped or killed with its children).
func (c *child) signal(sig syscall.Signal) {
	if c.cmd.Process != nil {
		_ = syscall.Kill(-c.cmd.Process.Pid, sig)
	}
}

// fault carries out a death: its signal, and member_exit will say so.
func (c *child) fault(sig syscall.Signal) {
	c.endedBy(history.ByFault)
	c.signal(sig)
}

// endedBy notes what is ending the child, unless something already is
// or it has already ended by itself.
func (c *child) endedBy(by string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.exited:
		return
	default:
	}
	if c.by == "" {
		c.by = by
	}
}

// stop ends a live member at the end of the run as its kind of member is
// ended: a process-mode child is told to Close() and exit; a command is
// sent SIGTERM, as a supervisor stops a program. Either is killed if it
// has not exited within a few seconds.
func (c *child) stop() {
	c.endedBy(history.ByStop)
	if c.m.listener.Mode == scenario.ModeCommand {
		c.signal(syscall.SIGTERM)
		c.signal(syscall.SIGCONT)
	} else {
		c.write(childLine{Stop: true})
	}
	select {
	case <-c.exited:
	case <-time.After(3 * time.Second):
	}
	c.kill()
}

// kill ends the process group (also a stopped one) and waits until the
// process is reaped and its last lines and member_exit are recorded.
func (c *child) kill() {
	c.endedBy(history.ByStop)
	// The whole group, even when its leader is gone: a program started
	// through a wrapper may have left children behind.
	c.signal(syscall.SIGKILL)
	<-c.ended
	c.stdinM.Lock()
	_ = c.stdin.Close()
	c.stdinM.Unlock()
}

// stderrTail is the last few lines the child wrote on stderr.
func (c *child) stderrTail() string {
	w := c.cmd.Stderr.(*tailWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return lastLines(strings.TrimSpace(w.buf.String()), stderrLines)
}

// stderrLines is how many of its last stderr lines a member_exit keeps.
const stderrLines = 12

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	i := len(s)
	for range n {
		j := strings.LastIndexByte(s[:i], '\n')
		if j < 0 {
			return s
		}
		i = j
	}
	return s[i+1:]
}

// tailWriter keeps the last 4 KB written to it.
type tailWriter struct {
	mu  sync.Mutex
	buf *bytes.Buffer
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if n := w.buf.Len(); n > 4096 {
		w.buf.Next(n - 4096)
	}
	return len(p), nil
}
