package run

import "sync"

// tracker knows, while the run goes on, whether every published message has
// been acked by the server and done by every group that reads its channel:
// the run's "done" test. It counts (group, id) pairs, not ids, so a fast
// group cannot end the run while a slow one is still working.
type tracker struct {
	mu         sync.Mutex
	readers    map[string][]string // channel -> groups reading it
	msgs       map[string]*tracked
	publishers int // still publishing
	unacked    int // published, ack not yet received
	pending    int // (group, id) pairs acked without error and not yet done
	doneIDs    int // ids done by at least one group, for progress
	faultsLeft int // faults, restarts and resumes still to happen
}

// tracked is one published id.
type tracked struct {
	channel string
	acked   bool // a publish ack came (with or without error)
	ok      bool // ... without error
	done    map[string]bool
}

func newTracker(readers map[string][]string, publishers, faultEvents int) *tracker {
	return &tracker{readers: readers, msgs: map[string]*tracked{}, publishers: publishers, faultsLeft: faultEvents}
}

func (t *tracker) get(id string) *tracked {
	m := t.msgs[id]
	if m == nil {
		m = &tracked{done: map[string]bool{}}
		t.msgs[id] = m
	}
	return m
}

func (t *tracker) published(id, channel string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.get(id).channel = channel
	t.unacked++
}

func (t *tracker) acked(id string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.get(id)
	if m.acked {
		return
	}
	m.acked, m.ok = true, ok
	t.unacked--
	if ok {
		for _, g := range t.readers[m.channel] {
			if !m.done[g] {
				t.pending++
			}
		}
	}
}

func (t *tracker) done(group, id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.get(id)
	if m.done[group] {
		return
	}
	if len(m.done) == 0 {
		t.doneIDs++
	}
	m.done[group] = true
	if m.ok {
		t.pending--
	}
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

// complete reports whether publishing, acks, processing by every reading
// group and faults are all over.
func (t *tracker) complete() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.publishers == 0 && t.unacked == 0 && t.pending == 0 && t.faultsLeft == 0
}

// counts returns published and done ids so far, for progress.
func (t *tracker) counts() (published, done int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.msgs), t.doneIDs
}
