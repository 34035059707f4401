//go:build unix

package run

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/stansim/stansim/sim/history"
)

// child is the parent's handle on a member process (ARCHITECTURE.md,
// process mode): it signals it, answers its offers, records its events on
// the run's clock, and never lets it outlive the run.
type child struct {
	e      *engine
	cmd    *exec.Cmd
	stdinM sync.Mutex
	stdin  io.WriteCloser
	exited chan struct{} // closed once reaped
	read   chan struct{} // closed once its stdout is drained
	up     chan struct{} // closed at its member_up line
	stderr bytes.Buffer  // last words, for errors

	mu                  sync.Mutex
	delivered, finished int
}

// spawn starts l as a child process of this same binary.
func (e *engine) spawn(m *member, l *life) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cfg, err := json.Marshal(childConfig{URL: e.memberURL(), Member: m.name, Life: m.lives - 1, Seed: e.sc.Seed, Listener: m.listener})
	if err != nil {
		return err
	}
	c := &child{e: e, exited: make(chan struct{}), read: make(chan struct{}), up: make(chan struct{})}
	c.cmd = exec.Command(exe)
	c.cmd.Env = append(os.Environ(), ChildEnv+"="+string(cfg))
	// Its own process group, and SIGKILL when the thread that started it
	// ends: with stansim itself killed, no member lives on.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.cmd.Stderr = &tailWriter{buf: &c.stderr}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := c.start(); err != nil {
		return err
	}
	go c.readEvents(m, stdout)
	select {
	case <-c.up:
		l.proc = c
		return nil
	case <-c.read:
	case <-time.After(15 * time.Second):
	}
	c.kill()
	return fmt.Errorf("%w: %s", errChildGone, bytes.TrimSpace(c.stderr.Bytes()))
}

// start runs the child from a goroutine locked to its OS thread, which
// stays until the child is reaped: Linux ties Pdeathsig to that thread.
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
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	return <-started
}

// readEvents records the child's events and answers its offers until its
// stdout closes.
func (c *child) readEvents(m *member, r io.Reader) {
	defer close(c.read)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, history.MaxLine)
	upSeen := false
	for sc.Scan() {
		var l childLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
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
		c.count(ev)
		c.e.rec.Record(c.e.clock(l.Mono), ev)
		if ev.Ev == history.KindDone && ev.AckErr == "" {
			c.e.track.done(ev.Group, ev.ID)
		}
		if ev.Ev == history.KindMemberUp && !upSeen {
			upSeen = true
			close(c.up)
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
	defer c.mu.Unlock()
	return c.delivered > c.finished
}

// signal sends sig to the member process.
func (c *child) signal(sig syscall.Signal) {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(sig)
	}
}

// stop asks a live member to Close() and exit (the end of the run), and
// kills it if it does not within a few seconds.
func (c *child) stop() {
	c.write(childLine{Stop: true})
	select {
	case <-c.exited:
	case <-time.After(3 * time.Second):
	}
	c.kill()
}

// kill ends the process (also a stopped one) and waits until it is reaped
// and its last lines are recorded.
func (c *child) kill() {
	select {
	case <-c.exited:
	default:
		c.signal(syscall.SIGKILL)
		<-c.exited
	}
	<-c.read
	c.stdinM.Lock()
	_ = c.stdin.Close()
	c.stdinM.Unlock()
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
