package diagram

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/death"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/simtest"
)

// Margins for a shared, noisy machine (as in sim/run's phenomenon tests):
// they widen only the upper bounds of delays the server decides.
const (
	schedMargin  = 400 * time.Millisecond
	earlyRedeliv = 15 * time.Millisecond // the server redelivers up to 15 ms early
)

// makePreset runs a preset for real into a temporary folder, with the
// runs kept apart from the figures as the docs command does.
func makePreset(t *testing.T, name string, seed int64) *Result {
	t.Helper()
	p, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opt := Options{Out: filepath.Join(dir, "out"), Runs: filepath.Join(dir, "runs"), Seed: &seed, NoServerLog: true}
	res, err := Make(context.Background(), p, opt)
	if err != nil {
		t.Fatalf("make %s: %v", name, err)
	}
	for _, f := range res.Files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
		if filepath.Dir(f) != opt.Out {
			t.Errorf("%s not in %s", f, opt.Out)
		}
	}
	if len(res.Files) != len(AllFormats) {
		t.Errorf("files = %v", res.Files)
	}
	if err := checkMermaid(res.Mermaid); err != nil {
		t.Errorf("mermaid: %v", err)
	}
	for _, pn := range res.Panels {
		if _, err := os.Stat(filepath.Join(pn.Dir, history.FileName)); err != nil {
			t.Errorf("panel %s: no history kept: %v", pn.Name, err)
		}
		if got := pn.Analysis.Log.Start.Seed; got == nil || *got != seed {
			t.Errorf("panel %s ran with seed %v, want %d", pn.Name, got, seed)
		}
	}
	// The runs redraw to the same figure.
	again, err := Redraw(res.RunDir, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if again.Caption != res.Caption || again.Mermaid != res.Mermaid {
		t.Error("Redraw of the runs differs from Make")
	}
	t.Logf("%s caption: %s", name, res.Caption)
	return res
}

func ns(d int64) time.Duration { return time.Duration(d) }

// predicted is the removal window the analysis predicts for the story's death.
func predicted(t *testing.T, st Story) (lo, hi time.Duration) {
	t.Helper()
	if st.Death == nil || st.Predicted == nil {
		t.Fatalf("%s: no predicted removal window", st.Panel)
	}
	return st.Predicted.Min, st.Predicted.Max
}

// handOffsWithin checks that every hand-off came to the survivor, flagged
// redelivered, for the given cause, between lo and hi after the death.
func handOffsWithin(t *testing.T, st Story, cause string, lo, hi time.Duration) {
	t.Helper()
	if len(st.Held) == 0 {
		t.Fatalf("%s: the member held no message when it died: the story is gone", st.Panel)
	}
	if len(st.HandOffs) < len(st.Held) {
		t.Fatalf("%s: %d messages held, %d handed off", st.Panel, len(st.Held), len(st.HandOffs))
	}
	for _, h := range st.HandOffs {
		if h.Cause != cause {
			t.Errorf("%s: %s handed off for %q, want %q", st.Panel, h.Msg, h.Cause, cause)
		}
		if err := simtest.Within("hand-off of "+h.Msg.String(), ns(h.T-st.Death.T), lo, hi); err != nil {
			t.Errorf("%s: %v", st.Panel, err)
		}
	}
}

// Graceful: dropped at once, its message handed over ~100 ms later.
// Forced: listed between F·I and (F+1)·I, handed over only at removal.
func TestPresetGracefulVsForced(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "graceful-vs-forced", 1)
	if len(res.Panels) != 2 {
		t.Fatalf("%d panels", len(res.Panels))
	}
	g, f := res.Panels[0].Story, res.Panels[1].Story
	if g.Death == nil || g.Death.Kind != death.Graceful || f.Death == nil || f.Death.Kind != death.Forced {
		t.Fatalf("deaths: %+v, %+v", g.Death, f.Death)
	}
	if err := simtest.Within("graceful zombie window", g.Window, 0, 300*time.Millisecond); err != nil {
		t.Error(err)
	}
	handOffsWithin(t, g, analyze.CauseClose, 0, 500*time.Millisecond)

	sample := time.Duration(res.Panels[1].Analysis.Log.Start.SampleInterval)
	lo, hi := predicted(t, f)
	if err := simtest.Within("forced zombie window", f.Window, lo-sample, hi+sample+schedMargin); err != nil {
		t.Error(err)
	}
	handOffsWithin(t, f, analyze.CauseRemoval, f.Window-sample-time.Duration(analyze.HandOffSlack), f.Window+schedMargin)
	if res.Panels[1].Analysis.Summary.OutOfOrder.Inversions == 0 {
		t.Error("forced panel: no version done out of order")
	}
}

