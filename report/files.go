package report

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

// Charts are the chart names a scenario folder may hold as <chart>.svg and
// <chart>.png, in the order the report shows them.
var Charts = []string{"timeline", "delays", "order", "server-view", "throughput"}

var chartInfo = map[string][2]string{
	"timeline":    {"Timeline", "Each member's life (up, dead, still listed by the server) with its deliveries and dones; redeliveries stand out."},
	"delays":      {"Delays", "How long messages took from publish to done, and how long the redelivered ones waited."},
	"order":       {"Done order", "Per key, the order in which versions were done; a step back is an out-of-order pair."},
	"server-view": {"Server view", "What the server's monitoring endpoint listed over time: clients, subscriptions and their pending messages."},
	"throughput":  {"Throughput", "Messages published and done per interval."},
}

// fileAbout describes the files a scenario folder holds.
var fileAbout = map[string]string{
	history.FileName:    "The run record: one JSON event per line (publishes, deliveries, dones, faults, server samples). The single source of truth: stansim report DIR redraws everything else from it.",
	analyze.SummaryFile: "The key figures of this report as JSON; the field names are stable.",
	"scenario.yaml":     "The scenario as resolved (defaults merged in), enough to run it again.",
	"server.log":        "The embedded NATS Streaming server's log.",
	HTMLFile:            "This report, self-contained.",
	MDFile:              "This report in Markdown, for notes and repository pages; it links the PNG charts.",
}

func aboutFile(name string) string {
	if s, ok := fileAbout[name]; ok {
		return s
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if info, ok := chartInfo[base]; ok {
		switch ext {
		case ".svg":
			return "The " + strings.ToLower(info[0]) + " chart as SVG (inlined in report.html)."
		case ".png":
			return "The " + strings.ToLower(info[0]) + " chart as PNG (linked from report.md)."
		case ".pdf":
			return "The " + strings.ToLower(info[0]) + " chart as PDF."
		}
	}
	return ""
}

// files lists the scenario folder's files (and the two reports), sorted.
func files(dir string) []kv {
	names := []string{HTMLFile, MDFile}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() && !contains(names, e.Name()) && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	out := make([]kv, len(names))
	for i, n := range names {
		out[i] = kv{n, aboutFile(n)}
	}
	return out
}

func readChart(dir, name string) chart {
	info := chartInfo[name]
	c := chart{Name: name, Title: info[0], About: info[1]}
	if _, err := os.Stat(filepath.Join(dir, name+".png")); err != nil {
		c.PNGMissing = true
	}
	b, err := os.ReadFile(filepath.Join(dir, name+".svg"))
	switch {
	case os.IsNotExist(err):
		c.Missing = name + ".svg is not in this folder: the chart was not drawn (stansim report DIR draws it again)."
	case err != nil:
		c.Missing = name + ".svg could not be read: " + err.Error()
	default:
		svg, err := inlineSVG(b, "chart-"+name, c.Title+" chart")
		if err != nil {
			c.Missing = name + ".svg " + err.Error()
		}
		c.SVG = svg
	}
	return c
}
