package report

import (
	"bytes"
	"html/template"
)

// CompareRow is one figure of one scenario in two batches, as text.
type CompareRow struct {
	Scenario, Figure string
	A, B, Diff       string
	Changed          bool // the two batches differ: highlighted
}

// CompareFile writes the comparison page of `stansim compare --html`: the
// index's figures of two batches side by side, differences highlighted.
func CompareFile(path, batchA, batchB string, rows []CompareRow) error {
	var b bytes.Buffer
	if err := compareHTML.Execute(&b, struct {
		CSS          template.CSS
		A, B         string
		Rows         []CompareRow
		ChangedCount int
	}{css, batchA, batchB, rows, changed(rows)}); err != nil {
		return err
	}
	return writeFile(path, b.Bytes())
}

func changed(rows []CompareRow) int {
	n := 0
	for _, r := range rows {
		if r.Changed {
			n++
		}
	}
	return n
}

var compareHTML = template.Must(template.New("compare.html").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>stansim: two batches compared</title>
<style>{{.CSS}}
tr.changed td { background: #FFF4D6; font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Two batches compared</h1>
<p>A: <code>{{.A}}</code><br>B: <code>{{.B}}</code></p>
<p>{{.ChangedCount}} figure(s) differ; they are highlighted.</p>
<table>
<thead><tr><th>scenario</th><th>figure</th><th>A</th><th>B</th><th>B − A</th></tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Changed}} class="changed"{{end}}><td>{{.Scenario}}</td><td>{{.Figure}}</td><td>{{.A}}</td><td>{{.B}}</td><td>{{.Diff}}</td></tr>
{{end}}</tbody>
</table>
</main>
</body>
</html>
`))
