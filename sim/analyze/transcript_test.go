package analyze

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/history"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/*.summary.json and *.details.txt from the analysis")

// TestTranscripts analyses every testdata/NAME.jsonl and compares the result
// with testdata/NAME.summary.json (summary.json as stansim writes it) and
// testdata/NAME.details.txt (what the summary does not show: redelivery
// causes, which delivery each done finished, deaths, inversion pairs).
// testdata/README.md tells each fixture's story and its expected numbers.
// `go test ./sim/analyze -run TestTranscripts -rewrite` regenerates the
// expected files; review the diff by hand.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.jsonl")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			l, err := history.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a := Analyze(l)
			sum := filepath.Join("testdata", name+".summary.json")
			if *rewrite {
				if err := a.Summary.WriteFile(sum); err != nil {
					t.Fatal(err)
				}
			} else {
				// The same bytes stansim writes, through WriteFile.
				got := filepath.Join(t.TempDir(), SummaryFile)
				if err := a.Summary.WriteFile(got); err != nil {
					t.Fatal(err)
				}
				compare(t, sum, readFile(t, got))
			}
			det := filepath.Join("testdata", name+".details.txt")
			if *rewrite {
				if err := os.WriteFile(det, details(name, a), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				compare(t, det, details(name, a))
			}

			// Analysis is a pure function of the history.
			again, err := history.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b1, _ := json.Marshal(a.Summary)
			b2, _ := json.Marshal(Analyze(again).Summary)
			if !bytes.Equal(b1, b2) {
				t.Errorf("two analyses of one history differ:\n%s\n%s", b1, b2)
			}
			checkInvariants(t, a)
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compare(t *testing.T, wantPath string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -rewrite and review the diff):\n%s", wantPath, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the lines that differ, in order (enough for small files).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

// checkInvariants holds for every history.
func checkInvariants(t *testing.T, a *Analysis) {
	t.Helper()
	s := a.Summary
	if s.Processed+s.Lost != s.Published {
		t.Errorf("processed %d + lost %d != published %d", s.Processed, s.Lost, s.Published)
	}
	if s.Redelivered > s.Delivered {
		t.Errorf("redelivered %d > delivered %d", s.Redelivered, s.Delivered)
	}
	// Several groups: the top level is the sum or the intersection of the
	// groups' figures; one group: the top level is the group.
	dups, delivered, inversions := 0, 0, 0
	for g, gs := range s.Groups {
		if gs.Processed+gs.Lost != gs.Published || gs.Duplicates > gs.Processed || gs.Processed < s.Processed && gs.Channel == onlyChannel(a) {
			t.Errorf("group %s: %+v against top level processed %d", g, *gs, s.Processed)
		}
		dups, delivered, inversions = dups+gs.Duplicates, delivered+gs.Delivered, inversions+gs.OutOfOrder.Inversions
	}
	if dups != s.Duplicates || delivered != s.Delivered || inversions != s.OutOfOrder.Inversions {
		t.Errorf("sums over groups: duplicates %d, delivered %d, inversions %d; top level %d, %d, %d", dups, delivered, inversions, s.Duplicates, s.Delivered, s.OutOfOrder.Inversions)
	}
	if len(s.Groups) == 1 {
		for _, gs := range s.Groups {
			if gs.Processed != s.Processed || gs.Lost != s.Lost || gs.OutOfOrder != s.OutOfOrder || gs.EndToEndMs.Count != s.EndToEndMs.Count {
				t.Errorf("one group %+v differs from the top level %+v", *gs, s)
			}
		}
	}
	if s.EndToEndMs.Count != s.Processed {
		t.Errorf("end_to_end count %d != processed %d", s.EndToEndMs.Count, s.Processed)
	}
	if want := min(s.OutOfOrder.Inversions, MaxPairs); len(a.Inversions) != want {
		t.Errorf("%d inversion pairs listed, want %d", len(a.Inversions), want)
	}
	if len(s.ZombieWindows) != len(a.Deaths) {
		t.Errorf("%d zombie windows for %d deaths", len(s.ZombieWindows), len(a.Deaths))
	}
	for _, m := range a.List() {
		for k, d := range m.Deliveries {
			if d.Redelivered != (d.Cause != "") {
				t.Errorf("%s delivery %d: redelivered %v with cause %q", m.ID, k, d.Redelivered, d.Cause)
			}
			if d.Done >= 0 && int(m.Dones[d.Done].Delivery) != k {
				t.Errorf("%s: delivery %d -> done %d -> delivery %d", m.ID, k, d.Done, m.Dones[d.Done].Delivery)
			}
		}
		for k, d := range m.Dones {
			if d.Delivery >= 0 {
				dl := m.Deliveries[d.Delivery]
				if int(dl.Done) != k || dl.Member != d.Member || dl.T > d.T {
					t.Errorf("%s: done %d (%s at %d) matched delivery %+v", m.ID, k, d.Member, d.T, dl)
				}
			}
		}
	}
}

// details renders what summary.json leaves out, for review.
func details(name string, a *Analysis) []byte {
	var b bytes.Buffer
	ms := func(t int64) string { return fmt.Sprintf("%gms", Ms(t)) }
	fmt.Fprintf(&b, "# %s: generated by TestTranscripts from %s.jsonl (-rewrite regenerates)\n", name, name)
	fmt.Fprintf(&b, "deaths:\n")
	for _, d := range a.Deaths {
		removed, restart := "never", "none"
		if d.Removed >= 0 {
			removed = ms(d.Removed)
		}
		if d.Restart >= 0 {
			restart = ms(d.Restart)
		}
		pred := "unknown"
		if d.Predicted != nil {
			pred = fmt.Sprintf("%s..%s", ms(int64(d.Predicted.Min)), ms(int64(d.Predicted.Max)))
		}
		fmt.Fprintf(&b, "  %s (%s) %s at %s, client %s: removed %s (predicted %s), restart %s\n", d.Member, d.Group, d.Kind, ms(d.T), d.Client, removed, pred, restart)
		fmt.Fprintf(&b, "    held %s; sent while dead %s\n", ids(d.Held), ids(d.Sent))
	}
	fmt.Fprintf(&b, "members:\n")
	for _, m := range a.Members {
		fmt.Fprintf(&b, "  %s (%s):", m.Name, m.Group)
		for _, s := range m.Spans {
			down := "end"
			if s.Down >= 0 {
				down = ms(s.Down)
			}
			death := ""
			if s.Death != "" {
				death = " " + string(s.Death)
			}
			fmt.Fprintf(&b, " [%s %s..%s%s]", s.Client, ms(s.Up), down, death)
		}
		fmt.Fprintln(&b)
	}
	// Messages whose story is more than publish, deliver, done.
	fmt.Fprintf(&b, "messages (redelivered, done twice, or never done; first done marked *):\n")
	for _, m := range a.List() {
		if len(m.Deliveries) == 1 && !m.Deliveries[0].Redelivered && len(m.Dones) == 1 && m.Acked {
			continue
		}
		ack := "acked"
		switch {
		case m.AckErr != "":
			ack = "ack error " + m.AckErr
		case m.AckT < 0:
			ack = "no ack"
		}
		fmt.Fprintf(&b, "  %s %s v%d published %s, %s\n", m.ID, m.Key, m.Ver, ms(m.PublishT), ack)
		for _, u := range m.Unseen {
			re := ""
			if u.Redelivered {
				re = " (resend)"
			}
			fmt.Fprintf(&b, "    unseen send %s to dead %s%s\n", ms(u.T), u.Death.Member, re)
		}
		for _, d := range m.Deliveries {
			cause := ""
			if d.Cause != "" {
				cause = " cause " + d.Cause
			}
			if d.After != nil {
				cause += fmt.Sprintf(" after %s's %s death", d.After.Member, d.After.Kind)
			}
			if d.Thawed {
				cause += " (read when it resumed)"
			}
			fmt.Fprintf(&b, "    deliver %s %s r%d%s\n", ms(d.T), d.Member, d.Redeliveries, cause)
		}
		for k, d := range m.Dones {
			mark, from, ackErr := " ", "unmatched", ""
			if k == 0 {
				mark = "*"
			}
			if d.Delivery >= 0 {
				dl := m.Deliveries[d.Delivery]
				from = fmt.Sprintf("from deliver %s r%d", ms(dl.T), dl.Redeliveries)
			}
			if d.AckErr != "" {
				ackErr = ", ack error " + d.AckErr
			}
			if d.Late {
				ackErr += ", late"
			}
			fmt.Fprintf(&b, "   %sdone %s %s (%s) r%d %s%s\n", mark, ms(d.T), d.Member, d.Group, d.Redeliveries, from, ackErr)
		}
	}
	fmt.Fprintf(&b, "inversions (%d of %d listed):\n", len(a.Inversions), a.Summary.OutOfOrder.Inversions)
	for _, p := range a.Inversions {
		fmt.Fprintf(&b, "  %s %s: %s v%d done %s before %s v%d done %s\n", p.Group, p.Key, p.Early.ID, p.Early.Ver, ms(p.EarlyT), p.Late.ID, p.Late.Ver, ms(p.LateT))
	}
	return b.Bytes()
}

func ids(ms []*Message) string {
	if len(ms) == 0 {
		return "none"
	}
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.ID
	}
	return strings.Join(s, " ")
}

// onlyChannel is the channel of every message, or "" when there are several.
func onlyChannel(a *Analysis) string {
	c := ""
	for _, m := range a.List() {
		if c != "" && m.Channel != c {
			return ""
		}
		c = m.Channel
	}
	return c
}
