package report

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/stansim/stansim/sim/analyze"
)

var mdFuncs = template.FuncMap{
	"md":       mdEscape,
	"cell":     mdCell,
	"fence":    mdFence,
	"count":    count,
	"maxPairs": func() int { return analyze.MaxPairs },
}

var reportMD = template.Must(template.New("report.md").Funcs(mdFuncs).Parse(mustRead("report.md.tmpl")))

func writeMarkdown(path string, p *page) error {
	var b bytes.Buffer
	if err := reportMD.Execute(&b, p); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	// Collapse the blank lines the template's conditionals leave.
	out := b.Bytes()
	for bytes.Contains(out, []byte("\n\n\n")) {
		out = bytes.ReplaceAll(out, []byte("\n\n\n"), []byte("\n\n"))
	}
	return writeFile(path, out)
}

// mdSpecial are the characters that could make inline text from a scenario
// or history into Markdown or HTML markup.
var mdSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`,
)

// mdEscape makes s plain inline Markdown text: markup characters are
// backslash-escaped and line breaks become spaces.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
	return mdSpecial.Replace(s)
}

// mdCell is mdEscape for a table cell (where | would end the cell).
func mdCell(s string) string {
	if s == "" {
		return "–"
	}
	return mdEscape(s)
}

// mdFence wraps s in a fenced code block whose fence is longer than any run
// of backticks inside it.
func mdFence(lang, s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + fence
}
