package history

import "time"

// pending is one recorded event waiting for the writer.
type pending struct {
	at time.Time
	ev Event
}

// blockLen is how many events a queue block holds.
const blockLen = 512

// maxFree bounds the blocks kept for reuse (about 10 MB).
const maxFree = 48

// queue is the recorder's unbounded queue: fixed-size blocks, so that it
// grows without copying what it holds, and blocks the writer is done with
// are reused rather than allocated and zeroed again. Not safe for
// concurrent use: the recorder's mutex guards it.
type queue struct {
	blocks [][]pending
	n      int
	free   [][]pending
	spare  [][]pending
}

// push appends one event.
func (q *queue) push(p pending) {
	k := len(q.blocks)
	if k == 0 || len(q.blocks[k-1]) == blockLen {
		q.blocks = append(q.blocks, q.block())
		k++
	}
	q.blocks[k-1] = append(q.blocks[k-1], p)
	q.n++
}

// pushFront puts one event before all the others (run_start).
func (q *queue) pushFront(p pending) {
	b := append(q.block(), p)
	q.blocks = append(q.blocks, nil)
	copy(q.blocks[1:], q.blocks)
	q.blocks[0] = b
	q.n++
}

// take empties the queue and returns what it held, for recycle.
func (q *queue) take() [][]pending {
	taken := q.blocks
	q.blocks, q.spare, q.n = q.spare[:0], nil, 0
	return taken
}

// recycle gives back blocks returned by take once they are written.
func (q *queue) recycle(taken [][]pending) {
	for _, b := range taken {
		// Not cleared: the events it still holds are overwritten on reuse,
		// and maxFree bounds what they keep alive meanwhile.
		if len(q.free) < maxFree {
			q.free = append(q.free, b[:0])
		}
	}
	clear(taken)
	q.spare = taken[:0]
}

func (q *queue) block() []pending {
	if k := len(q.free); k > 0 {
		b := q.free[k-1]
		q.free = q.free[:k-1]
		return b
	}
	return make([]pending, 0, blockLen)
}
