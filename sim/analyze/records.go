package analyze

import (
	"fmt"
	"os"
	"unsafe"
)

// This file holds where the plain records (store.go) live: in chunks in
// memory, and for a large history mostly in a spill file. A report walks
// the messages in publish order many times, and the records come back
// nearly in that order, so once the analysis keeps more than a few
// chunks the older ones cost a file instead of the heap: what keeps a
// report's peak memory from growing with the messages (BENCHMARKS.md,
// ARCHITECTURE.md "One analysis").

// plainMsg is a message with a plain story: its Delivery and Done are
// implied (one each, by one member of one group, redelivered never). It
// holds no pointer (its id is in the store's id bytes), so the collector
// never scans the records and a chunk of them can go to a file as bytes.
type plainMsg struct {
	publishT int64
	// The publish_ack's, the delivery's and the done's times, from the
	// publish (a message whose times do not fit stays whole).
	ackD, delD, doneD int32
	seq               uint32
	ver               int32
	line              int32 // the done's Line
	pos               int32 // the place in publish order
	key               uint32
	id                uint32 // where the id starts in the id bytes
	shape             uint16
	idLen             uint8
	late              bool // the done's Late
}

// recSize is a record's size in memory and in the spill file.
const recSize = int64(unsafe.Sizeof(plainMsg{}))

// plainChunk is how many plain records one chunk holds: a chunk never
// moves while in memory, so the records never need copying as they grow.
const plainChunk = 4096

// keepChunks is how many chunks stay in memory once a history is read
// from a file: the newest, which the lines still to come name when they
// name a record at all (262,144 records, 12 MiB: a 1M-event history's
// records all stay; BENCHMARKS.md).
const keepChunks = 64

// records holds the plain records: chunk c in chunks[c], or, once spilled,
// at c·per·recSize in the spill file. The oldest chunks are spilled first,
// so chunks 0..spilled-1 are in the file and the rest in memory.
type records struct {
	chunks [][]plainMsg
	n      int
	per    int // records per chunk: plainChunk when 0 (tests make it small)
	// keep is how many chunks stay in memory (0: all). Past it, adding a
	// chunk writes the oldest in memory to the file and reuses its memory.
	keep int
	dir  string // where the spill file is made ("" for os.TempDir, also tried when dir fails)
	file *os.File
	// spilled counts the chunks in the file.
	spilled int
	// lateBits holds the Late mark of spilled records (bit i for record
	// i), which the finishing rules set after the records are written:
	// a bit each instead of a write to the file.
	lateBits []uint64
	// spillErr is why spilling stopped (the file could not be made or
	// written): from then on every chunk stays in memory.
	spillErr error
}

func (r *records) chunkLen() int {
	if r.per > 0 {
		return r.per
	}
	return plainChunk
}

// add stores p and returns its index; false when refs can name no more
// records.
func (r *records) add(p plainMsg) (int, bool) {
	i, per := r.n, r.chunkLen()
	if i >= int(plainBit)-2 {
		return 0, false
	}
	if i%per == 0 {
		r.chunks = append(r.chunks, r.newChunk())
	}
	r.chunks[i/per][i%per] = p
	r.n++
	return i, true
}

// newChunk returns memory for the next chunk: the oldest chunk's, once it
// is in the file, when more than keep are in memory.
func (r *records) newChunk() []plainMsg {
	if r.keep <= 0 || r.spillErr != nil || len(r.chunks)-r.spilled < r.keep {
		return make([]plainMsg, r.chunkLen())
	}
	c := r.chunks[r.spilled]
	if err := r.write(r.spilled, c); err != nil {
		r.spillErr = err
		return make([]plainMsg, r.chunkLen())
	}
	r.chunks[r.spilled] = nil
	r.spilled++
	return c
}

