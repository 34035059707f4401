package report

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
)

// msg is one message of a hand-built history: its number n (id pub-n,
// sequence n), key and version.
type msg struct {
	n   int
	key string
	ver int
}

func (m msg) id() string { return "pub-" + itoa(m.n) }

func (s *tale) pubMsg(t int64, m msg) {
	s.add(t, history.Event{Ev: history.KindPublish, Pub: "pub", Channel: "ticket.updated", Key: m.key, Ver: m.ver, ID: m.id()})
	s.add(t+ms, history.Event{Ev: history.KindPublishAck, ID: m.id()})
}

func (s *tale) deliverMsg(t int64, group, member string, m msg, redeliveries int) {
	s.add(t, history.Event{Ev: history.KindDeliver, Member: member, Group: group, Seq: uint64(m.n), ID: m.id(), Key: m.key, Ver: m.ver,
		Redelivered: history.Bool(redeliveries > 0), Redeliveries: history.Int(redeliveries)})
}

func (s *tale) doneMsg(t int64, group, member string, m msg, redeliveries int) {
	s.add(t, history.Event{Ev: history.KindDone, Member: member, Group: group, Seq: uint64(m.n), ID: m.id(), Key: m.key, Ver: m.ver,
		Redeliveries: history.Int(redeliveries)})
}

func (s *tale) upIn(t int64, group, member, client string) {
	s.add(t, history.Event{Ev: history.KindMemberUp, Member: member, Group: group, Client: client})
}

func (s *tale) die(t int64, member, client string, k death.Kind) {
	s.add(t, history.Event{Ev: history.KindFault, Member: member, Death: k, Client: client})
	s.add(t, history.Event{Ev: history.KindMemberDown, Member: member, Client: client, Death: k})
}

// listing samples the server every 50 ms up to end; each client is listed
// until its removal time (-1: always).
func (s *tale) listing(end int64, until map[string]int64, order []string) {
	for t := int64(0); t <= end; t += 50 * ms {
		var cl []string
		for _, c := range order {
			if r := until[c]; r < 0 || t < r {
				cl = append(cl, c)
			}
		}
		s.add(t, history.Event{Ev: history.KindServerView, Clients: cl})
	}
}

func analyse(t *testing.T, s *tale) *analyze.Analysis {
	t.Helper()
	l, err := history.Read(strings.NewReader(string(s.bytes(t))))
	if err != nil {
		t.Fatal(err)
	}
	a := analyze.Analyze(l)
	if !a.Settings.Known {
		t.Fatal("the fixture's resolved scenario does not parse")
	}
	return a
}

const twoDeathsScenario = `name: two-deaths
description: orders-1 hangs at 1 s, orders-2 is killed at 1.5 s; orders-3 carries on.
seed: 1
duration: 20s
server:
  heartbeat: {interval: 250ms, timeout: 250ms, fail_count: 2}
publishers:
  - {name: pub, channel: ticket.updated, count: 9, rate: 10, keys: 6}
listeners:
  - {group: orders, channel: ticket.updated, members: 3, ack_wait: 1s, process_time: 20ms}
faults:
  - {at: 1s, member: orders-1, death: hang}
  - {at: 1.5s, member: orders-2, death: forced}
`

