package run

import (
	"strings"
	"sync"
)

// tracker knows, while the run goes on, whether every published message has
// been acked by the server and done by every group that reads its channel:
// the run's "done" test. It counts (group, id) pairs, not ids, so a fast
// group cannot end the run while a slow one is still working.
//
// A publisher's messages are kept in a slice indexed by message number
// (ids are "<publisher>-<n>"), each with its groups as bits, so a message
// costs no map entry; an id that is no publisher's message number (a
// member program may report any id) is kept by its string.
type tracker struct {
	mu         sync.Mutex
	readers    map[string][]string  // channel -> groups reading it
	pubs       map[string]*pubTrack // by publisher name
	odd        map[string]*msgState // ids outside every publisher's numbers
	bits       map[string]int       // group -> its bit in msgState.done
	seen       int                  // ids seen so far, for progress
	publishers int                  // still publishing
	unacked    int                  // published, ack not yet received
	pending    int                  // (group, id) pairs acked without error and not yet done
	doneIDs    int                  // ids done by at least one group, for progress
	faultsLeft int                  // faults, restarts and resumes still to happen
}

// pubTrack is one publisher's messages: msgs[n-1] is "<name>-<n>".
type pubTrack struct {
	channel string
	msgs    []msgState
}

// msgState is one published id.
type msgState struct {
	flags uint8
	done  uint64          // groups done, by tracker.bits
	more  map[string]bool // groups done beyond the 64th group (rare)
}

// msgState flags.
const (
	stateSeen      = 1 << iota // counted in tracker.seen
	statePublished             // on its publisher's channel
	stateAcked                 // a publish ack came (with or without error)
	stateOK                    // ... without error
)

// maxBits is how many groups msgState.done holds as bits.
const maxBits = 64

func newTracker(readers map[string][]string, publishers, faultEvents int) *tracker {
	return &tracker{readers: readers, pubs: map[string]*pubTrack{}, odd: map[string]*msgState{},
		bits: map[string]int{}, publishers: publishers, faultsLeft: faultEvents}
}

// publisher registers a publisher of count messages on channel before it
// publishes; the slot it returns names its messages to published and acked.
func (t *tracker) publisher(name, channel string, count int) *pubTrack {
	t.mu.Lock()
	defer t.mu.Unlock()
	if pt := t.pubs[name]; pt != nil {
		return pt
	}
	pt := &pubTrack{channel: channel, msgs: make([]msgState, count)}
	t.pubs[name] = pt
	// Ids reported done before their publisher started move to its slots.
	for id, m := range t.odd {
		if digits, ok := strings.CutPrefix(id, name+"-"); ok {
			if n, ok := messageNumber(digits, count); ok {
				pt.msgs[n-1] = *m
				delete(t.odd, id)
			}
		}
	}
	return pt
}

// messageNumber is n when digits is n as strconv.Itoa writes it and
// 1 <= n <= count.
func messageNumber(digits string, count int) (int, bool) {
	if len(digits) == 0 || len(digits) > 18 || digits[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= count
}

// lookup finds id's state, creating it on first sight.
func (t *tracker) lookup(id string) *msgState {
	if j := strings.LastIndexByte(id, '-'); j > 0 {
		if pt := t.pubs[id[:j]]; pt != nil {
			if n, ok := messageNumber(id[j+1:], len(pt.msgs)); ok {
				return t.see(&pt.msgs[n-1])
			}
		}
	}
	m := t.odd[id]
	if m == nil {
		m = &msgState{}
		t.odd[id] = m
	}
	return t.see(m)
}

func (t *tracker) see(m *msgState) *msgState {
	if m.flags&stateSeen == 0 {
		m.flags |= stateSeen
		t.seen++
	}
	return m
}

// published counts message i (0-based) of pt as published.
func (t *tracker) published(pt *pubTrack, i int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.see(&pt.msgs[i]).flags |= statePublished
	t.unacked++
}

// acked takes message i of pt's publish ack; ok when it came without error.
func (t *tracker) acked(pt *pubTrack, i int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.see(&pt.msgs[i])
	if m.flags&stateAcked != 0 {
		return
	}
	m.flags |= stateAcked
	t.unacked--
	if !ok {
		return
	}
	m.flags |= stateOK
	if m.flags&statePublished == 0 {
		return // as for a message of no channel: no group reads it
	}
	for _, g := range t.readers[pt.channel] {
		if !t.isDone(m, g) {
			t.pending++
		}
	}
}

// done takes group's done of id.
func (t *tracker) done(group, id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.lookup(id)
	if t.isDone(m, group) {
		return
	}
	if m.done == 0 && len(m.more) == 0 {
		t.doneIDs++
	}
	t.setDone(m, group)
	if m.flags&stateOK != 0 {
		t.pending--
	}
}

// groupDid reports whether group has done id (without recording a sight
// of it).
func (t *tracker) groupDid(group, id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if j := strings.LastIndexByte(id, '-'); j > 0 {
		if pt := t.pubs[id[:j]]; pt != nil {
			if n, ok := messageNumber(id[j+1:], len(pt.msgs)); ok {
				return t.isDone(&pt.msgs[n-1], group)
			}
		}
	}
	m := t.odd[id]
	return m != nil && t.isDone(m, group)
}

// bit is group's bit, assigned on first sight; -1 beyond maxBits groups.
func (t *tracker) bit(group string) int {
	b, ok := t.bits[group]
	if !ok {
		b = len(t.bits)
		t.bits[group] = b
	}
	if b >= maxBits {
		return -1
	}
	return b
}

func (t *tracker) isDone(m *msgState, group string) bool {
	if b := t.bit(group); b >= 0 {
		return m.done&(1<<b) != 0
	}
	return m.more[group]
}

func (t *tracker) setDone(m *msgState, group string) {
	if b := t.bit(group); b >= 0 {
		m.done |= 1 << b
		return
	}
	if m.more == nil {
		m.more = map[string]bool{}
	}
	m.more[group] = true
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
	return t.seen, t.doneIDs
}
