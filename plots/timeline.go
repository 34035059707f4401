package plots

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/stansim/stansim/sim/analyze"
)

// DefaultMaxMessages is how many messages the timeline draws as arrows.
const DefaultMaxMessages = 100

// maxBackground caps the light ticks drawn for messages beyond the arrow cap.
const maxBackground = 4000

// Timeline draws the swimlane diagram: a lane per publisher, per channel
// (the server) and per member, time along x; arrows publish -> server ->
// member, done dots, deaths, restarts, zombie windows, dashed redeliveries
// labelled "#seq key@ver", out-of-order dones ringed and version-check
// skips slashed. A long run is drawn as a window around the first fault
// (see TimelineWindow); at most Options.MaxMessages messages get arrows,
// preferring the ones that tell the story (redelivered, lost in a death,
// out of order, skipped).
func Timeline(a *analyze.Analysis, opt Options) (*Figure, error) {
	from, to := TimelineWindow(a, opt)
	tl := newTimeline(a, from, to)
	maxMsgs := opt.MaxMessages
	if maxMsgs <= 0 {
		maxMsgs = DefaultMaxMessages
	}
	arrows, background := tl.selectMessages(maxMsgs)

	p := newPanel("run time (s)", "")
	p.X.Min, p.X.Max = secs(from), secs(to)
	p.Y.Min, p.Y.Max = -0.6, float64(len(tl.lanes))-0.4
	var ticks []plot.Tick
	for _, ln := range tl.lanes {
		ticks = append(ticks, plot.Tick{Value: ln.y, Label: ln.name})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Length = 0
	p.Y.Color = nil
	p.Y.Tick.Label.Font.Size = sizeAxis
	p.X.Tick.Marker = niceTicks{N: 10}
	p.Add(grid(true, false))

	labels := &LabelLayer{Note: true}
	p.Add(tl.laneSegs())
	bands, zombieLabels := tl.zombies()
	p.Add(bands)
	labels.Labels = append(labels.Labels, zombieLabels...)
	p.Add(tl.backgroundTicks(background))
	procs, arr, redo, dots, rings, msgLabels := tl.messages(arrows)
	p.Add(procs, arr, dots, rings, redo)
	labels.Labels = append(labels.Labels, msgLabels...)
	skips, skipLabels := tl.skips(arrows)
	p.Add(skips)
	labels.Labels = append(labels.Labels, skipLabels...)
	faults, faultLabels, obstacles := tl.faults()
	p.Add(faults)
	labels.Labels = append(labels.Labels, faultLabels...)
	labels.Obstacles = obstacles
	if len(tl.lanes) == 0 || (len(arrows) == 0 && len(background) == 0) {
		p.Add(Note{Text: "no messages in this window"})
	}
	p.Add(labels)

	fig := &Figure{
		Chart:    "timeline",
		Title:    scenarioTitle(a, "timeline"),
		Subtitle: withRunNote(a, tl.subtitle(len(arrows), len(background))),
		Rows:     [][]*plot.Plot{{p}},
		Legend:   tl.legend(),
		Width:    10 * vg.Inch,
		Height:   vg.Length(150+36*max(len(tl.lanes), 3)) + 40,
	}
	return fig, nil
}

// TimelineWindow is the run-time window the timeline shows, in run
// nanoseconds: Options.Window when set; otherwise from 0.5 s before the
// first death to just after the last redelivery it caused (including the
// server's removal of the member and a near restart); without a death,
// around the first redelivery or inversion; otherwise the start of the run.
func TimelineWindow(a *analyze.Analysis, opt Options) (from, to int64) {
	if w := opt.Window; w != nil {
		from, to = int64(w[0]), int64(w[1])
		if to <= from {
			to = from + int64(time.Millisecond)
		}
		return from, to
	}
	const before = int64(500 * time.Millisecond)
	end := runEnd(a)
	clamp := func(from, to int64) (int64, int64) {
		from = max(from, 0)
		to += (to - from) / 16
		to = min(to, end)
		if to <= from {
			to = from + int64(100*time.Millisecond)
		}
		return from, to
	}
	if len(a.Deaths) > 0 {
		d := a.Deaths[0]
		from, to = d.T-before, d.T+before
		if d.Removed >= 0 {
			to = max(to, d.Removed)
		}
		for m := range a.All() {
			for k := range m.Deliveries {
				dl := &m.Deliveries[k]
				if !dl.Redelivered || dl.T < d.T || dl.After != d {
					continue
				}
				to = max(to, dl.T)
				if dl.Done >= 0 {
					to = max(to, min(m.Dones[dl.Done].T, dl.T+int64(time.Second)))
				}
			}
		}
		if d.Restart >= 0 && d.Restart <= to+max(int64(2*time.Second), to-from) {
			to = max(to, d.Restart+int64(200*time.Millisecond))
		}
		return clamp(from, to)
	}
	for m := range a.All() {
		for _, dl := range m.Deliveries {
			if dl.Redelivered {
				return clamp(m.PublishT-int64(300*time.Millisecond), dl.T+before)
			}
		}
	}
	if len(a.Inversions) > 0 {
		iv := a.Inversions[0]
		return clamp(min(iv.EarlyT, iv.Late.PublishT)-int64(300*time.Millisecond), iv.LateT+int64(300*time.Millisecond))
	}
	to = end
	if n := a.NumMessages(); n > DefaultMaxMessages {
		to = a.MessageAt(DefaultMaxMessages-1).PublishT + int64(100*time.Millisecond)
	}
	return clamp(0, to)
}

type lane struct {
	name string
	y    float64
}

type timeline struct {
	a            *analyze.Analysis
	from, to     int64
	lanes        []lane
	pubY, chanY  map[string]float64
	memberY      map[string]float64
	inWin        []*analyze.Message
	important    map[*analyze.Message]bool
	seen         map[string]bool // legend items present
	defaultChanY float64
}

func newTimeline(a *analyze.Analysis, from, to int64) *timeline {
	tl := &timeline{a: a, from: from, to: to, pubY: map[string]float64{}, chanY: map[string]float64{},
		memberY: map[string]float64{}, important: map[*analyze.Message]bool{}, seen: map[string]bool{}}
	var names []string
	for _, p := range a.Publishers() {
		names = append(names, "publisher "+p)
	}
	var chans []string
	for m := range a.All() {
		if !contains(chans, m.Channel) {
			chans = append(chans, m.Channel)
		}
	}
	if len(chans) == 0 && len(a.Members) > 0 {
		chans = []string{""}
	}
	for _, c := range chans {
		if c == "" {
			names = append(names, "server")
		} else {
			names = append(names, "server: "+c)
		}
	}
	for _, m := range a.Members {
		names = append(names, m.Name)
	}
	n := len(names)
	for i, name := range names {
		y := float64(n - 1 - i)
		tl.lanes = append(tl.lanes, lane{name: name, y: y})
		switch {
		case i < len(a.Publishers()):
			tl.pubY[a.Publishers()[i]] = y
		case i < len(a.Publishers())+len(chans):
			tl.chanY[chans[i-len(a.Publishers())]] = y
		default:
			tl.memberY[a.Members[i-len(a.Publishers())-len(chans)].Name] = y
		}
	}
	if len(chans) > 0 {
		tl.defaultChanY = tl.chanY[chans[0]]
	}
	for m := range a.All() {
		if tl.inWindow(m) {
			m = a.Keep(m) // inWin keeps it past this step
			tl.inWin = append(tl.inWin, m)
			if tl.isImportant(m) {
				tl.important[m] = true
			}
		}
	}
	return tl
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (tl *timeline) in(t int64) bool { return t >= tl.from && t <= tl.to }

func (tl *timeline) inWindow(m *analyze.Message) bool {
	if m.PublishT >= 0 && tl.in(m.PublishT) {
		return true
	}
	for _, d := range m.Deliveries {
		if tl.in(d.T) {
			return true
		}
	}
	for _, d := range m.Dones {
		if tl.in(d.T) {
			return true
		}
	}
	return false
}

// isImportant: redelivered, out of order, skipped by a version check, or
// delivered and never finished by that member (lost in a death).
func (tl *timeline) isImportant(m *analyze.Message) bool {
	if doneLate(m) || len(m.Skips) > 0 {
		return true
	}
	for _, d := range m.Deliveries {
		if d.Redelivered || d.Done < 0 {
			return true
		}
	}
	return false
}

// selectMessages splits the window's messages into those drawn with
// arrows (all of them when they fit; else the important ones, then an
// even sample of the others) and the rest (light ticks).
func (tl *timeline) selectMessages(maxMsgs int) (arrows, background []*analyze.Message) {
	if len(tl.inWin) <= maxMsgs {
		return tl.inWin, nil
	}
	// The important ones first (in publish order), then an even sample
	// of the rest across the window.
	chosen := map[*analyze.Message]bool{}
	var rest []*analyze.Message
	for _, m := range tl.inWin {
		if tl.important[m] && len(chosen) < maxMsgs {
			chosen[m] = true
		} else if !tl.important[m] {
			rest = append(rest, m)
		}
	}
	if free := maxMsgs - len(chosen); free > 0 && len(rest) > 0 {
		for i := range free {
			chosen[rest[i*len(rest)/free]] = true
		}
	}
	for _, m := range tl.inWin {
		if chosen[m] {
			arrows = append(arrows, m)
		} else {
			background = append(background, m)
		}
	}
	return arrows, background
}

func msgLabel(m *analyze.Message) string {
	if m.Seq > 0 {
		return fmt.Sprintf("#%d %s@%d", m.Seq, m.Key, m.Ver)
	}
	return fmt.Sprintf("%s %s@%d", m.ID, m.Key, m.Ver)
}

func scenarioTitle(a *analyze.Analysis, chart string) string {
	name := a.Summary.Scenario
	if name == "" {
		name = "run"
	}
	return name + " \u2014 " + chart
}

// serverT is when the server had the message: the earlier of its
// publish ack and first delivery (publish time if neither).
func serverT(m *analyze.Message) int64 {
	t := int64(math.MaxInt64)
	if m.AckT >= 0 {
		t = m.AckT
	}
	if len(m.Deliveries) > 0 {
		t = min(t, m.Deliveries[0].T)
	}
	if t == math.MaxInt64 || t < m.PublishT {
		t = max(m.PublishT, 0)
	}
	return t
}

func (tl *timeline) chanLane(m *analyze.Message) float64 {
	if y, ok := tl.chanY[m.Channel]; ok {
		return y
	}
	return tl.defaultChanY
}
