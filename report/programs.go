package report

import (
	"fmt"
	"strings"

	"github.com/stansim/stansim/sim/analyze"
)

// programProblem is one thing a member program did wrong, as the report
// says it, with the program's last stderr lines.
type programProblem struct {
	Member, Client, Sentence, Stderr string
}

// programProblems says each problem the analysis found (analyze.Problem).
func programProblems(a *analyze.Analysis) []programProblem {
	var out []programProblem
	for _, p := range a.Problems {
		x := p.Exit
		who := fmt.Sprintf("%s (client %s)", x.Member, x.Client)
		var s string
		switch p.Kind {
		case analyze.ProblemExited:
			s = fmt.Sprintf("%s ended by itself at %s (%s), not by the scenario's death or the end of the run.", who, secs(x.T), x.Status)
		case analyze.ProblemBadLines:
			what := "a line on stdout that is not a protocol line (stansim ignored it)"
			if x.BadLines > 1 {
				what = fmt.Sprintf("%d lines on stdout that are not protocol lines (stansim ignored them); the first", x.BadLines)
			}
			s = fmt.Sprintf("%s printed %s: %q.", who, what, x.FirstBad)
		case analyze.ProblemSilent:
			s = fmt.Sprintf("%s reported no delivery, although the server sent it messages up to sequence %d: it does not print deliver lines on stdout, or prints them in another form.", who, p.LastSent)
		default:
			continue
		}
		out = append(out, programProblem{Member: x.Member, Client: x.Client, Sentence: s, Stderr: x.Stderr})
	}
	return out
}

// failedStatus is the banner of a run that could not take place, with the
// error's first line as its text and the rest (a program's stderr) as
// detail.
func failedStatus(a *analyze.Analysis) *status {
	msg := "no reason was recorded"
	if a.Log.End != nil && a.Log.End.Err != "" {
		msg = a.Log.End.Err
	}
	text, detail, _ := strings.Cut(msg, "\n")
	return &status{Level: "alert", Title: "The run failed",
		Text: fmt.Sprintf("It could not take place: %s.", strings.TrimSuffix(text, ":")), Detail: detail}
}

// membersRun says who the group's members are: stansim's own (in this
// process or as processes) or the scenario's program.
func membersRun(g analyze.GroupSettings) string {
	if len(g.Command) > 0 {
		return "program: " + strings.Join(g.Command, " ")
	}
	if g.Mode == "" {
		return "stansim"
	}
	return "stansim (" + g.Mode + ")"
}