// twoDeaths: three members of orders; orders-1 hangs at 1.0 s (removed at
// 2.2 s), orders-2 is killed at 1.5 s (removed at forcedRemoved).
//
//	#2 b v1: held by orders-1; AckWait hands it to orders-3 at 1.902 s
//	#3 c v1: sent to orders-1 while hung; reaches orders-3 after its removal
//	#4 d v1: held by orders-2; lost
//	#5 e v1: held by orders-2; reaches orders-3 after its removal
//	#7 f v1: sent to orders-2 while dead; lost
//
// #6, #8 and #9 (newer versions of b, c and e) are done first.
func twoDeaths(forcedRemoved int64) *tale {
	s := &tale{}
	s.start("two-deaths", twoDeathsScenario, twoDeathsScenario)
	c1, c2, c3 := "c1", "c2", "c3"
	s.upIn(0, "orders", "orders-1", c1)
	s.upIn(0, "orders", "orders-2", c2)
	s.upIn(0, "orders", "orders-3", c3)
	m := []msg{{}, {1, "a", 1}, {2, "b", 1}, {3, "c", 1}, {4, "d", 1}, {5, "e", 1}, {6, "b", 2}, {7, "f", 1}, {8, "c", 2}, {9, "e", 2}}
	pub := []int64{0, 500, 900, 1050, 1400, 1450, 1550, 1600, 1650, 1700}
	for n := 1; n <= 9; n++ {
		s.pubMsg(pub[n]*ms, m[n])
	}
	ok := func(n int, member string) {
		s.deliverMsg((pub[n]+2)*ms, "orders", member, m[n], 0)
		s.doneMsg((pub[n]+20)*ms, "orders", member, m[n], 0)
	}
	ok(1, "orders-2")
	s.deliverMsg(902*ms, "orders", "orders-1", m[2], 0)
	s.die(1000*ms, "orders-1", c1, death.Hang)
	s.deliverMsg(1402*ms, "orders", "orders-2", m[4], 0)
	s.deliverMsg(1452*ms, "orders", "orders-2", m[5], 0)
	s.die(1500*ms, "orders-2", c2, death.Forced)
	ok(6, "orders-3")
	ok(8, "orders-3")
	ok(9, "orders-3")
	s.deliverMsg(1902*ms, "orders", "orders-3", m[2], 1)
	s.doneMsg(1920*ms, "orders", "orders-3", m[2], 1)
	s.deliverMsg(2300*ms, "orders", "orders-3", m[3], 1)
	s.doneMsg(2320*ms, "orders", "orders-3", m[3], 1)
	s.deliverMsg(2550*ms, "orders", "orders-3", m[5], 1)
	s.doneMsg(2570*ms, "orders", "orders-3", m[5], 1)
	s.listing(2600*ms, map[string]int64{c1: 2200 * ms, c2: forcedRemoved, c3: -1}, []string{c1, c2, c3})
	s.add(2600*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

// sentences lists every explained item of e with its group's heading.
func sentences(e Explanations) []Item {
	var out []Item
	for _, s := range append([]Section{e.Deaths}, e.Anomalies()...) {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				it.Sentence = g.Heading + ": " + it.Sentence
				out = append(out, it)
			}
		}
	}
	return out
}

func ids(ms []*analyze.Message) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// Two deaths of different kinds in one group: each death's sentence names
// exactly the analysis's held and sent messages and quotes its measured
// window against its own kind's prediction; every hand-off is told by its
// Delivery.Cause; nothing about the hang calls it a kill.
func TestTwoDeathsOfDifferentKinds(t *testing.T) {
	cases := []struct {
		name          string
		forcedRemoved int64
		forcedFit     string // how the forced window compares
	}{
		{"forced inside", 2150 * ms, "0.65 s later, inside the predicted 0.50 s to 0.75 s (F·I to (F+1)·I, with I = 250ms, T = 250ms, F = 2)"},
		{"forced just outside", 2300 * ms, "0.80 s later, just outside the predicted 0.50 s to 0.75 s (F·I to (F+1)·I, with I = 250ms, T = 250ms, F = 2), " +
			"which the sampling interval (50ms: a removal shows up to one sample late) and scheduling (about 100 ms) may explain"},
		{"forced outside", 2500 * ms, "1.00 s later, outside the predicted 0.50 s to 0.75 s (F·I to (F+1)·I, with I = 250ms, T = 250ms, F = 2), " +
			"by more than the sampling interval (50ms: a removal shows up to one sample late) and scheduling (about 100 ms) can explain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := analyse(t, twoDeaths(c.forcedRemoved))
			e := Explain(a)
			if len(a.Deaths) != 2 || e.Deaths.Total != 2 {
				t.Fatalf("%d deaths, %d explained", len(a.Deaths), e.Deaths.Total)
			}
			hang, forced := a.Deaths[0], a.Deaths[1]
			if hang.Kind != death.Hang || forced.Kind != death.Forced {
				t.Fatalf("kinds %s, %s", hang.Kind, forced.Kind)
			}
			// The fixture's facts as the analysis derives them.
			for _, f := range []struct {
				d          *analyze.Death
				held, sent []string
			}{
				{hang, []string{"pub-2"}, []string{"pub-3"}},
				{forced, []string{"pub-4", "pub-5"}, []string{"pub-7"}},
			} {
				if !reflect.DeepEqual(ids(f.d.Held), f.held) || !reflect.DeepEqual(ids(f.d.Sent), f.sent) {
					t.Fatalf("%s: held %v sent %v, fixture means %v and %v", f.d.Member, ids(f.d.Held), ids(f.d.Sent), f.held, f.sent)
				}
			}
			checkDeathItems(t, e, a, map[*analyze.Death]string{
				hang:   "the server listed it until 2.20 s, 1.20 s later, inside the predicted 1.00 s to 1.50 s (F·(I+T) to (F+1)·(I+T), with I = 250ms, T = 250ms, F = 2)",
				forced: c.forcedFit,
			})
			checkHandOffs(t, e, a)
			checkHangWords(t, e)
			checkLostHolders(t, e, a)
		})
	}
}

