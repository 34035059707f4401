package analyze

import (
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// Exit is how one member process ended (a member_exit line): process and
// command modes.
type Exit struct {
	Member, Group, Client string
	T                     int64
	// Status is the process's exit status ("exit status 1", "signal:
	// killed"); By says what ended it (history.ByFault, history.ByStop) or
	// is "" when it ended by itself.
	Status, By string
	// BadLines counts the stdout lines that were not protocol lines;
	// FirstBad is the first of them.
	BadLines int
	FirstBad string
	// Stderr is the last lines of its standard error.
	Stderr string
}

// Problem kinds: what a member program did wrong.
const (
	// ProblemExited: it ended by itself, not by the scenario's death or
	// the end of the run.
	ProblemExited = "exited"
	// ProblemBadLines: it printed lines that are not protocol lines.
	ProblemBadLines = "bad-lines"
	// ProblemSilent: the server sent it messages but it reported no
	// delivery.
	ProblemSilent = "silent"
)

// Problem is one thing a member program did wrong, with the process it
// happened in; the report names it with the program's last stderr lines.
type Problem struct {
	Kind string
	Exit *Exit
	// LastSent is the highest sequence the server had sent the client
	// (ProblemSilent).
	LastSent uint64
}

// findProblems derives the problems of every member process from its exit
// and what the history shows of its life.
func (a *Analysis) findProblems() {
	for i := range a.Exits {
		x := &a.Exits[i]
		if x.By == "" {
			a.Problems = append(a.Problems, Problem{Kind: ProblemExited, Exit: x})
		}
		if x.BadLines > 0 {
			a.Problems = append(a.Problems, Problem{Kind: ProblemBadLines, Exit: x})
		}
		if !a.isProgram(x.Group) {
			continue // stansim's own members report through their own code
		}
		if sent := a.lastSentTo(x.Client, a.aliveUntil(x)); sent > 0 && a.deliveriesOf(x.Member, x.Client) == 0 {
			a.Problems = append(a.Problems, Problem{Kind: ProblemSilent, Exit: x, LastSent: sent})
		}
	}
	a.Summary.ProgramProblems = len(a.Problems)
}

// isProgram reports whether group's members are the scenario's own
// program (mode: command).
func (a *Analysis) isProgram(group string) bool {
	return a.Settings.Groups[group].Mode == scenario.ModeCommand
}

// silentGrace is how long before a program's death or exit a send to it
// still counts against it: one it had no time to report is no proof.
const silentGrace = int64(500e6)

// aliveUntil is when x's process stopped being able to report: its death
// (a frozen or killed program reports nothing), else its exit.
func (a *Analysis) aliveUntil(x *Exit) int64 {
	for _, d := range a.Deaths {
		if d.Client == x.Client {
			return d.T
		}
	}
	return x.T
}

// lastSentTo is the highest sequence a server view sampled before until
// (less silentGrace) says was sent to client, 0 if none.
func (a *Analysis) lastSentTo(client string, until int64) uint64 {
	var last uint64
	for _, v := range a.Views {
		if v.T > until-silentGrace {
			break
		}
		for _, s := range v.Subs {
			if s.Client == client {
				last = max(last, s.LastSent)
			}
		}
	}
	return last
}

// deliveriesOf counts the deliveries member reported while its connection
// was client.
func (a *Analysis) deliveriesOf(member, client string) int {
	mb := a.Member(member)
	if mb == nil {
		return 0
	}
	n := 0
	for _, sp := range mb.Spans {
		if sp.Client != client {
			continue
		}
		for m := range a.All() {
			for _, d := range m.Deliveries {
				if d.Member == member && d.T >= sp.Up && (sp.Down < 0 || d.T <= sp.Down) {
					n++
				}
			}
		}
	}
	return n
}

// exit takes a member_exit line.
func (b *builder) exit(e *history.Event) {
	b.a.Exits = append(b.a.Exits, Exit{Member: e.Member, Group: e.Group, Client: e.Client, T: e.T,
		Status: e.Exit, By: e.By, BadLines: e.BadLines, FirstBad: e.FirstBad, Stderr: e.Stderr})
}
