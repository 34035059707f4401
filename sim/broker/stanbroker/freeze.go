package stanbroker

import (
	"net"
	"sync"
	"time"
)

// freezableDialer gives a member's NATS connection a socket that can be
// frozen: reads and writes then block, as they do for a process stopped
// with SIGSTOP, until the socket is closed. The server sees a client that
// is still connected but never answers a heartbeat.
type freezableDialer struct {
	mu   sync.Mutex
	conn *freezableConn
}

// Dial implements nats.CustomDialer.
func (d *freezableDialer) Dial(network, address string) (net.Conn, error) {
	c, err := (&net.Dialer{Timeout: 2 * time.Second}).Dial(network, address)
	if err != nil {
		return nil, err
	}
	fc := &freezableConn{Conn: c, thawed: make(chan struct{}), closed: make(chan struct{})}
	close(fc.thawed)
	d.mu.Lock()
	d.conn = fc
	d.mu.Unlock()
	return fc, nil
}

// freeze stops all traffic on the current socket.
func (d *freezableDialer) freeze() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.conn.freeze()
	}
}

// thaw lets traffic flow again on the current socket (SIGCONT).
func (d *freezableDialer) thaw() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.conn.thaw()
	}
}

// close closes the current socket, which also releases blocked calls.
func (d *freezableDialer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		_ = d.conn.Close()
	}
}

type freezableConn struct {
	net.Conn
	mu     sync.Mutex
	thawed chan struct{} // closed while traffic flows
	closed chan struct{}
	once   sync.Once
}

func (c *freezableConn) freeze() {
	c.mu.Lock()
	c.thawed = make(chan struct{})
	c.mu.Unlock()
}

func (c *freezableConn) thaw() {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.thawed:
	default:
		close(c.thawed)
	}
}

// wait blocks while frozen; false once the socket is closed.
func (c *freezableConn) wait() bool {
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

func (c *freezableConn) Read(b []byte) (int, error) {
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

func (c *freezableConn) Write(b []byte) (int, error) {
	if !c.wait() {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(b)
}

func (c *freezableConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