// checkDeathItems: the death's sentence names d.Held and d.Sent and its
// window sentence (measured against its own kind's prediction).
func checkDeathItems(t *testing.T, e Explanations, a *analyze.Analysis, window map[*analyze.Death]string) {
	t.Helper()
	items := e.Deaths.Groups[0].Items
	for i, d := range a.Deaths {
		it := items[i]
		if !reflect.DeepEqual(it.Messages, append(ids(d.Held), ids(d.Sent)...)) || it.Members[0] != d.Member {
			t.Errorf("%s: item messages %v, analysis held %v sent %v", d.Member, it.Messages, ids(d.Held), ids(d.Sent))
		}
		for _, want := range []string{
			d.Member + " " + d.Info().Verb + " at " + secs(d.T) + " (" + d.Info().How + ")",
			"it held " + count(len(d.Held), "message") + " unacknowledged (" + msgList(d.Held, 5) + ")",
			"while dead it was most likely sent " + count(len(d.Sent), "message") + " (" + msgList(d.Sent, 5) + ")",
			window[d],
		} {
			if !strings.Contains(it.Sentence, want) {
				t.Errorf("%s's sentence lacks %q:\n%s", d.Member, want, it.Sentence)
			}
		}
		w, _ := a.Settings.Removal(d.Kind)
		for _, other := range a.Deaths {
			if ow, _ := a.Settings.Removal(other.Kind); other.Kind != d.Kind && strings.Contains(it.Sentence, ow.Rule) {
				t.Errorf("%s's sentence quotes the %s rule %q, not only its own %q", d.Member, other.Kind, ow.Rule, w.Rule)
			}
		}
	}
}

// checkHandOffs: each late message's story tells every copy that followed
// a death by that copy's Delivery.Cause.
func checkHandOffs(t *testing.T, e Explanations, a *analyze.Analysis) {
	t.Helper()
	want := map[string]string{"pub-2": analyze.CauseAckWait, "pub-3": analyze.CauseRemoval, "pub-5": analyze.CauseRemoval}
	for id, cause := range want {
		m := a.ByID(id)
		var dl *analyze.Delivery
		for k := range m.Deliveries {
			if m.Deliveries[k].After != nil {
				dl = &m.Deliveries[k]
			}
		}
		if dl == nil || dl.Cause != cause {
			t.Fatalf("%s: hand-off %+v, the fixture means cause %s", id, dl, cause)
		}
		_, it := item(t, e.OutOfOrder, id)
		d := dl.After
		var told string
		switch dl.Cause {
		case analyze.CauseAckWait:
			told = "AckWait (1s) ran out while the server still listed " + d.Member + ", and " + short(m) + " reached " + dl.Member + " at " + secs(dl.T)
		case analyze.CauseRemoval:
			told = "the server listed it until " + secs(d.Removed) + "; " + short(m) + " reached " + dl.Member + " at " + secs(dl.T)
		}
		if !strings.Contains(it.Sentence, told) {
			t.Errorf("%s (cause %s) lacks %q:\n%s", id, dl.Cause, told, it.Sentence)
		}
		if !strings.Contains(it.Sentence, d.Member+" "+d.Info().Verb+" at "+secs(d.T)) &&
			!strings.Contains(it.Sentence, d.Member+" was dead ("+d.Info().Noun+" at "+secs(d.T)+")") {
			t.Errorf("%s does not tell %s's death in its own words:\n%s", id, d.Member, it.Sentence)
		}
	}
	// #3 was first sent to the hung member (Message.Unseen).
	if _, it := item(t, e.OutOfOrder, "pub-3"); !strings.Contains(it.Sentence,
		"#3 (c v1) was published at 1.05 s while orders-1 was dead (hung at 1.00 s) but still listed, so the server most likely sent it there") {
		t.Errorf("pub-3: %s", it.Sentence)
	}
}

