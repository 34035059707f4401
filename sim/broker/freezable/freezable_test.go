package freezable

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// pair dials a loopback listener through d and returns both ends.
func pair(t *testing.T, d *Dialer) (client net.Conn, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	client, err = d.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// block is how long a frozen read must stay blocked to count as blocked.
const block = 100 * time.Millisecond

func TestFreezeHoldsReadsUntilThaw(t *testing.T) {
	d := &Dialer{}
	client, server := pair(t, d)
	d.Freeze()
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 5)
		n, _ := io.ReadFull(client, b)
		got <- string(b[:n])
	}()
	if _, err := server.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		t.Fatalf("frozen read returned %q", s)
	case <-time.After(block):
	}
	d.Thaw()
	select {
	case s := <-got:
		if s != "hello" {
			t.Errorf("read %q after thaw", s)
		}
	case <-time.After(time.Second):
		t.Fatal("read still blocked after thaw")
	}
}

func TestCloseReleasesAFrozenWrite(t *testing.T) {
	d := &Dialer{}
	client, _ := pair(t, d)
	d.Freeze()
	done := make(chan error, 1)
	go func() {
		_, err := client.Write([]byte("x"))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("frozen write returned %v", err)
	case <-time.After(block):
	}
	d.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("write after close: %v, want net.ErrClosed", err)
		}
	case <-time.After(time.Second):
		t.Fatal("write still blocked after close")
	}
}

// Frozen is the socket's state, the one members ask before a goodbye that
// a frozen socket would block.
func TestFrozenTracksFreezeAndThaw(t *testing.T) {
	d := &Dialer{}
	if d.Frozen() {
		t.Fatal("frozen before any dial")
	}
	pair(t, d)
	for _, step := range []struct {
		do   func()
		want bool
	}{{func() {}, false}, {d.Freeze, true}, {d.Thaw, false}, {d.Freeze, true}} {
		step.do()
		if got := d.Frozen(); got != step.want {
			t.Fatalf("Frozen() = %v, want %v", got, step.want)
		}
	}
}
