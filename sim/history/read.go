package history

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s): %w", path, fi.Mode().Type(), ErrMalformed)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// ReadDir reads DIR/history.jsonl.
func ReadDir(dir string) (*Log, error) { return ReadFile(filepath.Join(dir, FileName)) }

// Read parses a history. A malformed line is an error naming its line number,
// except an incomplete last line (a run killed mid-write), which is skipped.
func Read(r io.Reader) (*Log, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("line %d: %w", bytes.Count(data, newline)+1, err)
	}
	return parse(data)
}

var newline = []byte{'\n'}

func parse(data []byte) (*Log, error) {
	// One event per line: counting lines first sizes the slice once.
	l := &Log{Events: make([]Event, 0, bytes.Count(data, newline)+1)}
	for line := 1; len(data) > 0; line++ {
		b, rest, complete := bytes.Cut(data, newline)
		data = rest
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if len(b) > MaxLine {
			return nil, fmt.Errorf("line %d: %d bytes, longer than the %d a history line may hold: %w", line, len(b), MaxLine, ErrMalformed)
		}
		l.Events = append(l.Events, Event{})
		ev := &l.Events[len(l.Events)-1]
		if jerr := json.Unmarshal(b, ev); jerr != nil || ev.Ev == "" {
			*ev = Event{}
			l.Events = l.Events[:len(l.Events)-1]
			if !complete {
				l.Truncated = true
				break
			}
			if jerr == nil {
				jerr = fmt.Errorf("missing field ev")
			}
			return nil, fmt.Errorf("line %d: %w (%w)", line, jerr, ErrMalformed)
		}
	}
	sortByT(l.Events)
	// Start and End are copies, so a caller done with Events can drop them.
	for i := range l.Events {
		e := l.Events[i]
		switch e.Ev {
		case KindRunStart:
			if l.Start == nil {
				l.Start = &e
			}
		case KindRunEnd:
			l.End = &e
		}
	}
	if l.Start == nil {
		return nil, fmt.Errorf("no run_start line: %w", ErrMalformed)
	}
	if l.Start.Format > FormatVersion {
		return nil, fmt.Errorf("history format %d is newer than this stansim reads (%d): %w", l.Start.Format, FormatVersion, ErrMalformed)
	}
	return l, nil
}

// sortByT sorts events by t, keeping file order among equal times. Events
// are large, so it sorts (t, index) keys, unique and thus stable, and then
// moves each event once, following the permutation's cycles.
func sortByT(evs []Event) {
	sorted := true
	for i := 1; i < len(evs) && sorted; i++ {
		sorted = evs[i].T >= evs[i-1].T
	}
	if sorted {
		return
	}
	type key struct {
		t int64
		i int
	}
	keys := make([]key, len(evs))
	for i := range evs {
		keys[i] = key{evs[i].T, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	// Position k takes the event that was at keys[k].i; -1 marks placed.
	for k := range keys {
		if keys[k].i < 0 {
			continue
		}
		tmp := evs[k]
		for j := k; ; {
			src := keys[j].i
			keys[j].i = -1
			if src == k {
				evs[j] = tmp
				break
			}
			evs[j] = evs[src]
			j = src
		}
	}
}

// Reason is run_end's reason, or "interrupted" when the run left no run_end.
func (l *Log) Reason() string {
	if l.End == nil || l.End.Reason == "" {
		return ReasonInterrupted
	}
	return l.End.Reason
}