// Forced vs hang, same heartbeats: each measured window lies inside its
// own predicted window (F·I for the kill, F·(I+T) for the freeze), and
// the caption names each kind in its own words.
func TestPresetForcedVsHang(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "forced-vs-hang", 1)
	oneDeathEach(t, res, death.Forced, death.Hang)
	for _, pn := range res.Panels {
		a := pn.Analysis
		d := a.Deaths[0]
		if d.Predicted == nil || d.Removed < 0 {
			t.Fatalf("%s: predicted %v, removed %d", pn.Name, d.Predicted, d.Removed)
		}
		if margin := a.Sample + int64(schedMargin); !d.Inside(margin) {
			t.Errorf("%s: listed %v, outside the predicted %v-%v (margin %v)", pn.Name, ns(d.Listed()), d.Predicted.Min, d.Predicted.Max, ns(margin))
		}
		if pn.Story.Window != ns(d.Listed()) || pn.Story.Predicted != d.Predicted {
			t.Errorf("%s: story window %v / %v, analysis %v / %v", pn.Name, pn.Story.Window, pn.Story.Predicted, ns(d.Listed()), d.Predicted)
		}
	}
	f, h := res.Panels[0].Analysis.Deaths[0], res.Panels[1].Analysis.Deaths[0]
	if h.Predicted.Min <= f.Predicted.Max {
		t.Errorf("predicted windows overlap: forced %v-%v, hang %v-%v", f.Predicted.Min, f.Predicted.Max, h.Predicted.Min, h.Predicted.Max)
	}
	left, right, ok := strings.Cut(res.Caption, "Right: ")
	if !ok {
		t.Fatalf("caption has no right panel: %q", res.Caption)
	}
	for _, want := range []string{
		"Left: orders-2 was killed at " + fmtSeconds(f.T) + " without Close()",
		"removal " + secs(f.Predicted.Min) + "-" + secs(f.Predicted.Max) + " s after the death",
		"kept listing it for " + fmtDur(f.Listed()),
	} {
		if !strings.Contains(left, want) {
			t.Errorf("left caption lacks %q:\n%s", want, left)
		}
	}
	for _, want := range []string{
		"orders-2 hung at " + fmtSeconds(h.T) + " (frozen",
		"removal " + secs(h.Predicted.Min) + "-" + secs(h.Predicted.Max) + " s after the death",
		"kept listing it for " + fmtDur(h.Listed()),
		"The hung member stayed listed",
		"as long as the killed one",
	} {
		if !strings.Contains(right, want) {
			t.Errorf("right caption lacks %q:\n%s", want, right)
		}
	}
	sentences, _, _ := strings.Cut(right, "The hung member")
	for _, bad := range []string{"kill", "forced", "graceful"} {
		if strings.Contains(sentences, bad) {
			t.Errorf("the hang panel's caption says %q:\n%s", bad, sentences)
		}
	}
}

func secs(d time.Duration) string { return trimSeconds(d.Seconds()) }

// oneDeathEach checks that res has a panel per kind, each with one death
// of that kind.
func oneDeathEach(t *testing.T, res *Result, kinds ...death.Kind) {
	t.Helper()
	if len(res.Panels) != len(kinds) {
		t.Fatalf("%d panels, want %d", len(res.Panels), len(kinds))
	}
	for i, pn := range res.Panels {
		if d := pn.Analysis.Deaths; len(d) != 1 || d[0].Kind != kinds[i] {
			t.Fatalf("%s: deaths %+v, want one %s", pn.Name, d, kinds[i])
		}
	}
}

