package run

import "sync"

// tracker knows, while the run goes on, whether every published message has
// been acked by the server and done by a member: the run's "done" test.
type tracker struct {
	mu         sync.Mutex
	state      map[string]uint8
	publishers int // still publishing
	unacked    int // published, ack not yet received
	okPending  int // acked without error, not yet done
	doneIDs    int // distinct ids done
	faultsLeft int // faults and restarts still to happen
}

const (
	stPublished uint8 = 1 << iota
	stAcked
	stAckOK
	stDone
)

func newTracker(publishers, faultEvents int) *tracker {
	return &tracker{state: map[string]uint8{}, publishers: publishers, faultsLeft: faultEvents}
}

func (t *tracker) published(id string) {
	t.mu.Lock()
	t.state[id] |= stPublished
	t.unacked++
	t.mu.Unlock()
}

func (t *tracker) acked(id string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.state[id]
	if s&stAcked != 0 {
		return
	}
	s |= stAcked
	t.unacked--
	if ok {
		s |= stAckOK
		if s&stDone == 0 {
			t.okPending++
		}
	}
	t.state[id] = s
}

func (t *tracker) done(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.state[id]
	if s&stDone != 0 {
		return
	}
	t.doneIDs++
	if s&stAckOK != 0 {
		t.okPending--
	}
	t.state[id] = s | stDone
}

func (t *tracker) publisherDone() {
	t.mu.Lock()
	t.publishers--
	t.mu.Unlock()
}

func (t *tracker) faultHappened() {
	t.mu.Lock()
	t.faultsLeft--
	t.mu.Unlock()
}

// complete reports whether publishing, acks, processing and faults are all over.
func (t *tracker) complete() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.publishers == 0 && t.unacked == 0 && t.okPending == 0 && t.faultsLeft == 0
}

// counts returns published and done ids so far, for progress.
func (t *tracker) counts() (published, done int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.state), t.doneIDs
}
