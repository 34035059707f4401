// Package freezable gives a member's NATS connection a socket that can be
// frozen, to simulate a process stopped with SIGSTOP without stopping the
// test's own process. Every broker implementation (stanbroker, jsbroker)
// dials its members through it, so a hang means the same thing for each.
package freezable

import (
	"net"
	"sync"
	"time"
)

// dialTimeout bounds the TCP connect to the loopback server.
const dialTimeout = 2 * time.Second

// Dialer is a nats.CustomDialer whose current socket can be frozen: reads
// and writes then block, as they do for a process stopped with SIGSTOP,
// until the socket is thawed or closed. The server sees a client that is
// still connected but never answers a heartbeat or a PING. The zero value
// is ready to use; a Dialer serves one connection at a time (the last one
// dialled).
type Dialer struct {
	mu   sync.Mutex
	conn *conn
}

// Dial implements nats.CustomDialer.
func (d *Dialer) Dial(network, address string) (net.Conn, error) {
	c, err := (&net.Dialer{Timeout: dialTimeout}).Dial(network, address)
	if err != nil {
		return nil, err
	}
	fc := &conn{Conn: c, thawed: make(chan struct{}), closed: make(chan struct{})}
	close(fc.thawed)
	d.mu.Lock()
	d.conn = fc
	d.mu.Unlock()
	return fc, nil
}

// Freeze stops all traffic on the current socket (SIGSTOP).
func (d *Dialer) Freeze() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.conn.freeze()
	}
}

// Thaw lets traffic flow again on the current socket (SIGCONT).
func (d *Dialer) Thaw() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.conn.thaw()
	}
}

// Frozen reports whether the current socket is frozen (and not thawed).
func (d *Dialer) Frozen() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn != nil && d.conn.frozen()
}

// Close closes the current socket, which also releases calls blocked on a
// freeze. The server sees the connection vanish without a goodbye.
func (d *Dialer) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		_ = d.conn.Close()
	}
}

// conn is one dialled socket that can be frozen.
type conn struct {
	net.Conn
	mu     sync.Mutex
	thawed chan struct{} // closed while traffic flows
	closed chan struct{}
	once   sync.Once
}

func (c *conn) freeze() {
	c.mu.Lock()
	c.thawed = make(chan struct{})
	c.mu.Unlock()
}

func (c *conn) frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.thawed:
		return false
	default:
		return true
	}
}

func (c *conn) thaw() {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.thawed:
	default:
		close(c.thawed)
	}
}

// wait blocks while frozen; false once the socket is closed.
func (c *conn) wait() bool {
	c.mu.Lock()
	thawed := c.thawed
	c.mu.Unlock()
	select {
	case <-thawed:
		return true
	case <-c.closed:
		return false
	}
}

// Read implements net.Conn, blocking while frozen.
func (c *conn) Read(b []byte) (int, error) {
	if !c.wait() {
		return 0, net.ErrClosed
	}
	n, err := c.Conn.Read(b)
	// Data that arrives as the freeze starts is held, not handed over.
	if n > 0 && !c.wait() {
		return 0, net.ErrClosed
	}
	return n, err
}

// Write implements net.Conn, blocking while frozen.
func (c *conn) Write(b []byte) (int, error) {
	if !c.wait() {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(b)
}

// Close implements net.Conn and releases blocked reads and writes.
func (c *conn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