// The lesson's listener before and after its fix, with real SIGTERM: as
// stansim's own member processes, and as the lesson's own Node program.
// With the handler that calls Close(), the server drops the member at
// once; without it, the member is listed until heartbeats fail, as after
// SIGKILL, and the caption says so.
func TestPresetSigtermHandler(t *testing.T) {
	for _, preset := range []string{"sigterm-handler", "node-sigterm-handler"} {
		t.Run(preset, func(t *testing.T) {
			if preset == "node-sigterm-handler" {
				simtest.NeedNode(t, "..")
			}
			t.Parallel()
			res := makePreset(t, preset, 1)
			oneDeathEach(t, res, death.Graceful, death.UnhandledTerm)
			for _, pn := range res.Panels {
				a := pn.Analysis
				if d := a.Deaths[0]; d.Removed < 0 || !d.Inside(a.Sample+int64(schedMargin)) {
					t.Errorf("%s: listed %v, predicted %+v", pn.Name, ns(d.Listed()), d.Predicted)
				}
				if a.Summary.ProgramProblems != 0 {
					t.Errorf("%s: program problems %+v", pn.Name, a.Problems)
				}
			}
			fixed, before := res.Panels[0].Analysis.Deaths[0], res.Panels[1].Analysis.Deaths[0]
			if before.Listed() <= fixed.Listed() {
				t.Errorf("without the handler listed %v, with it %v: want longer without", ns(before.Listed()), ns(fixed.Listed()))
			}
			left, right, _ := strings.Cut(res.Caption, "Right: ")
			if !strings.Contains(left, "orders-2 called Close()") || !strings.Contains(right, "was ended by SIGTERM (no handler) at "+fmtSeconds(before.T)+" without Close()") {
				t.Errorf("caption does not tell the two deaths apart:\n%s", res.Caption)
			}
		})
	}
}

// Slow heartbeats keep the dead member listed; each of its messages comes
// back a whole number of AckWaits after it was sent, after newer versions.
func TestPresetAckWaitRedelivery(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "ackwait-redelivery", 1)
	st := res.Panels[0].Story
	a := res.Panels[0].Analysis
	if st.Death == nil || st.Death.Kind != death.Forced {
		t.Fatalf("death %+v", st.Death)
	}
	if st.Window >= 0 {
		t.Errorf("the server dropped the member after %v, before heartbeats could fail", st.Window)
	}
	if len(st.HandOffs) == 0 {
		t.Fatal("nothing came back after AckWait")
	}
	for _, h := range st.HandOffs {
		if h.Cause != analyze.CauseAckWait {
			t.Errorf("%s: cause %q, want ackwait", h.Msg, h.Cause)
		}
		// The first send: the recorded delivery to the dead member, or
		// the publish when it never saw it.
		sent := h.Msg.PublishT
		for _, d := range h.Msg.Deliveries {
			if d.Member == st.Death.Member {
				sent = d.T
				break
			}
		}
		wait := ns(h.T - sent)
		k := max((wait+st.AckWait/2)/st.AckWait, 1)
		if err := simtest.Within("redelivery of "+h.Msg.String(), wait, k*st.AckWait-earlyRedeliv, k*st.AckWait+schedMargin); err != nil {
			t.Error(err)
		}
	}
	if a.Summary.OutOfOrder.Inversions == 0 {
		t.Error("no version done out of order")
	}
}

// One key: an old version is done after newer ones.
func TestPresetOutOfOrder(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "out-of-order", 1)
	a := res.Panels[0].Analysis
	if got := a.Summary.OutOfOrder; got.Inversions == 0 || got.KeysAffected != 1 {
		t.Errorf("out of order = %+v, want inversions on the one key", got)
	}
	st := res.Panels[0].Story
	if len(st.Late) == 0 || len(st.Late[0].After) < 2 {
		t.Errorf("late = %+v, want a version done after at least two newer ones", st.Late)
	}
	lo, hi := predicted(t, st)
	sample := time.Duration(a.Log.Start.SampleInterval)
	if err := simtest.Within("zombie window", st.Window, lo-sample, hi+sample+schedMargin); err != nil {
		t.Error(err)
	}
}

