package batch

import (
	"path/filepath"

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
	if err := report.Batch(dir, entries); err != nil {
		return "", err
	}
	return filepath.Join(dir, report.IndexFile), nil
}
