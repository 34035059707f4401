package run

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/stansim/stansim/sim/broker"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// publisher publishes one scenario publisher's messages, evenly spaced,
// with async publishes whose acks are recorded as they come.
type publisher struct {
	e    *engine
	p    scenario.Publisher
	conn broker.Publisher
}

func (e *engine) connectPublisher(p scenario.Publisher) (*publisher, error) {
	conn, err := e.b.Publisher("pub-" + p.Name)
	if err != nil {
		return nil, fmt.Errorf("publisher %s: %w", p.Name, err)
	}
	return &publisher{e: e, p: p, conn: conn}, nil
}

// run publishes until Count messages are out or ctx ends. Message i is due
// at zero + i/rate; when behind, it publishes without waiting.
func (pb *publisher) run(ctx context.Context, zero time.Time) {
	e, p := pb.e, pb.p
	vers := make([]int, p.Keys)
	keys := keyNames(p.Name, p.Keys)
	body := newBodies(p.Name)
	slot := e.track.publisher(p.Name, p.Channel, p.Count)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for i := range p.Count {
		due := zero.Add(time.Duration(float64(i) * float64(time.Second) / p.Rate))
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		k := i % p.Keys
		vers[k]++
		id := body.id(i + 1)
		// A fresh slice each message: a client library may hold it until
		// the publish is acked (JetStream's retries do).
		data := body.bytes(i+1, k+1, vers[k])
		e.track.published(slot, i)
		e.rec.Record(time.Now(), history.Event{Ev: history.KindPublish, Pub: p.Name, Channel: p.Channel, Key: keys[k], Ver: vers[k], ID: id})
		if err := pb.conn.PublishAsync(p.Channel, data, func(err error) { pb.acked(slot, i, id, err) }); err != nil {
			pb.acked(slot, i, id, err)
		}
	}
	e.track.publisherDone()
}

func (pb *publisher) acked(slot *pubTrack, i int, id string, err error) {
	ev := history.Event{Ev: history.KindPublishAck, ID: id}
	if err != nil {
		ev.Err = err.Error()
	}
	pb.e.rec.Record(time.Now(), ev)
	pb.e.track.acked(slot, i, err == nil)
}

// keyNames are a publisher's key names, "<name>-k1" up to "<name>-k<n>",
// built once: every message of a key carries the same string.
func keyNames(name string, n int) []string {
	keys := make([]string, n)
	for k := range keys {
		keys[k] = name + "-k" + strconv.Itoa(k+1)
	}
	return keys
}

// bodies builds a publisher's message bodies, the bytes json.Marshal makes
// of payload{ID: "<name>-<n>", Key: "<name>-k<k>", Ver: v}, without
// reflection: the name is escaped once, as encoding/json escapes it (it
// escapes a string one character at a time, so the name's escape followed
// by the ASCII suffix is the whole string's).
type bodies struct {
	name string // the publisher's name, for ids
	pre  []byte // `{"id":"<name>-`, the name escaped
	key  []byte // `","key":"<name>-k`
}

func newBodies(name string) bodies {
	q, _ := json.Marshal(name) // a string always marshals
	esc := q[1 : len(q)-1]
	return bodies{
		name: name,
		pre:  append(append([]byte(`{"id":"`), esc...), '-'),
		key:  append(append([]byte(`","key":"`), esc...), "-k"...),
	}
}

// id is message n's id, "<name>-<n>", in one allocation.
func (b bodies) id(n int) string {
	var buf [64]byte
	return string(strconv.AppendInt(append(append(buf[:0], b.name...), '-'), int64(n), 10))
}

// bytes is the body of message n (key k, version ver) in a slice of its
// own, allocated once at about its length.
func (b bodies) bytes(n, k, ver int) []byte {
	var buf [128]byte
	return bytes.Clone(b.append(buf[:0], n, k, ver))
}

// append appends the body of message n (key k, version ver) to dst.
func (b bodies) append(dst []byte, n, k, ver int) []byte {
	dst = append(dst, b.pre...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, b.key...)
	dst = strconv.AppendInt(dst, int64(k), 10)
	dst = append(dst, `","ver":`...)
	dst = strconv.AppendInt(dst, int64(ver), 10)
	return append(dst, '}')
}

// decodePayload decodes a message body into p. Bodies exactly as bodies
// builds them (plain printable-ASCII strings without escapes, an integer
// version) are read directly; anything else goes to json.Unmarshal, so p
// is always what json.Unmarshal makes of data (its error ignored, as the
// members always ignored it).
func decodePayload(data []byte, p *payload) {
	if !fastPayload(data, p) {
		*p = payload{}
		_ = json.Unmarshal(data, p)
	}
}

// fastPayload reads `{"id":"...","key":"...","ver":N}`; false when data
// is not exactly that.
func fastPayload(data []byte, p *payload) bool {
	rest, ok := cutPrefix(data, `{"id":"`)
	id, rest, ok2 := plainString(rest, ok)
	rest, ok = cutPrefix(rest, `,"key":"`)
	key, rest, ok3 := plainString(rest, ok && ok2)
	rest, ok = cutPrefix(rest, `,"ver":`)
	if !ok || !ok3 || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return false
	}
	ver, ok := plainInt(rest[:len(rest)-1])
	if !ok {
		return false
	}
	p.ID, p.Key, p.Ver = string(id), string(key), ver
	return true
}

func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return b, false
	}
	return b[len(prefix):], true
}

// plainString reads a string's bytes up to its closing quote; false if a
// byte needs JSON's escape rules or UTF-8 checks (controls, backslash, any
// byte above 0x7e), which json.Unmarshal then handles.
func plainString(b []byte, ok bool) (s, rest []byte, _ bool) {
	if !ok {
		return nil, b, false
	}
	for i, c := range b {
		switch {
		case c == '"':
			return b[:i], b[i+1:], true
		case c < 0x20 || c == '\\' || c >= utf8.RuneSelf:
			return nil, b, false
		}
	}
	return nil, b, false
}

// plainInt reads an integer as JSON writes it (an optional minus, no
// leading zeros) of few enough digits that it cannot overflow an int.
func plainInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	maxDigits := 18
	if strconv.IntSize == 32 {
		maxDigits = 9
	}
	if len(b) == 0 || len(b) > maxDigits || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
