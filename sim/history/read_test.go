package history

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stansim/stansim/sim/death"
)

func TestReadSortsStablyByT(t *testing.T) {
	in := `{"t":0,"ev":"run_start","format":1,"scenario":"s"}
{"t":30,"ev":"done","id":"a"}
{"t":10,"ev":"deliver","id":"a"}
{"t":30,"ev":"done","id":"b"}
{"t":-5,"ev":"member_up","member":"m"}
{"t":30,"ev":"done","id":"c"}
{"t":20,"ev":"deliver","id":"b"}
{"t":40,"ev":"run_end","reason":"done"}
`
	l, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Events {
		got = append(got, e.Ev+":"+e.ID+e.Member)
	}
	want := []string{"member_up:m", "run_start:", "deliver:a", "deliver:b", "done:a", "done:b", "done:c", "run_end:"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
	if !reflect.DeepEqual(*l.Start, l.Events[1]) || !reflect.DeepEqual(*l.End, l.Events[7]) {
		t.Errorf("Start/End are not the run_start/run_end lines")
	}
	if l.Start.Scenario != "s" || l.Reason() != ReasonDone || l.Truncated {
		t.Errorf("start %+v reason %q truncated %v", l.Start, l.Reason(), l.Truncated)
	}
}

func TestReadTruncatedLastLine(t *testing.T) {
	for _, tail := range []string{`{"t":50,"ev":"do`, `{"t":50,"ev":"done","id":"x","member`, `{`, `{"t":5`} {
		in := `{"t":0,"ev":"run_start","format":1}
{"t":10,"ev":"publish","id":"p-1"}
` + tail
		l, err := Read(strings.NewReader(in))
		if err != nil {
			t.Fatalf("tail %q: %v", tail, err)
		}
		if !l.Truncated || len(l.Events) != 2 || l.Reason() != ReasonInterrupted {
			t.Errorf("tail %q: truncated %v, %d events, reason %q", tail, l.Truncated, len(l.Events), l.Reason())
		}
	}
	// A complete last line without its newline is not truncated.
	l, err := Read(strings.NewReader(`{"t":0,"ev":"run_start"}` + "\n" + `{"t":1,"ev":"run_end","reason":"timeout"}`))
	if err != nil || l.Truncated || len(l.Events) != 2 || l.Reason() != ReasonTimeout {
		t.Errorf("complete last line without newline: %v, %+v", err, l)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, err string }{
		{"malformed middle line", "{\"t\":0,\"ev\":\"run_start\"}\n{\"t\":1,\"ev\":\"publish\"}\n{\"t\":2,\"ev\":\"pub\n{\"t\":3,\"ev\":\"publish\"}\n", "line 3: "},
		{"blank lines still count", "{\"t\":0,\"ev\":\"run_start\"}\n\n\n{\"t\":2,\n{\"t\":3,\"ev\":\"publish\"}\n", "line 4: "},
		{"incomplete line with newline", "{\"t\":0,\"ev\":\"run_start\"}\n{\"t\":2,\"ev\":\"pub\n", "line 2: "},
		{"missing ev", "{\"t\":0,\"ev\":\"run_start\"}\n{\"t\":1}\n{\"t\":2,\"ev\":\"publish\"}\n", "line 2: missing field ev"},
		{"wrong type", "{\"t\":0,\"ev\":\"run_start\"}\n{\"t\":\"soon\",\"ev\":\"publish\"}\n", "line 2: "},
		{"no run_start", "{\"t\":1,\"ev\":\"publish\"}\n{\"t\":2,\"ev\":\"run_end\",\"reason\":\"done\"}\n", "no run_start line"},
		{"empty file", "", "no run_start line"},
		{"newer format", "{\"t\":0,\"ev\":\"run_start\",\"format\":2}\n", "history format 2 is newer than this stansim reads (1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// TestReadIOError: a failing reader is reported as such, not as a
// malformed or truncated line.
func TestReadIOError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("{\"t\":0,\"ev\":\"run_start\"}\n{\"t\":1,\"ev\":\"pub"), iotest.ErrReader(boom))
	l, err := Read(r)
	if !errors.Is(err, boom) {
		t.Fatalf("Read = %+v, %v; want the reader's error", l, err)
	}
}

func TestReason(t *testing.T) {
	for _, tc := range []struct{ end, want string }{
		{"", ReasonInterrupted},
		{`{"t":9,"ev":"run_end"}`, ReasonInterrupted},
		{`{"t":9,"ev":"run_end","reason":"timeout"}`, ReasonTimeout},
		{`{"t":9,"ev":"run_end","reason":"done"}`, ReasonDone},
	} {
		l, err := Read(strings.NewReader(`{"t":0,"ev":"run_start"}` + "\n" + tc.end + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Reason(); got != tc.want {
			t.Errorf("end %s: Reason = %q, want %q", tc.end, got, tc.want)
		}
	}
}

// TestRoundTrip: what Marshal writes Read gives back, including the
// optional false and zero fields that must stay in the file.
func TestRoundTrip(t *testing.T) {
	seed := int64(0)
	evs := []Event{
		{T: 0, Ev: KindRunStart, Format: FormatVersion, Versions: map[string]string{"go": "go1"}, Scenario: "s", Seed: &seed, Written: "w", Resolved: "r", SampleInterval: 50e6},
		{T: 1, Ev: KindPublish, Pub: "p", Channel: "c", ID: "p-1", Key: "p-k1", Ver: 1},
		{T: 2, Ev: KindPublishAck, ID: "p-1", Err: "nats: timeout"},
		{T: 3, Ev: KindDeliver, Member: "g-1", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redelivered: Bool(false), Redeliveries: Int(0)},
		{T: 4, Ev: KindDone, Member: "g-1", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redeliveries: Int(0), AckErr: "x"},
		{T: 5, Ev: KindFault, Member: "g-1", Group: "g", Death: death.Forced, Client: "g-1-r0"},
		{T: 6, Ev: KindServerView, Clients: []string{"a"}, Subs: []Sub{{Channel: "c", Group: "g", Client: "a", Pending: 2, LastSent: 7}}},
		{T: 7, Ev: KindServerView, ViewErr: "refused"},
		{T: 8, Ev: KindRunEnd, Reason: ReasonDone},
	}
	var sb strings.Builder
	for i := range evs {
		b, err := evs[i].Marshal()
		if err != nil {
			t.Fatal(err)
		}
		sb.Write(append(b, '\n'))
	}
	if !strings.Contains(sb.String(), `"redelivered":false,"redeliveries":0`) || !strings.Contains(sb.String(), `"seed":0`) {
		t.Errorf("false/zero optional fields not written:\n%s", sb.String())
	}
	l, err := Read(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Events, evs) {
		t.Errorf("round trip:\n got %+v\nwant %+v", l.Events, evs)
	}
	if d := l.Events[3]; d.IsRedelivered() || d.RedeliveryCount() != 0 {
		t.Errorf("deliver flags: %v %d", d.IsRedelivered(), d.RedeliveryCount())
	}
	if e := (&Event{}); e.IsRedelivered() || e.RedeliveryCount() != 0 {
		t.Errorf("absent flags read as set")
	}
}

func TestReadFileNamesPath(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadDir(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("{\"t\":0,\"ev\":\"run_start\"}\nnot json\n{\"t\":1,\"ev\":\"run_end\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadDir(dir)
	if want := path + ": line 2: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want prefix %q", err, want)
	}
}

// TestReadSortMatchesStableSort: the reader's sort is a stable sort by t,
// on shuffled and nearly sorted histories of many sizes.
func TestReadSortMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := range 150 {
		n := rng.IntN(1000)
		if iter < 3 {
			n = 20000
		}
		evs := make([]Event, n)
		for i := range evs {
			tm := int64(i) * 10
			switch iter % 3 {
			case 0: // a few steps back, as actors append late
				if rng.IntN(10) == 0 {
					tm -= int64(rng.IntN(100))
				}
			case 1: // many equal times
				tm = int64(rng.IntN(20))
			default: // shuffled
				tm = rng.Int64N(1000)
			}
			evs[i] = Event{T: tm, Ev: KindDeliver, Seq: uint64(i)}
		}
		var sb strings.Builder
		sb.WriteString(`{"t":-1000000,"ev":"run_start"}` + "\n")
		for i := range evs {
			b, _ := evs[i].Marshal()
			sb.Write(append(b, '\n'))
		}
		l, err := Read(strings.NewReader(sb.String()))
		if err != nil {
			t.Fatal(err)
		}
		want := append([]Event{{T: -1000000, Ev: KindRunStart}}, evs...)
		sort.SliceStable(want, func(i, j int) bool { return want[i].T < want[j].T })
		if !reflect.DeepEqual(l.Events, want) {
			t.Fatalf("iteration %d (%d events): not a stable sort by t", iter, n)
		}
		if !reflect.DeepEqual(*l.Start, l.Events[0]) {
			t.Fatalf("Start is not the run_start line")
		}
	}
}

// TestReadLongLine: a run_start carrying a large scenario is one line.
func TestReadLongLine(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	l, err := Read(strings.NewReader(`{"t":0,"ev":"run_start","written":"` + big + `"}` + "\n"))
	if err != nil || len(l.Start.Written) != len(big) {
		t.Fatalf("long line: %v", err)
	}
}

// A line longer than MaxLine is refused with its number, not read whole
// into a structure.
func TestReadLineTooLong(t *testing.T) {
	big := strings.Repeat("x", MaxLine+1)
	_, err := Read(strings.NewReader(`{"t":0,"ev":"run_start"}` + "\n" + `{"t":1,"ev":"publish","id":"` + big + `"}` + "\n"))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "line 2:") {
		t.Fatalf("err = %v, want line 2 and ErrMalformed", err)
	}
}
