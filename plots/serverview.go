package plots

import (
	"fmt"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// maxPendingSeries caps the per-client lines of the pending panel.
const maxPendingSeries = 10

// ServerView draws, per queue group, the subscriptions the server lists
// (server_view samples) against the members actually alive (member
// spans), as step lines over time with zombie windows shaded: the picture
// one gets by refreshing the monitoring page. A second panel shows each
// listed subscription's pending (unacknowledged) count.
func ServerView(a *analyze.Analysis, opt Options) (*Figure, error) {
	end := secs(runEnd(a))
	groups := groupsOf(a)
	if len(groups) == 0 {
		groups = []string{""}
	}
	var rows [][]*plot.Plot
	var weights []float64
	hasOffline, hasZombie := false, false
	for _, g := range groups {
		p := newPanel("", "subscriptions")
		if g != "" {
			p.Y.Label.Text = g + ": subscriptions"
		}
		p.X.Tick.Marker = niceTicks{N: 10}
		p.Add(grid(true, true))
		labels := &LabelLayer{}
		for _, d := range a.Deaths {
			if d.Group != g {
				continue
			}
			to := d.Removed
			if to < 0 {
				to = a.End
			}
			if to-d.T <= 0 {
				continue
			}
			hasZombie = true
			p.Add(Bands{span(secs(d.T), secs(to), Alpha(ColorForced, 40))})
			p.Add(VLines{vline(secs(d.T), deathLine(d.Kind, 1, 3, 2))})
			labels.Labels = append(labels.Labels, Label{X: secs(d.T), Y: 0, Text: d.Member + " " + d.Info().Noun, Color: DeathColor(d.Kind),
				Bold: true, Priority: 10, Sides: []Side{AboveRight, AboveLeft}})
		}
		alive := aliveSteps(a, g, end)
		listed, offline, top := listedSteps(a, g, end)
		top = max(top, maxY(alive))
		if len(offline) > 0 {
			hasOffline = true
			p.Add(stepLine(offline, draw.LineStyle{Color: ColorInkLight, Width: 1.2, Dashes: []vg.Length{4, 2}}))
		}
		p.Add(stepLine(alive, draw.LineStyle{Color: ColorDone, Width: 3}))
		if len(listed) > 0 {
			p.Add(stepLine(listed, draw.LineStyle{Color: ColorInk, Width: 1.3}))
		}
		p.Add(Ranger{XMin: 0, XMax: end, YMin: 0, YMax: float64(max(top, 1)) + 0.8})
		p.Y.Tick.Marker = integerTicks{}
		p.Add(labels)
		if len(a.Views) == 0 {
			p.Add(Note{Text: "no server_view samples in this run", TopLeft: true})
		}
		rows = append(rows, []*plot.Plot{p})
		weights = append(weights, 1)
	}
	pend, legendPend := pendingPanel(a, end)
	rows = append(rows, []*plot.Plot{pend})
	weights = append(weights, 1.1)
	rows[len(rows)-1][0].X.Label.Text = "run time (s)"

	legend := []LegendEntry{
		{Label: "members alive", Thumb: lineThumb{Style: draw.LineStyle{Color: ColorDone, Width: 3}}},
		{Label: listedLabel(a), Thumb: lineThumb{Style: draw.LineStyle{Color: ColorInk, Width: 1.3}}},
	}
	if hasOffline {
		legend = append(legend, LegendEntry{Label: "offline durable", Thumb: lineThumb{Style: draw.LineStyle{Color: ColorInkLight, Width: 1.2, Dashes: []vg.Length{4, 2}}}})
	}
	if hasZombie {
		legend = append(legend, LegendEntry{Label: "zombie window (dead, still listed)", Thumb: boxThumb{Fill: Alpha(ColorForced, 40)}})
	}
	legend = append(legend, legendPend...)
	return &Figure{
		Chart:      "server-view",
		Title:      scenarioTitle(a, "what the server lists"),
		Subtitle:   withRunNote(a, serverViewSubtitle(a)),
		Rows:       rows,
		RowWeights: weights,
		Legend:     legend,
		Width:      10 * vg.Inch,
		Height:     vg.Length(150+150*len(rows)) + 30,
	}, nil
}

func serverViewSubtitle(a *analyze.Analysis) string {
	var parts []string
	if len(a.Views) == 0 {
		return "No server_view samples in this run: nothing to compare."
	}
	iv := ""
	if a.Log != nil && a.Log.Start != nil && a.Log.Start.SampleInterval > 0 {
		iv = " every " + fmtDur(timeDur(a.Log.Start.SampleInterval))
	}
	parts = append(parts, fmt.Sprintf("%d monitoring samples%s.", len(a.Views), iv))
	for _, d := range a.Deaths {
		if d.Removed >= 0 {
			parts = append(parts, fmt.Sprintf("%s stayed listed %s after its %s.", d.Member, fmtSecs(secs(d.Removed-d.T)), d.Info().Label))
		} else {
			parts = append(parts, fmt.Sprintf("%s was still listed at the end, %s after its %s.", d.Member, fmtSecs(secs(a.End-d.T)), d.Info().Label))
		}
	}
	failed := 0
	for _, v := range a.Views {
		if v.Err != "" {
			failed++
		}
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d samples failed (gaps).", failed))
	}
	return strings.Join(parts, " ")
}

// aliveSteps counts the group's members connected at each change.
func aliveSteps(a *analyze.Analysis, g string, end float64) plotter.XYs {
	type ch struct {
		t int64
		d int
	}
	var chs []ch
	for _, m := range a.Members {
		if m.Group != g {
			continue
		}
		for _, s := range m.Spans {
			chs = append(chs, ch{s.Up, +1})
			if s.Down >= 0 {
				chs = append(chs, ch{s.Down, -1})
			}
		}
	}
	sort.SliceStable(chs, func(i, j int) bool { return chs[i].t < chs[j].t })
	xys := plotter.XYs{{X: 0, Y: 0}}
	n := 0
	for _, c := range chs {
		n += c.d
		xys = append(xys, plotter.XY{X: secs(c.t), Y: float64(n)})
	}
	return append(xys, plotter.XY{X: end, Y: float64(n)})
}

// listedSteps counts the group's online and offline subscriptions per
// sample (failed samples are skipped).
func listedSteps(a *analyze.Analysis, g string, end float64) (online, offline plotter.XYs, top int) {
	anyOffline := false
	for _, v := range a.Views {
		if v.Err != "" {
			continue
		}
		on, off := 0, 0
		if a.Settings.JetStream {
			// One consumer per group: what the server lists per member
			// is its connection.
			on = listedMembers(a, v, g)
		}
		for _, s := range v.Subs {
			if a.Settings.JetStream {
				break
			}
			if !subInGroup(s, g) {
				continue
			}
			if s.Offline {
				off++
			} else {
				on++
			}
		}
		anyOffline = anyOffline || off > 0
		top = max(top, on, off)
		online = append(online, plotter.XY{X: secs(v.T), Y: float64(on)})
		offline = append(offline, plotter.XY{X: secs(v.T), Y: float64(off)})
	}
	if n := len(online); n > 0 {
		online = append(online, plotter.XY{X: end, Y: online[n-1].Y})
		offline = append(offline, plotter.XY{X: end, Y: offline[n-1].Y})
	}
	if !anyOffline {
		offline = nil
	}
	return online, offline, top
}

// listedMembers counts the connections of group g's members that view v
// lists (JetStream, where a group is one consumer).
func listedMembers(a *analyze.Analysis, v analyze.View, g string) int {
	n := 0
	for client := range v.Clients {
		if mb := a.Member(memberOfClient(a, client)); mb != nil && mb.Group == g {
			n++
		}
	}
	return n
}

// subInGroup reports whether a listed subscription belongs to queue group
// g: the server lists a durable queue group as "<durable>:<group>".
func subInGroup(s history.Sub, g string) bool {
	return s.Group == g || strings.HasSuffix(s.Group, ":"+g)
}

func maxY(xys plotter.XYs) int {
	m := 0.0
	for _, p := range xys {
		m = max(m, p.Y)
	}
	return int(m)
}

func stepLine(xys plotter.XYs, sty draw.LineStyle) *plotter.Line {
	l, err := plotter.NewLine(xys)
	if err != nil {
		l = &plotter.Line{}
	}
	l.StepStyle = plotter.PostStep
	l.LineStyle = sty
	return l
}

// pendingPanel draws each listed subscription's pending count.
func pendingPanel(a *analyze.Analysis, end float64) (*plot.Plot, []LegendEntry) {
	p := newPanel("", "pending (unacked)")
	p.X.Tick.Marker = niceTicks{N: 10}
	p.Add(grid(true, true))
	// Series per client, in order of first listing.
	var clients []string
	series := map[string]plotter.XYs{}
	for _, v := range a.Views {
		if v.Err != "" {
			continue
		}
		listed := map[string]bool{}
		for _, s := range v.Subs {
			key := s.Group + "\x00" + s.Client
			if _, ok := series[key]; !ok {
				clients = append(clients, key)
			}
			series[key] = append(series[key], plotter.XY{X: secs(v.T), Y: float64(s.Pending)})
			listed[key] = true
		}
		// A client no longer listed drops to zero once.
		for _, k := range clients {
			if xs := series[k]; !listed[k] && len(xs) > 0 && !isNaN(xs[len(xs)-1].Y) {
				series[k] = append(xs, plotter.XY{X: secs(v.T), Y: 0})
				series[k] = append(series[k], plotter.XY{X: secs(v.T), Y: nan})
			}
		}
	}
	var legend []LegendEntry
	top := 1.0
	conn := map[string]int{}
	for i, k := range clients {
		if i >= maxPendingSeries {
			break
		}
		group, client, _ := strings.Cut(k, "\x00")
		member := memberOfClient(a, client)
		conn[member]++
		name := member
		if conn[member] > 1 {
			name = fmt.Sprintf("%s (connection %d)", member, conn[member])
		}
		switch {
		case client == "" && group != "":
			name = group + " consumer (ack pending, whole group)" // JetStream
		case member == "":
			name = client
		}
		idx := memberIndex(a, member)
		sty := draw.LineStyle{Color: SeriesColor(idx), Width: 1.5}
		if conn[member] > 1 {
			sty.Dashes = []vg.Length{5, 2}
		}
		xys := series[k]
		for _, q := range xys {
			if !isNaN(q.Y) {
				top = max(top, q.Y)
			}
		}
		for _, seg := range splitNaN(xys) {
			p.Add(stepLine(seg, sty))
		}
		legend = append(legend, LegendEntry{Label: "pending: " + name, Thumb: lineThumb{Style: sty}})
	}
	p.Add(Ranger{XMin: 0, XMax: end, YMin: 0, YMax: top * 1.15})
	if top < 10 {
		p.Y.Tick.Marker = integerTicks{}
	}
	if len(clients) == 0 {
		p.Add(Note{Text: "no subscriptions listed"})
	}
	return p, legend
}

func memberOfClient(a *analyze.Analysis, client string) string {
	for _, m := range a.Members {
		for _, s := range m.Spans {
			if s.Client == client {
				return m.Name
			}
		}
	}
	for _, d := range a.Deaths {
		if d.Client == client {
			return d.Member
		}
	}
	return ""
}

func memberIndex(a *analyze.Analysis, name string) int {
	for i, m := range a.Members {
		if m.Name == name {
			return i
		}
	}
	return len(a.Members)
}

// listedLabel names the listed line: subscriptions on NATS Streaming,
// member connections on JetStream (one consumer per group).
func listedLabel(a *analyze.Analysis) string {
	if a.Settings.JetStream {
		return "member connections the server lists"
	}
	return "subscriptions the server lists"
}
