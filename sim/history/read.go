package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Log is a history read back: events sorted by time (stably, so lines with
// the same t keep file order), plus what the reader noticed.
type Log struct {
	Events []Event
	// Start and End are the run_start and run_end lines (End is nil when the
	// run was cut off before it could write one).
	Start *Event
	End   *Event
	// Truncated is set when the last line was incomplete and skipped.
	Truncated bool
}

// ErrMalformed marks a history that is not a stansim history: a bad line,
// no run_start, a newer format, or a file that is not a regular file. The
// command treats it as bad input (exit 2).
var ErrMalformed = errors.New("malformed history")

// MaxLine caps one history line. The longest real line is run_start with
// the scenario as written and as resolved (a scenario file is at most 4 MiB).
const MaxLine = 16 << 20

// ReadFile reads a history file; it must be a regular file.
func ReadFile(path string) (*Log, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := readAll(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// ReadDir reads DIR/history.jsonl.
func ReadDir(dir string) (*Log, error) { return ReadFile(filepath.Join(dir, FileName)) }

// Stream reads a history file without holding its events: fn gets each
// event in time order (as Log.Events would list them). The event is fn's
// only during the call; its slices and map are its own to keep. The Log
// returned has Start, End and Truncated but no Events. A malformed history
// is an error as for ReadFile, after fn has seen the events before the
// bad line.
func Stream(path string, fn func(*Event)) (*Log, error) {
	return StreamContext(context.Background(), path, fn)
}

// StreamContext is Stream that stops once ctx is done, with ctx's error
// (wrapped): it looks between chunks of about a megabyte, so a history of
// any size stops within milliseconds.
func StreamContext(ctx context.Context, path string, fn func(*Event)) (*Log, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := scan(ctx, f, size)
	if err == nil {
		var l *Log
		if l, err = replay(ctx, f, x, fn); err == nil {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", path, err)
}

// Read parses a history. A malformed line is an error naming its line number,
// except an incomplete last line (a run killed mid-write), which is skipped.
func Read(r io.Reader) (*Log, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("line %d: %w", bytes.Count(data, newline)+1, err)
	}
	return readAll(bytes.NewReader(data), int64(len(data)))
}

var newline = []byte{'\n'}

// readAll reads a whole history in two passes (scan.go, replay.go) and
// keeps every event. Start and End are copies, so a caller done with the
// events can drop them.
func readAll(r io.ReaderAt, size int64) (*Log, error) {
	x, err := scan(context.Background(), r, size)
	if err != nil {
		return nil, err
	}
	evs := make([]Event, 0, x.lines) // one event a line, at most
	l, err := replay(context.Background(), r, x, func(e *Event) { evs = append(evs, *e) })
	if err != nil {
		return nil, err
	}
	l.Events = evs
	return l, nil
}

// openRegular opens path if it is a regular file, and returns its size.
// It looks before it opens: opening a named pipe would wait for a writer.
func openRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if err := regular(path, fi); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	if fi, err = f.Stat(); err == nil {
		err = regular(path, fi) // not swapped meanwhile
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

func regular(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s): %w", path, fi.Mode().Type(), ErrMalformed)
	}
	return nil
}

// Reason is run_end's reason, or "interrupted" when the run left no run_end.
func (l *Log) Reason() string {
	if l.End == nil || l.End.Reason == "" {
		return ReasonInterrupted
	}
	return l.End.Reason
}
