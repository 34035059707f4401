package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

// ReadFile reads a history file.
func ReadFile(path string) (*Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := Read(f)
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
	br := bufio.NewReaderSize(r, 1<<20)
	l := &Log{}
	line := 0
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			complete := b[len(b)-1] == '\n'
			b = bytes.TrimSpace(b)
			if len(b) > 0 {
				var ev Event
				if jerr := json.Unmarshal(b, &ev); jerr != nil || ev.Ev == "" {
					if !complete && err == io.EOF {
						l.Truncated = true
						break
					}
					if jerr == nil {
						jerr = fmt.Errorf("missing field ev")
					}
					return nil, fmt.Errorf("line %d: %w", line, jerr)
				}
				l.Events = append(l.Events, ev)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(l.Events, func(i, j int) bool { return l.Events[i].T < l.Events[j].T })
	for i := range l.Events {
		e := &l.Events[i]
		switch e.Ev {
		case KindRunStart:
			if l.Start == nil {
				l.Start = e
			}
		case KindRunEnd:
			l.End = e
		}
	}
	if l.Start == nil {
		return nil, fmt.Errorf("no run_start line")
	}
	if l.Start.Format > FormatVersion {
		return nil, fmt.Errorf("history format %d is newer than this stansim reads (%d)", l.Start.Format, FormatVersion)
	}
	return l, nil
}

// Reason is run_end's reason, or "interrupted" when the run left no run_end.
func (l *Log) Reason() string {
	if l.End == nil || l.End.Reason == "" {
		return ReasonInterrupted
	}
	return l.End.Reason
}
