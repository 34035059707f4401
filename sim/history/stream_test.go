package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// reference reads a history the simple way: every line through
// encoding/json, then a stable sort by t. Only for well-formed input.
func reference(t *testing.T, text string) []Event {
	t.Helper()
	var evs []Event
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		var e Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("reference: %q: %v", line, err)
		}
		evs = append(evs, e)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].T < evs[j].T })
	return evs
}

// withChunkSize runs f with chunks of about n bytes.
func withChunkSize(n int64, f func()) {
	old := chunkSize
	chunkSize = n
	defer func() { chunkSize = old }()
	f()
}

// randomHistory writes n events with times in one of several disorders,
// some lines in forms stansim does not write.
func randomHistory(rng *rand.Rand, n int) string {
	var sb strings.Builder
	sb.WriteString(`{"t":0,"ev":"run_start","format":1,"written":"a\nb"}` + "\n")
	for i := range n {
		tm := int64(i) * 10
		switch rng.IntN(4) {
		case 0:
			tm -= rng.Int64N(200)
		case 1:
			tm = rng.Int64N(int64(n) * 10)
		}
		e := Event{T: tm, Ev: KindDeliver, ID: fmt.Sprintf("p-%d", i), Seq: uint64(i), Redeliveries: Int(i % 3)}
		switch rng.IntN(20) {
		case 0:
			fmt.Fprintf(&sb, "{\"ev\":\"deliver\", \"id\":\"p-%d\", \"t\":%d}\n", i, tm) // t not first
		case 1:
			fmt.Fprintf(&sb, "{\"t\":%d,\"ev\":\"deliver\",\"id\":\"p-%d\",\"T\":%d}\n", tm+5, i, tm) // folded key wins
		case 2:
			sb.WriteString("\n   \n")
		default:
			sb.Write(append(e.AppendJSON(nil), '\n'))
		}
	}
	sb.WriteString(`{"t":-7,"ev":"member_up","member":"m"}` + "\n")
	return sb.String()
}

// TestStreamMatchesReference: whatever the chunking and disorder, the
// events come in the order a stable sort by t gives.
func TestStreamMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 40 {
		text := randomHistory(rng, rng.IntN(1500))
		want := reference(t, text)
		for _, size := range []int64{1, 100, 4096, 1 << 20} {
			withChunkSize(size, func() {
				l, err := Read(strings.NewReader(text))
				if err != nil {
					t.Fatalf("iteration %d, chunks of %d: %v", iter, size, err)
				}
				if !reflect.DeepEqual(l.Events, want) {
					t.Fatalf("iteration %d, chunks of %d: events differ from a stable sort", iter, size)
				}
				if l.Start == nil || !reflect.DeepEqual(*l.Start, want[slices.IndexFunc(want, func(e Event) bool { return e.Ev == KindRunStart })]) {
					t.Fatalf("iteration %d: Start %+v", iter, l.Start)
				}
			})
		}
	}
}

// TestStreamErrorsAcrossChunks: the first bad line in file order is the
// one named, however the file is cut into chunks; a truncated last line is
// skipped; a line over MaxLine is refused by number.
func TestStreamErrorsAcrossChunks(t *testing.T) {
	good := `{"t":1,"ev":"publish","id":"p"}` + "\n"
	head := `{"t":0,"ev":"run_start"}` + "\n" + strings.Repeat(good, 50)
	for _, size := range []int64{1, 64, 1000, 1 << 20} {
		withChunkSize(size, func() {
			_, err := Read(strings.NewReader(head + "{\"t\":2\n" + strings.Repeat(good, 50) + "not json\n"))
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "line 52: ") {
				t.Errorf("chunks of %d: err = %v, want line 52", size, err)
			}
			l, err := Read(strings.NewReader(head + `{"t":5,"ev":"do`))
			if err != nil || !l.Truncated || len(l.Events) != 51 {
				t.Errorf("chunks of %d: truncated tail: %v, %+v", size, err, l)
			}
		})
	}
}

// TestStreamFile: Stream reads a file as ReadFile does, holding nothing.
func TestStreamFile(t *testing.T) {
	text := randomHistory(rand.New(rand.NewPCG(3, 4)), 5000)
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []Event
	l, err := Stream(path, func(e *Event) { got = append(got, *e) })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, reference(t, text)) || l.Events != nil || l.Start == nil {
		t.Errorf("Stream differs from the reference (%d events)", len(got))
	}
}

// TestStreamContextStops: once its context is done, a stream stops within
// a chunk (here a few lines) with the context's error, in the first pass
// and in the second, and a context that stays alive reads every event.
func TestStreamContextStops(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"t":0,"ev":"run_start","format":1}` + "\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, `{"t":%d,"ev":"deliver","id":"p-%d","seq":%d}`+"\n", 10*(i+1), i+1, i+1)
	}
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	withChunkSize(256, func() {
		all := 0
		if _, err := StreamContext(context.Background(), path, func(*Event) { all++ }); err != nil {
			t.Fatal(err)
		}
		before, cancel := context.WithCancel(context.Background())
		cancel()
		n := 0
		if _, err := StreamContext(before, path, func(*Event) { n++ }); !errors.Is(err, context.Canceled) || n != 0 {
			t.Errorf("cancelled before: %d events, %v; want none and context.Canceled", n, err)
		}
		during, cancel := context.WithCancel(context.Background())
		defer cancel()
		n = 0
		_, err := StreamContext(during, path, func(*Event) {
			if n++; n == 100 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || n >= all/2 {
			t.Errorf("cancelled at event 100: %d of %d events, %v; want context.Canceled soon after", n, all, err)
		}
	})
}
