package history

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the event as one JSON line, without the trailing
// newline, to dst and returns the extended buffer. It writes the bytes
// encoding/json writes for Event (field order, omitempty, sorted map keys,
// HTML-safe string escapes), without reflection: the recorder calls it for
// every line with one buffer it reuses.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"t":`...)
	dst = strconv.AppendInt(dst, e.T, 10)
	dst = appendStr(dst, `,"ev":`, e.Ev, false)
	dst = appendInt(dst, `,"format":`, int64(e.Format))
	if len(e.Versions) > 0 {
		dst = appendVersions(append(dst, `,"versions":`...), e.Versions)
	}
	dst = appendStr(dst, `,"scenario":`, e.Scenario, true)
	if e.Seed != nil {
		dst = strconv.AppendInt(append(dst, `,"seed":`...), *e.Seed, 10)
	}
	dst = appendStr(dst, `,"written":`, e.Written, true)
	dst = appendStr(dst, `,"resolved":`, e.Resolved, true)
	dst = appendInt(dst, `,"sample_interval_ns":`, e.SampleInterval)
	dst = appendStr(dst, `,"pub":`, e.Pub, true)
	dst = appendStr(dst, `,"channel":`, e.Channel, true)
	dst = appendStr(dst, `,"id":`, e.ID, true)
	dst = appendStr(dst, `,"key":`, e.Key, true)
	dst = appendInt(dst, `,"ver":`, int64(e.Ver))
	dst = appendStr(dst, `,"err":`, e.Err, true)
	dst = appendStr(dst, `,"member":`, e.Member, true)
	dst = appendStr(dst, `,"group":`, e.Group, true)
	if e.Seq != 0 {
		dst = strconv.AppendUint(append(dst, `,"seq":`...), e.Seq, 10)
	}
	if e.Redelivered != nil {
		dst = strconv.AppendBool(append(dst, `,"redelivered":`...), *e.Redelivered)
	}
	if e.Redeliveries != nil {
		dst = strconv.AppendInt(append(dst, `,"redeliveries":`...), int64(*e.Redeliveries), 10)
	}
	dst = appendStr(dst, `,"ack_err":`, e.AckErr, true)
	if e.Have != nil {
		dst = strconv.AppendInt(append(dst, `,"have":`...), int64(*e.Have), 10)
	}
	dst = appendStr(dst, `,"death":`, string(e.Death), true)
	dst = appendStr(dst, `,"client":`, e.Client, true)
	dst = appendStr(dst, `,"exit":`, e.Exit, true)
	dst = appendStr(dst, `,"by":`, e.By, true)
	dst = appendInt(dst, `,"bad_lines":`, int64(e.BadLines))
	dst = appendStr(dst, `,"first_bad":`, e.FirstBad, true)
	dst = appendStr(dst, `,"stderr":`, e.Stderr, true)
	if len(e.Clients) > 0 {
		dst = appendStrings(append(dst, `,"clients":`...), e.Clients)
	}
	if len(e.Subs) > 0 {
		dst = appendSubs(append(dst, `,"subs":`...), e.Subs)
	}
	dst = appendStr(dst, `,"view_err":`, e.ViewErr, true)
	dst = appendStr(dst, `,"reason":`, e.Reason, true)
	return append(dst, '}')
}

// appendStr appends `key` and s as a JSON string; with omitEmpty nothing
// when s is empty.
func appendStr(dst []byte, key, s string, omitEmpty bool) []byte {
	if omitEmpty && s == "" {
		return dst
	}
	return appendString(append(dst, key...), s)
}

// appendInt appends `key` and n, or nothing when n is 0 (omitempty).
func appendInt(dst []byte, key string, n int64) []byte {
	if n == 0 {
		return dst
	}
	return strconv.AppendInt(append(dst, key...), n, 10)
}

// appendVersions appends a string map with its keys sorted, as
// encoding/json does.
func appendVersions(dst []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendString(dst, k), ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

func appendSubs(dst []byte, subs []Sub) []byte {
	dst = append(dst, '[')
	for i := range subs {
		s := &subs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(append(dst, `{"channel":`...), s.Channel)
		dst = appendString(append(dst, `,"group":`...), s.Group)
		dst = appendString(append(dst, `,"client":`...), s.Client)
		dst = strconv.AppendBool(append(dst, `,"durable":`...), s.Durable)
		dst = strconv.AppendBool(append(dst, `,"offline":`...), s.Offline)
		dst = strconv.AppendInt(append(dst, `,"pending":`...), int64(s.Pending), 10)
		dst = strconv.AppendUint(append(dst, `,"last_sent":`...), s.LastSent, 10)
		dst = strconv.AppendBool(append(dst, `,"stalled":`...), s.Stalled)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// htmlSafe marks the bytes encoding/json writes as they are: ASCII from
// space on, but for the quote, the backslash and <, >, &.
var htmlSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string exactly as encoding/json writes
// it: HTML characters (<, >, &) and U+2028/U+2029 escaped as \u, control
// characters as \b \f \n \r \t or \u00XX, and invalid UTF-8 as \ufffd.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if htmlSafe[b] {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, b)
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscape appends the escape of one ASCII byte that may not appear
// as itself in a JSON string (or, for <, > and &, in HTML).
func appendEscape(dst []byte, b byte) []byte {
	switch b {
	case '\\', '"':
		return append(dst, '\\', b)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
}
