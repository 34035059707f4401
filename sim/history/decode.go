package history

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/stansim/stansim/sim/death"
)

// Decoder reads history lines into events, as the reader does. Lines as
// stansim writes them (the fixed schema of Event, known keys once each,
// strings without escapes) take a fast path without reflection; any other
// line goes to encoding/json, so a line decodes to what json.Unmarshal
// makes of it and fails exactly where it fails. One Decoder serves one
// goroutine.
type Decoder struct {
	// strs interns the short strings that repeat from line to line
	// (kinds, members, groups, keys, clients): a direct-mapped cache, so a
	// repeated string costs a hash and a compare, and a new one a copy.
	strs [1 << 12]string
}

// maxInternLen is the longest string worth interning.
const maxInternLen = 64

// NewDecoder returns a Decoder with an empty string cache.
func NewDecoder() *Decoder { return &Decoder{} }

// Decode fills e (which it first zeroes) from one history line, trimmed of
// surrounding space. The values e points to may be shared (see Bool).
func (d *Decoder) Decode(b []byte, e *Event) error {
	*e = Event{}
	if d.fast(b, e) {
		return nil
	}
	*e = Event{}
	return json.Unmarshal(b, e)
}

// intern returns b as a string, shared with an earlier equal string when
// the cache still holds one.
func (d *Decoder) intern(b []byte) string {
	if len(b) > maxInternLen {
		return string(b)
	}
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &d.strs[h&(uint32(len(d.strs))-1)]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// Event field numbers, for the set of keys already seen on a line.
const (
	fT = iota
	fEv
	fFormat
	fVersions
	fScenario
	fSeed
	fWritten
	fResolved
	fSampleInterval
	fPub
	fChannel
	fID
	fKey
	fVer
	fErr
	fMember
	fGroup
	fSeq
	fRedelivered
	fRedeliveries
	fAckErr
	fHave
	fDeath
	fClient
	fExit
	fBy
	fBadLines
	fFirstBad
	fStderr
	fClients
	fSubs
	fViewErr
	fReason
)

// fast decodes b on the fast path; false means the line needs encoding/json.
func (d *Decoder) fast(b []byte, e *Event) bool {
	l := lexer{b: b}
	if !l.open('{') {
		return false
	}
	var seen uint64
	for first := true; ; first = false {
		if l.close('}') {
			return l.end()
		}
		if !first && !l.expect(',') {
			return false
		}
		key, ok := l.str()
		if !ok || !l.expect(':') {
			return false
		}
		f, ok := d.field(&l, key, e)
		if !ok || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
	}
}

// field decodes the value of key into e and returns the field's number.
func (d *Decoder) field(l *lexer, key []byte, e *Event) (int, bool) {
	switch string(key) {
	case "t":
		return fT, l.int(&e.T)
	case "ev":
		return fEv, d.strField(l, &e.Ev)
	case "format":
		return fFormat, l.intAs(&e.Format)
	case "versions":
		return fVersions, d.versions(l, e)
	case "scenario":
		return fScenario, d.strField(l, &e.Scenario)
	case "seed":
		var n int64
		ok := l.int(&n)
		e.Seed = &n
		return fSeed, ok
	case "written":
		return fWritten, d.strField(l, &e.Written)
	case "resolved":
		return fResolved, d.strField(l, &e.Resolved)
	case "sample_interval_ns":
		return fSampleInterval, l.int(&e.SampleInterval)
	case "pub":
		return fPub, d.strField(l, &e.Pub)
	case "channel":
		return fChannel, d.strField(l, &e.Channel)
	case "id":
		s, ok := l.str()
		e.ID = string(s)
		return fID, ok
	case "key":
		return fKey, d.strField(l, &e.Key)
	case "ver":
		return fVer, l.intAs(&e.Ver)
	case "err":
		return fErr, d.strField(l, &e.Err)
	}
	return d.field2(l, key, e)
}

// field2 is field for the keys of deliveries, deaths and server views.
func (d *Decoder) field2(l *lexer, key []byte, e *Event) (int, bool) {
	switch string(key) {
	case "member":
		return fMember, d.strField(l, &e.Member)
	case "group":
		return fGroup, d.strField(l, &e.Group)
	case "seq":
		return fSeq, l.uint(&e.Seq)
	case "redelivered":
		v, ok := l.bool()
		e.Redelivered = Bool(v)
		return fRedelivered, ok
	case "redeliveries":
		return fRedeliveries, l.intPtr(&e.Redeliveries)
	case "ack_err":
		return fAckErr, d.strField(l, &e.AckErr)
	case "have":
		return fHave, l.intPtr(&e.Have)
	case "death":
		s, ok := l.str()
		e.Death = death.Kind(d.intern(s))
		return fDeath, ok
	case "client":
		return fClient, d.strField(l, &e.Client)
	case "exit":
		return fExit, d.strField(l, &e.Exit)
	case "by":
		return fBy, d.strField(l, &e.By)
	case "bad_lines":
		return fBadLines, l.intAs(&e.BadLines)
	case "first_bad":
		s, ok := l.str()
		e.FirstBad = string(s)
		return fFirstBad, ok
	case "stderr":
		s, ok := l.str()
		e.Stderr = string(s)
		return fStderr, ok
	case "clients":
		return fClients, d.clients(l, e)
	case "subs":
		return fSubs, d.subs(l, e)
	case "view_err":
		return fViewErr, d.strField(l, &e.ViewErr)
	case "reason":
		return fReason, d.strField(l, &e.Reason)
	}
	return 0, false
}

func (d *Decoder) strField(l *lexer, dst *string) bool {
	s, ok := l.str()
	*dst = d.intern(s)
	return ok
}

// versions decodes run_start's map; an empty object is an empty map, as
// encoding/json makes it.
func (d *Decoder) versions(l *lexer, e *Event) bool {
	if !l.open('{') {
		return false
	}
	e.Versions = map[string]string{}
	for first := true; ; first = false {
		if l.close('}') {
			return true
		}
		if !first && !l.expect(',') {
			return false
		}
		k, ok := l.str()
		if !ok || !l.expect(':') {
			return false
		}
		v, ok := l.str()
		if !ok {
			return false
		}
		e.Versions[string(k)] = string(v)
	}
}

func (d *Decoder) clients(l *lexer, e *Event) bool {
	if !l.open('[') {
		return false
	}
	e.Clients = []string{}
	for first := true; ; first = false {
		if l.close(']') {
			return true
		}
		if !first && !l.expect(',') {
			return false
		}
		s, ok := l.str()
		if !ok {
			return false
		}
		e.Clients = append(e.Clients, d.intern(s))
	}
}

func (d *Decoder) subs(l *lexer, e *Event) bool {
	if !l.open('[') {
		return false
	}
	e.Subs = []Sub{}
	for first := true; ; first = false {
		if l.close(']') {
			return true
		}
		if !first && !l.expect(',') {
			return false
		}
		var s Sub
		if !d.sub(l, &s) {
			return false
		}
		e.Subs = append(e.Subs, s)
	}
}

// sub decodes one subscription object; every key at most once.
func (d *Decoder) sub(l *lexer, s *Sub) bool {
	if !l.open('{') {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		if l.close('}') {
			return true
		}
		if !first && !l.expect(',') {
			return false
		}
		key, ok := l.str()
		if !ok || !l.expect(':') {
			return false
		}
		var f uint8
		switch string(key) {
		case "channel":
			f, ok = 0, d.strField(l, &s.Channel)
		case "group":
			f, ok = 1, d.strField(l, &s.Group)
		case "client":
			f, ok = 2, d.strField(l, &s.Client)
		case "durable":
			f = 3
			s.Durable, ok = l.bool()
		case "offline":
			f = 4
			s.Offline, ok = l.bool()
		case "pending":
			f, ok = 5, l.intAs(&s.Pending)
		case "last_sent":
			f, ok = 6, l.uint(&s.LastSent)
		case "stalled":
			f = 7
			s.Stalled, ok = l.bool()
		default:
			return false
		}
		if !ok || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
	}
}

// lexer walks one line for the fast path. Every method reports false for
// anything it does not take, and the line then goes to encoding/json.
type lexer struct {
	b []byte
	i int
}

// ws skips JSON whitespace.
func (l *lexer) ws() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

// expect consumes c after whitespace.
func (l *lexer) expect(c byte) bool {
	if l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	l.ws()
	if l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	return false
}

// open is expect for an opening bracket.
func (l *lexer) open(c byte) bool { return l.expect(c) }

// close consumes the closing bracket c if it comes next.
func (l *lexer) close(c byte) bool { return l.expect(c) }

// end reports whether only whitespace is left.
func (l *lexer) end() bool {
	l.ws()
	return l.i == len(l.b)
}

// str reads a string without escapes or control characters whose bytes
// are valid UTF-8 (encoding/json would change nothing in it).
func (l *lexer) str() ([]byte, bool) {
	if !l.expect('"') {
		return nil, false
	}
	start, high := l.i, false
	for ; l.i < len(l.b); l.i++ {
		c := l.b[l.i]
		if plain[c] {
			continue
		}
		switch {
		case c == '"':
			s := l.b[start:l.i]
			l.i++
			return s, !high || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		high = true
	}
	return nil, false
}

// plain marks the bytes a fast-path string takes as they are: ASCII from
// space on, but for the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// digits reads an integer's digits (no sign, no fraction, no exponent, no
// leading zero, at most 18 digits so that it cannot overflow).
func (l *lexer) digits() (uint64, bool) {
	start := l.i
	var n uint64
	for l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '9' {
		n = n*10 + uint64(l.b[l.i]-'0')
		l.i++
	}
	nd := l.i - start
	if nd == 0 || nd > 18 || (nd > 1 && l.b[start] == '0') {
		return 0, false
	}
	if l.i < len(l.b) {
		switch l.b[l.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	return n, true
}

func (l *lexer) int(dst *int64) bool {
	l.ws()
	neg := l.i < len(l.b) && l.b[l.i] == '-'
	if neg {
		l.i++
	}
	n, ok := l.digits()
	*dst = int64(n)
	if neg {
		*dst = -*dst
	}
	return ok
}

func (l *lexer) intAs(dst *int) bool {
	var n int64
	ok := l.int(&n)
	*dst = int(n)
	return ok
}

func (l *lexer) intPtr(dst **int) bool {
	var n int64
	ok := l.int(&n)
	*dst = Int(int(n))
	return ok
}

// uint reads a non-negative integer (encoding/json refuses "-0" for one).
func (l *lexer) uint(dst *uint64) bool {
	l.ws()
	n, ok := l.digits()
	*dst = n
	return ok
}

func (l *lexer) bool() (bool, bool) {
	l.ws()
	rest := l.b[l.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		l.i += 4
		return true, l.delim()
	case len(rest) >= 5 && string(rest[:5]) == "false":
		l.i += 5
		return false, l.delim()
	}
	return false, false
}

// delim reports whether a literal ends here (as in "truex" it does not).
func (l *lexer) delim() bool {
	if l.i == len(l.b) {
		return true
	}
	switch l.b[l.i] {
	case ' ', '\t', '\n', '\r', ',', '}', ']':
		return true
	}
	return false
}
