package history

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unsafe"

	"github.com/stansim/stansim/sim/death"
)

// everyKind is one event of every kind with every field its kind sets,
// plus events that set every field at once, odd strings and extremes.
func everyKind() []Event {
	seed := int64(-42)
	return []Event{
		{T: 0, Ev: KindRunStart, Format: FormatVersion, Versions: map[string]string{"stansim": "v1", "go": "go1.26", "broker": "nats-streaming"},
			Scenario: "s", Seed: &seed, Written: "name: s\n  a: \"q\"\t<&>", Resolved: "name: s\n", SampleInterval: 50e6},
		{T: 1, Ev: KindPublish, Pub: "p", Channel: "orders", ID: "p-1", Key: "p-k1", Ver: 1},
		{T: 2, Ev: KindPublishAck, ID: "p-1"},
		{T: 3, Ev: KindPublishAck, ID: "p-2", Err: "nats: timeout"},
		{T: 4, Ev: KindDeliver, Member: "g-1", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redelivered: Bool(false), Redeliveries: Int(0)},
		{T: 5, Ev: KindDeliver, Member: "g-2", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redelivered: Bool(true), Redeliveries: Int(300)},
		{T: 6, Ev: KindDone, Member: "g-2", Group: "g", Seq: 1, ID: "p-1", Key: "p-k1", Ver: 1, Redeliveries: Int(1), AckErr: "stan: connection closed"},
		{T: 7, Ev: KindSkip, Member: "g-2", Group: "g", Seq: 2, ID: "p-2", Key: "p-k1", Ver: 3, Redeliveries: Int(0), Have: Int(1)},
		{T: 8, Ev: KindFault, Member: "g-1", Group: "g", Death: death.Forced, Client: "g-1-r0"},
		{T: 9, Ev: KindMemberDown, Member: "g-1", Group: "g", Death: death.Hang, Client: "g-1-r0"},
		{T: 10, Ev: KindMemberUp, Member: "g-1", Group: "g", Client: "g-1-r1"},
		{T: 11, Ev: KindMemberDown, Member: "g-1", Group: "g", Err: "connect: refused"},
		{T: 11, Ev: KindMemberExit, Member: "g-1", Group: "g", Client: "g-1-r1", Exit: "exit status 1", BadLines: 3, FirstBad: "hello \"x\"", Stderr: "TypeError: x\n    at y"},
		{T: 11, Ev: KindMemberExit, Member: "g-1", Group: "g", Client: "g-1-r0", Exit: "signal: killed", By: ByFault},
		{T: 12, Ev: KindServerView, Clients: []string{"g-1-r0", "pub-p"}, Subs: []Sub{
			{Channel: "orders", Group: "g", Client: "g-1-r0", Durable: true, Offline: false, Pending: 3, LastSent: 77, Stalled: true},
			{Channel: "orders", Group: "g", Client: "g-2-r0", Pending: -1, LastSent: math.MaxUint64}}},
		{T: 13, Ev: KindServerView, ViewErr: "Get \"http://127.0.0.1:1/streaming/clientsz\": refused"},
		{T: 14, Ev: KindServerView, Clients: []string{}, Subs: []Sub{}},
		{T: 15, Ev: KindRunEnd, Reason: ReasonDone},
		{T: 16, Ev: KindRunEnd, Reason: ReasonFailed, Err: "member g-1: connect: no servers"},
		{T: math.MinInt64, Ev: ""},
		{T: math.MaxInt64, Ev: "x", Format: -1, Ver: math.MinInt, Seq: math.MaxUint64, Have: Int(-7), Redeliveries: Int(math.MaxInt)},
		{Ev: "strings", Scenario: "\u2028\u2029 \x00\x01\x1f\x7f é 日本 \xff\xfe bad", ID: `"\/\\`, Key: "<script>&amp;</script>",
			Err: "\b\f\n\r\t", Versions: map[string]string{"<k>": "\u2028", "": "", "é": "\xc3"}},
	}
}

// TestAppendJSONMatchesEncodingJSON: every field of every kind encodes to
// the bytes encoding/json writes.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for _, e := range everyKind() {
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
		}
		if got := e.AppendJSON([]byte("prefix")); !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("AppendJSON does not append: %s", got)
		}
	}
}

var longNumber = regexp.MustCompile(`[0-9]{19}`)

// TestDecodeMatchesEncodingJSON: every kind decodes as json.Unmarshal
// decodes it, on the fast path.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	d := NewDecoder()
	for _, e := range everyKind() {
		b := e.AppendJSON(nil)
		var want, got Event
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if err := d.Decode(b, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decode %s:\n got %+v (%v)\nwant %+v", b, got, err, want)
		}
		// The fast path takes every line without escapes or numbers of
		// 19 digits and more (those go to encoding/json).
		wantFast := bytes.IndexByte(b, '\\') < 0 && !longNumber.Match(b)
		if d.fast(b, &Event{}) != wantFast {
			t.Errorf("fast path %v for %s", !wantFast, b)
		}
	}
}