// --seed changes the run: another seed gives other processing times.
func TestSeedChangesTheRun(t *testing.T) {
	t.Parallel()
	p, _ := Lookup("out-of-order")
	var dones [2][]int64
	for i, seed := range []int64{1, 2} {
		dir := t.TempDir()
		res, err := Make(context.Background(), p, Options{Out: dir, Seed: &seed, Formats: []string{"mmd"}, NoServerLog: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Panels[0].Analysis.List() {
			if d := m.FirstDone(); d != nil {
				dones[i] = append(dones[i], d.T-m.Deliveries[d.Delivery].T)
			}
		}
	}
	same := len(dones[0]) == len(dones[1])
	for i := 0; same && i < len(dones[0]); i++ {
		// Deliver-to-done times differ by far more than scheduling noise
		// when the sampled processing times differ.
		if diff := dones[0][i] - dones[1][i]; diff > 20*ms || diff < -20*ms {
			same = false
		}
	}
	if same {
		t.Errorf("seeds 1 and 2 gave the same processing times: %v", dones[0])
	}
}

// An interrupted Make keeps the partial histories and draws nothing.
func TestMakeInterrupted(t *testing.T) {
	t.Parallel()
	p, _ := Lookup("ackwait-redelivery")
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	out := t.TempDir()
	res, err := Make(ctx, p, Options{Out: out, NoServerLog: true})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	l, err := history.ReadDir(filepath.Join(res.RunDir, "ackwait"))
	if err != nil {
		t.Fatalf("partial history: %v", err)
	}
	if l.Reason() != history.ReasonInterrupted {
		t.Errorf("reason %q, want interrupted", l.Reason())
	}
	if _, err := os.Stat(filepath.Join(out, "ackwait-redelivery.svg")); err == nil {
		t.Error("a figure was drawn from an interrupted run")
	}
}

// The same forced kill on both brokers: NATS Streaming keeps the member
// until heartbeats fail and hands its message over at the removal;
// JetStream drops it at once, yet the message waits AckWait from its
// delivery; the caption says which.
func TestPresetStanVsJetStream(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "stan-vs-jetstream", 1)
	stan, js := res.Panels[0].Analysis, res.Panels[1].Analysis
	if js.Settings.JetStream == stan.Settings.JetStream || !js.Settings.JetStream {
		t.Fatal("the panels do not run one broker each")
	}
	sd, jd := stan.Deaths[0], js.Deaths[0]
	if !sd.Inside(stan.Sample+int64(schedMargin)) || !jd.Inside(js.Sample+int64(schedMargin)) {
		t.Errorf("windows %v (stan) and %v (jetstream) outside %+v and %+v", ns(sd.Listed()), ns(jd.Listed()), sd.Predicted, jd.Predicted)
	}
	if jd.Listed() > int64(300*time.Millisecond) || sd.Listed() < int64(900*time.Millisecond) {
		t.Errorf("listed %v on NATS Streaming, %v on JetStream: want heartbeats there, at once here", ns(sd.Listed()), ns(jd.Listed()))
	}
	// Which member JetStream's deliver group picks is random: whatever the
	// killed member held came back only when AckWait ran out.
	for _, m := range jd.Held {
		for _, dl := range m.Deliveries[1:] {
			if dl.Cause != analyze.CauseAckWait {
				t.Errorf("%s came back with cause %q: want AckWait (2s)", m, dl.Cause)
			}
			// No upper bound: a later copy waits more AckWaits.
			if err := simtest.AckWaitRedelivery(m.String()+" came back", m.PublishT, m.Deliveries[0].T, dl.T, 2*time.Second, earlyRedeliv, 1<<62); err != nil {
				t.Error(err)
			}
		}
	}
	_, right, _ := strings.Cut(res.Caption, "Right: ")
	if !strings.Contains(right, "the closed connection is noticed at once") || (len(jd.Held) > 0) != strings.Contains(right, "AckWait (2 s) ran out") {
		t.Errorf("the JetStream caption does not say what happened:\n%s", right)
	}
}

// A hung member on JetStream stays listed until its PINGs go unanswered
// and is still sent messages meanwhile.
func TestPresetStanVsJetStreamHang(t *testing.T) {
	t.Parallel()
	res := makePreset(t, "stan-vs-jetstream-hang", 1)
	for _, pn := range res.Panels {
		d := pn.Analysis.Deaths[0]
		if d.Kind != death.Hang || !d.Inside(pn.Analysis.Sample+int64(schedMargin)) {
			t.Errorf("%s: %s listed %v, predicted %+v", pn.Name, d.Kind, ns(d.Listed()), d.Predicted)
		}
	}
	// Which member JetStream's deliver group picks is random: what was
	// sent to the hung member (sim/run's TestJetStreamHang asserts that
	// something is) came back only when AckWait ran out.
	for _, m := range res.Panels[1].Story.SentToDead {
		for _, dl := range m.Deliveries {
			if dl.Cause != analyze.CauseAckWait {
				t.Errorf("%s, sent to the hung member, came back by %q, not AckWait", m, dl.Cause)
			}
		}
	}
	if !strings.Contains(res.Caption, "JetStream pings every 0.5 s, 2 unanswered allowed") {
		t.Errorf("caption does not name the PING rule:\n%s", res.Caption)
	}
}
