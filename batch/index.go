package batch

import (
	"path/filepath"
	"sort"

	"github.com/stansim/stansim/report"
)

// writeIndex writes index.html and summary.csv for the scenarios that left a
// summary, and returns index.html's path.
func writeIndex(dir string, outs []Outcome) (string, error) {
	var entries []report.Entry
	for _, o := range outs {
		if o.Summary == nil {
			continue
		}
		rel, err := filepath.Rel(dir, o.Dir)
		if err != nil {
			rel = o.Dir
		}
		entries = append(entries, report.Entry{Name: o.Scenario.Name, Dir: rel, Description: o.Scenario.Description, Summary: *o.Summary})
	}
	// By name: a rebuild from the folders alone lists them the same way.
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	if err := report.Batch(dir, entries); err != nil {
		return "", err
	}
	return filepath.Join(dir, report.IndexFile), nil
}