// TestDecodeOddLines: lines stansim does not write still decode as
// encoding/json decodes them, and fail where it fails.
func TestDecodeOddLines(t *testing.T) {
	lines := []string{
		`{"t":1,"ev":"publish","ID":"case folded"}`,
		`{"t":1,"ev":"publish","unknown":[1,{"a":null}]}`,
		`{"t":1,"ev":"publish","t":2}`,
		` { "t" : -0 , "ev" : "deliver" , "redelivered" : true , "redeliveries" : 0 } `,
		`{"t":1.5,"ev":"publish"}`,
		`{"t":1e3,"ev":"publish"}`,
		`{"t":0123,"ev":"publish"}`,
		`{"t":123456789012345678901,"ev":"publish"}`,
		`{"t":"1","ev":"publish"}`,
		`{"t":1,"ev":"publish","seq":-1}`,
		`{"t":1,"ev":"publish","seq":-0}`,
		`{"t":null,"ev":"publish","redelivered":null}`,
		`{"t":1,"ev":"pub\u006cish"}`,
		`{"t":1,"ev":"publish","id":"\ud800"}`,
		`{"t":1,"ev":"publish"}x`,
		`{"t":1,"ev":"publish",}`,
		`{"t":1,"ev":"server_view","subs":[{"pending":1,"pending":2}]}`,
		`{"t":1,"ev":"server_view","subs":[{"Pending":1}],"clients":["a",1]}`,
		`{"t":1,"ev":"run_start","versions":{"a":"b","a":"c"}}`,
		`{"t":1,"ev":"run_start","versions":{}}`,
		`{"t":1,"ev":"done","redelivered":tru}`,
		`{"t":1,"ev":"done","redelivered":truex}`,
		"{\"t\":1,\"ev\":\"done\",\"member\":\"\xff\"}",
		"{\"t\":1,\"ev\":\"done\",\"member\":\"a\tb\"}",
		`[]`,
		`null`,
		`{`,
		`{"t":1,"ev":"publish"`,
	}
	d := NewDecoder()
	for _, line := range lines {
		checkDecode(t, d, []byte(line))
	}
}

// checkDecode fails unless d.Decode agrees with json.Unmarshal on b: the
// same error or none, and the same event.
func checkDecode(t *testing.T, d *Decoder, b []byte) {
	t.Helper()
	var want, got Event
	werr := json.Unmarshal(b, &want)
	gerr := d.Decode(b, &got)
	if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("%q: error %v, encoding/json %v", b, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %+v\nwant %+v", b, got, want)
	}
}

// FuzzDecode: whatever the line, the decoder agrees with encoding/json.
func FuzzDecode(f *testing.F) {
	for _, e := range everyKind() {
		f.Add(e.AppendJSON(nil))
	}
	f.Add([]byte(`{"t":1,"ev":"server_view","subs":[{"channel":"c","pending":1}],"clients":[]}`))
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, d, b)
	})
}

// FuzzAppendJSON: events built from arbitrary values encode as
// encoding/json encodes them, and decode back to themselves.
func FuzzAppendJSON(f *testing.F) {
	f.Add(int64(1), "deliver", "g-1", "p-1", "<&>\u2028", uint64(3), 2, true, "a\nb")
	f.Add(int64(-1), "", "", "", "\xff", uint64(0), 0, false, "")
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, ts int64, ev, member, id, text string, seq uint64, n int, flag bool, other string) {
		e := Event{T: ts, Ev: ev, Member: member, Group: other, ID: id, Key: text, Err: text, Seq: seq, Ver: n,
			Redelivered: Bool(flag), Redeliveries: Int(n), Death: death.Kind(other), Clients: []string{text, other},
			Exit: other, By: id, BadLines: n, FirstBad: text, Stderr: other,
			Subs: []Sub{{Channel: text, Client: member, Pending: n, LastSent: seq, Stalled: flag}}, Versions: map[string]string{text: other, other: id}}
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got := e.AppendJSON(nil)
		if !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
		}
		checkDecode(t, d, got)
	})
}

// TestDecodeInterns: repeated short strings are shared, ids are not kept.
func TestDecodeInterns(t *testing.T) {
	d := NewDecoder()
	var a, b Event
	line := `{"t":1,"ev":"deliver","member":"g-1","group":"g","id":"p-1"}`
	if err := d.Decode([]byte(line), &a); err != nil {
		t.Fatal(err)
	}
	if err := d.Decode([]byte(strings.Replace(line, "p-1", "p-2", 1)), &b); err != nil {
		t.Fatal(err)
	}
	if a.Member != b.Member || unsafe.StringData(a.Member) != unsafe.StringData(b.Member) {
		t.Errorf("member not interned")
	}
}
