package report

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/stansim/stansim/plots"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
)

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
	if info, ok := plots.Lookup(base); ok {
		title := strings.ToLower(info.Title)
		switch ext {
		case ".svg":
			return "The " + title + " chart as SVG (inlined in report.html)."
		case ".png":
			return "The " + title + " chart as PNG (linked from report.md)."
		case ".pdf":
			return "The " + title + " chart as PDF."
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

// readCharts reads every registry chart's SVG from dir, ready to inline,
// in registry order. The charts are read at once: sanitising a dense
// run's SVG takes tens of milliseconds.
func readCharts(dir string) []chart {
	out := make([]chart, len(plots.Registry))
	var wg sync.WaitGroup
	for i, info := range plots.Registry {
		wg.Go(func() { out[i] = readChart(dir, info) })
	}
	wg.Wait()
	return out
}

// readChart reads the registry chart info's SVG from dir, ready to inline.
func readChart(dir string, info plots.ChartInfo) chart {
	name := info.Name
	c := chart{Name: name, Title: info.Title, About: info.About}
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
