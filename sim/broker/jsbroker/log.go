package jsbroker

import (
	"fmt"
	"io"
	"log"
	"sync"
)

// serverLog is the embedded server's logger: lines go to server.log (or
// nowhere), and a fatal error is kept for Start to return instead of ending
// the process, as nats-server's own file logger would (log.Fatal).
type serverLog struct {
	l *log.Logger

	mu    sync.Mutex
	fatal error
}

func newServerLog(w io.Writer) *serverLog {
	return &serverLog{l: log.New(w, "", log.LstdFlags|log.Lmicroseconds)}
}

func (s *serverLog) Noticef(format string, v ...any) { s.l.Printf("[INF] "+format, v...) }
func (s *serverLog) Warnf(format string, v ...any)   { s.l.Printf("[WRN] "+format, v...) }
func (s *serverLog) Errorf(format string, v ...any)  { s.l.Printf("[ERR] "+format, v...) }
func (s *serverLog) Debugf(format string, v ...any)  { s.l.Printf("[DBG] "+format, v...) }
func (s *serverLog) Tracef(format string, v ...any)  { s.l.Printf("[TRC] "+format, v...) }

// Fatalf logs and records the first fatal error; the server returns from
// Start after it.
func (s *serverLog) Fatalf(format string, v ...any) {
	s.l.Printf("[FTL] "+format, v...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fatal == nil {
		s.fatal = fmt.Errorf(format, v...)
	}
}

// err is the first fatal error, or nil.
func (s *serverLog) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fatal
}