// checkHangWords: no sentence or heading about the hang alone calls it a
// kill or forced.
func checkHangWords(t *testing.T, e Explanations) {
	t.Helper()
	n := 0
	for _, it := range sentences(e) {
		if !contains(it.Members, "orders-1") || contains(it.Members, "orders-2") {
			continue
		}
		n++
		if l := strings.ToLower(it.Sentence); strings.Contains(l, "kill") || strings.Contains(l, "forced") {
			t.Errorf("a sentence about the hang: %s", it.Sentence)
		}
	}
	if n < 2 {
		t.Errorf("only %d sentences about the hang", n)
	}
}

// checkLostHolders: a lost message is blamed on the death the analysis says
// last had it: the holder of its last copy, or the dead member sent it.
func checkLostHolders(t *testing.T, e Explanations, a *analyze.Analysis) {
	t.Helper()
	forced := a.Deaths[1]
	for id, want := range map[string]string{
		"pub-4": "#4 (d v1) reached orders-2 at 1.40 s; orders-2 was killed at 1.50 s; the server listed it until " + secs(forced.Removed) +
			"; it was never handed off before the run ended at 2.60 s.",
		"pub-7": "pub-7 (f v1) was published at 1.60 s while orders-2 was dead (killed at 1.50 s) but still listed, so the server most likely sent it there; " +
			"the server listed it until " + secs(forced.Removed) + "; it was never handed off before the run ended at 2.60 s.",
	} {
		g, it := item(t, e.Lost, id)
		if g.Death != forced || it.Sentence != want {
			t.Errorf("%s: death %v\n got %s\nwant %s", id, g.Death, it.Sentence, want)
		}
	}
}

// The report's zombie table and settings show each kind's own prediction.
func TestTwoDeathsReport(t *testing.T) {
	a := analyse(t, twoDeaths(2500*ms))
	dir := t.TempDir()
	must(t, Scenario(dir, a))
	md := read(t, filepath.Join(dir, MDFile))
	for _, want := range []string{
		"| orders-1 | hang (frozen) | 1.00 s | 1.20 s | 1.00 s – 1.50 s (F·(I+T) to (F+1)·(I+T)) | The server kept listing orders-1 for 1.20 s after it hung. That is inside the predicted window. |",
		"| orders-2 | forced kill | 1.50 s | 1.00 s | 500 ms – 750 ms (F·I to (F+1)·I) | The server kept listing orders-2 for 1.00 s after it was killed. That is outside the predicted window",
		"| Predicted removal: forced kill | 500ms to 750ms after the death (F·I to (F+1)·I) |",
		"| Predicted removal: hang (frozen) | 1s to 1.5s after the death (F·(I+T) to (F+1)·(I+T)) |",
		"#### orders-1 hung at 1.00 s (hang death)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md, "Predicted removal: graceful") {
		t.Error("report.md predicts a removal for a kind the run did not have")
	}
}

const twoGroupsScenario = `name: two-groups
description: orders and audit both read ticket.updated; audit falls behind.
seed: 1
duration: 20s
publishers:
  - {name: pub, channel: ticket.updated, count: 6, rate: 10, keys: 6}
listeners:
  - {group: orders, channel: ticket.updated, members: 2, ack_wait: 2s, process_time: 20ms}
  - {group: audit, channel: ticket.updated, members: 1, ack_wait: 2s, process_time: 20ms}
`

