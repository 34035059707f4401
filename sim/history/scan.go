package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
)

// This file is the reader's first pass: it walks the file once, without
// decoding what it need not, to split it into chunks at line starts and
// learn each chunk's smallest t. The second pass (replay.go) decodes the
// chunks, several at a time, and hands the events over in time order
// holding only a few chunks.

// chunkSize is the size a chunk grows to before the next line starts a new
// one: about 10,000 lines, a few MB once decoded. Tests make it small.
var chunkSize int64 = 1 << 20

// chunk is a run of whole lines.
type chunk struct {
	off, end int64
	line     int   // number of its first line (1-based)
	lines    int   // how many lines it has
	minT     int64 // smallest t of its lines that decode (MaxInt64 if none)
	// long > 0: the chunk is one line of that many bytes, more than
	// MaxLine; reading it is an error.
	long int64
}

// index is what the first pass learnt.
type index struct {
	chunks []chunk
	lines  int  // lines in the file
	sorted bool // t never decreases from one line to the next
}

// suffixMin returns, for each chunk k, the smallest t of the chunks after
// it (MaxInt64 after the last): events of chunk k and before with t up to
// it can be handed over once chunk k is decoded.
func (x *index) suffixMin() []int64 {
	m := make([]int64, len(x.chunks))
	low := int64(math.MaxInt64)
	for k := len(x.chunks) - 1; k >= 0; k-- {
		m[k] = low
		low = min(low, x.chunks[k].minT)
	}
	return m
}

// scan is the first pass over a history of size bytes.
func scan(ctx context.Context, r io.ReaderAt, size int64) (*index, error) {
	lr := lineReader{br: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 1<<20)}
	d := NewDecoder()
	x := &index{sorted: true}
	cur := chunk{line: 1, minT: math.MaxInt64}
	var off int64
	last := int64(math.MinInt64)
	for {
		b, n, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		x.lines++
		if cur.end > cur.off && (cur.end-cur.off >= chunkSize || cur.long > 0 || b == nil) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			x.chunks = append(x.chunks, cur)
			cur = chunk{off: off, end: off, line: x.lines, minT: math.MaxInt64}
		}
		off += n
		cur.end = off
		cur.lines++
		if b == nil {
			cur.long = n
			continue
		}
		if t, ok := d.timeOf(bytes.TrimSpace(b)); ok {
			cur.minT = min(cur.minT, t)
			x.sorted = x.sorted && t >= last
			last = t
		}
	}
	if cur.end > cur.off {
		x.chunks = append(x.chunks, cur)
	}
	return x, nil
}

var tPrefix = []byte(`{"t":`)

// timeOf returns a line's t as json.Unmarshal would set it; false when the
// line does not decode or is blank. A line that starts with its t and can
// have no other key that sets it (no escapes, no other "t" or "T" string)
// is read without decoding the rest.
func (d *Decoder) timeOf(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	if bytes.HasPrefix(b, tPrefix) && bytes.IndexByte(b, '\\') < 0 && !hasTString(b[len(tPrefix):]) {
		l := lexer{b: b, i: len(tPrefix)}
		var t int64
		if l.int(&t) && (l.expect(',') || l.expect('}')) {
			return t, true
		}
	}
	var e Event
	if d.Decode(b, &e) != nil || e.Ev == "" {
		return 0, false
	}
	return e.T, true
}

// hasTString reports whether b holds the string "t" or "T" (a key that
// encoding/json would match to t, case folded).
func hasTString(b []byte) bool {
	for _, c := range []byte{'t', 'T'} {
		for i := 0; ; {
			j := bytes.IndexByte(b[i:], c)
			if j < 0 {
				break
			}
			i += j + 1
			if i >= 2 && i < len(b) && b[i-2] == '"' && b[i] == '"' {
				return true
			}
		}
	}
	return false
}

// lineReader returns a file's lines one at a time, without holding more
// than one line (and never more than MaxLine bytes of it).
type lineReader struct {
	br   *bufio.Reader
	long []byte // a line longer than br's buffer, assembled
}

// next returns the next line without its newline and its length in the
// file (newline included); io.EOF after the last. A line longer than
// MaxLine comes back nil, with its length.
func (lr *lineReader) next() ([]byte, int64, error) {
	seg, err := lr.br.ReadSlice('\n')
	if err == nil {
		return seg[:len(seg)-1], int64(len(seg)), nil
	}
	if errors.Is(err, io.EOF) {
		if len(seg) == 0 {
			return nil, 0, io.EOF
		}
		return seg, int64(len(seg)), nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, 0, err
	}
	lr.long = append(lr.long[:0], seg...)
	n := int64(len(seg))
	for {
		seg, err = lr.br.ReadSlice('\n')
		n += int64(len(seg))
		if len(lr.long) <= MaxLine {
			lr.long = append(lr.long, seg...)
		}
		switch {
		case err == nil || errors.Is(err, io.EOF):
			if n-trailingNewline(seg, err) > MaxLine {
				return nil, n, nil
			}
			return lr.long[:len(lr.long)-int(trailingNewline(seg, err))], n, nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, 0, err
		}
	}
}

// trailingNewline is 1 when the segment ReadSlice returned ends the line
// with a newline.
func trailingNewline(seg []byte, err error) int64 {
	if err == nil && len(seg) > 0 {
		return 1
	}
	return 0
}