// write puts chunk c's records in the file, making it on first use.
func (r *records) write(ci int, c []plainMsg) error {
	if r.file == nil {
		f, err := os.CreateTemp(r.dir, ".stansim-records-*")
		if err != nil && r.dir != "" { // a folder we may not write in
			f, err = os.CreateTemp("", ".stansim-records-*")
		}
		if err != nil {
			return fmt.Errorf("spill file: %w", err)
		}
		// Unlinked at once: the file is gone when it is closed or the
		// process ends, however it ends.
		if err := os.Remove(f.Name()); err != nil {
			f.Close()
			return fmt.Errorf("spill file: %w", err)
		}
		r.file = f
	}
	_, err := r.file.WriteAt(recBytes(c), int64(ci)*int64(r.chunkLen())*recSize)
	return err
}

// recBytes is c's memory as bytes (a record holds no pointer).
func recBytes(c []plainMsg) []byte {
	if len(c) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c))), int64(len(c))*recSize)
}

// resident returns record i when its chunk is in memory, else nil.
func (r *records) resident(i int) *plainMsg {
	per := r.chunkLen()
	if c := i / per; c >= r.spilled {
		return &r.chunks[c][i%per]
	}
	return nil
}

// get returns record i: in memory, in v's window of spilled chunks (a
// walker's, which reads a spilled chunk whole), or read alone into v.rec.
// The pointer is good until v is used again.
func (r *records) get(i int, v *plainView) *plainMsg {
	if p := r.resident(i); p != nil {
		return p
	}
	p := &v.rec
	if v.win != nil {
		p = v.win.get(r, i)
	} else {
		r.readAt(recBytes(unsafe.Slice(p, 1)), int64(i)*recSize)
	}
	if w := i / 64; w < len(r.lateBits) && r.lateBits[w]&(1<<(i%64)) != 0 {
		p.late = true // (v's own copy)
	}
	return p
}

// readAt fills b from the spill file at off. The file is stansim's own,
// written by this process: a failure to read it back is not the
// history's, and an analysis missing records would say what did not
// happen, so it panics.
func (r *records) readAt(b []byte, off int64) {
	if n, err := r.file.ReadAt(b, off); n < len(b) {
		panic(fmt.Errorf("analyze: reading back the spilled records: %w", err))
	}
}

// setLate marks record i's done Late: in the record, or for a spilled
// one in lateBits.
func (r *records) setLate(i int) {
	if p := r.resident(i); p != nil {
		p.late = true
		return
	}
	if need := r.spilled*r.chunkLen()/64 + 1; len(r.lateBits) < need {
		r.lateBits = append(r.lateBits, make([]uint64, need-len(r.lateBits))...)
	}
	r.lateBits[i/64] |= 1 << (i % 64)
}

// window returns a walker's window when records are spilled, else nil.
func (r *records) window() *window {
	if r.spilled == 0 {
		return nil
	}
	w := &window{}
	for k := range w.chunk {
		w.chunk[k] = -1
	}
	return w
}

// close closes the spill file, if there is one.
func (r *records) close() error {
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	r.file = nil
	return err
}

// windowChunks is how many spilled chunks a walker holds: a walk in
// publish order meets the records in nearly the order they were stored
// (at their done), so a few serve it.
const windowChunks = 8

// window is one walker's copies of spilled chunks. It shares nothing, so
// walks may run at once: the file is only read once the analysis is made.
type window struct {
	chunk [windowChunks]int // the chunk each buffer holds, -1 for none
	buf   [windowChunks][]plainMsg
	next  int // the buffer to load next (the oldest)
	loads int // chunks read: what a test checks the window saves
}

// get returns spilled record i, reading its chunk into the oldest buffer
// when the window does not hold it.
func (w *window) get(r *records, i int) *plainMsg {
	per := r.chunkLen()
	c := i / per
	for k, held := range w.chunk {
		if held == c {
			return &w.buf[k][i%per]
		}
	}
	k := w.next
	w.next = (w.next + 1) % windowChunks
	if w.buf[k] == nil {
		w.buf[k] = make([]plainMsg, per)
	}
	w.chunk[k] = c
	w.loads++
	r.readAt(recBytes(w.buf[k]), int64(c)*int64(per)*recSize)
	return &w.buf[k][i%per]
}