// twoGroups: orders does all six messages; audit does four, is still
// processing #5 and never gets #6 before the run ends.
func twoGroups() *tale {
	s := &tale{}
	s.start("two-groups", twoGroupsScenario, twoGroupsScenario)
	s.upIn(0, "orders", "orders-1", "o1")
	s.upIn(0, "orders", "orders-2", "o2")
	s.upIn(0, "audit", "audit-1", "a1")
	for n := 1; n <= 6; n++ {
		t := int64(n-1) * 100 * ms
		m := msg{n, "k" + itoa(n), 1}
		s.pubMsg(t, m)
		member := "orders-" + itoa((n-1)%2+1)
		s.deliverMsg(t+2*ms, "orders", member, m, 0)
		s.doneMsg(t+20*ms, "orders", member, m, 0)
		if n <= 5 {
			s.deliverMsg(t+3*ms, "audit", "audit-1", m, 0)
		}
		if n <= 4 {
			s.doneMsg(t+30*ms, "audit", "audit-1", m, 0)
		}
	}
	s.listing(600*ms, map[string]int64{"o1": -1, "o2": -1, "a1": -1}, []string{"o1", "o2", "a1"})
	s.add(600*ms, history.Event{Ev: history.KindRunEnd, Reason: history.ReasonDone})
	return s
}

// Several groups: the report shows each group's processed and lost side by
// side, the index and summary.csv add a row per group.
func TestGroupsSideBySide(t *testing.T) {
	a := analyse(t, twoGroups())
	if s := a.Summary; s.Groups["orders"].Processed != 6 || s.Groups["audit"].Processed != 4 || s.Groups["audit"].Lost != 2 || s.Lost != 2 {
		t.Fatalf("fixture: orders %+v audit %+v lost %d", s.Groups["orders"], s.Groups["audit"], s.Lost)
	}
	batch := t.TempDir()
	dir := filepath.Join(batch, "two-groups")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, Scenario(dir, a))
	md := read(t, filepath.Join(dir, MDFile))
	html := read(t, filepath.Join(dir, HTMLFile))
	for _, c := range []struct{ file, text, want string }{
		{"report.md", md, "| Figure | orders | audit |"},
		{"report.md", md, "| Processed (`processed`) | 6 | 4 |"},
		{"report.md", md, "| Lost (`lost`) | 0 | 2 |"},
		{"report.md", md, "orders did 6 of 6 messages (none lost) and audit 4 of 6 (2 lost)."},
		{"report.md", md, "| 2 | 2 of 6 messages were never done by at least one of the queue groups reading their channel (see By queue group). |"},
		{"report.md", md, "1. #5 (k5 v1) reached audit-1 at 0.40 s; audit-1 was still processing it when the run ended at 0.60 s."},
		{"report.md", md, "1. #6 (k6 v1) was published at 0.50 s and never delivered to audit."},
		{"report.html", html, `<th class="num">orders</th><th class="num">audit</th>`},
		{"report.html", html, `Processed<br><code>processed</code></td><td class="num">6</td><td class="num">4</td>`},
		{"report.html", html, `Lost<br><code>lost</code></td><td class="num">0</td><td class="num bad">2</td>`},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s lacks %q", c.file, c.want)
		}
	}

	must(t, Batch(batch, []Entry{{Name: "two-groups", Dir: "two-groups", Summary: a.Summary}}))
	index := read(t, filepath.Join(batch, IndexFile))
	if !strings.Contains(index, `<tr class="group" id="row-two-groups/audit">`) ||
		!strings.Contains(index, "two-groups/audit <span class=\"muted\">(queue group)</span></td><td></td>\n<td class=\"num\">6</td>\n<td class=\"num\">4</td>\n<td class=\"num bad\">2</td>") {
		t.Errorf("index.html lacks audit's row:\n%s", index)
	}
	csv := read(t, filepath.Join(batch, CSVFile))
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "two-groups,") ||
		!strings.HasPrefix(lines[2], "two-groups/audit,queue group audit on channel ticket.updated,two-groups,done,,6,5,0,4,0,2,") ||
		!strings.HasSuffix(lines[2], ",audit") || !strings.HasPrefix(lines[3], "two-groups/orders,") {
		t.Errorf("summary.csv:\n%s", csv)
	}
}
