// Package report turns an analysed run into reports: report.html
// (self-contained: inline SVG charts and CSS, no network) and report.md in
// each scenario folder, and index.html and summary.csv for a batch. Every
// report is a pure function of the analysis and the folder's chart files:
// the same inputs give the same bytes.
package report

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"path/filepath"

	"github.com/stansim/stansim/outfile"
	"github.com/stansim/stansim/sim/analyze"
)

//go:embed templates
var templateFS embed.FS

func mustRead(name string) string {
	b, err := templateFS.ReadFile("templates/" + name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var css = template.CSS(mustRead("style.css"))

var htmlFuncs = template.FuncMap{
	"count":    count,
	"maxPairs": func() int { return analyze.MaxPairs },
	// svg marks a chart that inlineSVG has cleaned as safe to inline.
	"svg": func(s string) template.HTML { return template.HTML(s) },
}

var (
	reportHTML = template.Must(template.New("report.html").Funcs(htmlFuncs).Parse(mustRead("report.html.tmpl")))
	indexHTML  = template.Must(template.New("index.html").Funcs(htmlFuncs).Parse(mustRead("index.html.tmpl")))
)

// Scenario writes report.html and report.md into dir from the analysis;
// charts are read from dir/<chart>.svg (and linked as <chart>.png in
// Markdown).
func Scenario(dir string, a *analyze.Analysis) error {
	if a == nil || a.Log == nil {
		return errors.New("report: no analysis to report")
	}
	p := newPage(dir, a)
	if err := writeHTML(filepath.Join(dir, HTMLFile), p); err != nil {
		return err
	}
	return writeMarkdown(filepath.Join(dir, MDFile), p)
}

func writeHTML(path string, p *page) error {
	var b bytes.Buffer
	data := struct {
		*page
		CSS template.CSS
	}{p, css}
	if err := reportHTML.Execute(&b, data); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return writeFile(path, b.Bytes())
}

// writeFile replaces path with data atomically (package outfile), so that
// a reader never sees half a report.
func writeFile(path string, data []byte) error {
	if err := outfile.Write(path, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
