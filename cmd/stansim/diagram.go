package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/stansim/stansim/diagram"
	"github.com/stansim/stansim/sim/scenario"
)

// cmdDiagram: stansim diagram PRESET...|all [--out DIR] [--runs DIR] [--seed N] [--format LIST]
//
//	stansim diagram --scenario FILE [--only NAME] [...]
//	stansim diagram --redraw DIR [--out DIR] [--format LIST]
//	stansim diagram --list
func cmdDiagram(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("diagram", flag.ContinueOnError)
	out := fs.String("out", "results/diagrams", "folder for <preset>.svg, .png, .pdf and .mmd")
	runs := fs.String("runs", "", "folder for the runs, <runs>/<preset>/<panel>/ (default: --out)")
	seed := fs.Int64("seed", 0, "replace every panel scenario's seed")
	var formats, only listFlag
	fs.Var(&formats, "format", "formats to write: svg,png,pdf,mmd (default all)")
	file := fs.String("scenario", "", "draw a scenario of this file instead of a preset")
	fs.Var(&only, "only", "with --scenario: the scenario to draw")
	redraw := fs.String("redraw", "", "redraw from the runs folder of an earlier diagram, without running")
	list := fs.Bool("list", false, "list the presets")
	noLog := fs.Bool("no-server-log", false, "do not write server.log in the run folders")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return inputError(usageError{"diagram: " + err.Error() + "\n" + presetList()})
	}
	if *list {
		fmt.Print(presetList())
		return exitOK
	}
	for _, f := range formats {
		if !slices.Contains(diagram.AllFormats, f) {
			return inputError(usageError{fmt.Sprintf("diagram: unknown format %q (want %s)", f, strings.Join(diagram.AllFormats, ","))})
		}
	}
	opt := diagram.Options{Out: *out, Runs: *runs, Formats: formats, NoServerLog: *noLog}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" {
			opt.Seed = seed
		}
	})

	if *redraw != "" {
		if len(pos) > 0 || *file != "" {
			return inputError(usageError{"diagram: --redraw takes no preset or --scenario"})
		}
		res, err := diagram.Redraw(*redraw, opt)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return inputError(usageError{"diagram: " + err.Error()})
			}
			fmt.Fprintln(os.Stderr, "stansim: diagram:", err)
			return exitFailed
		}
		printDiagram(res)
		return exitOK
	}

	var presets []diagram.Preset
	switch {
	case *file != "":
		if len(pos) > 0 {
			return inputError(usageError{"diagram: give a preset or --scenario, not both"})
		}
		p, code := scenarioPreset(*file, only)
		if code != exitOK {
			return code
		}
		presets = append(presets, p)
	case len(pos) == 0:
		return inputError(usageError{"diagram: name a preset (or all)\n" + presetList()})
	default:
		for _, name := range pos {
			if name == "all" {
				presets = append(presets, diagram.Presets...)
				continue
			}
			p, err := diagram.Lookup(name)
			if err != nil {
				return inputError(usageError{"diagram: " + err.Error() + "\n" + presetList()})
			}
			presets = append(presets, p)
		}
	}
	for _, p := range presets {
		fmt.Fprintf(os.Stderr, "diagram %s: running %d panel(s)...\n", p.Name, len(p.Panels))
		res, err := diagram.Make(ctx, p, opt)
		switch {
		case errors.Is(err, diagram.ErrInterrupted):
			fmt.Fprintln(os.Stderr, "stansim: diagram:", err)
			return exitInterrupted
		case err != nil:
			var es scenario.Errors
			if errors.As(err, &es) {
				return inputError(usageError{"diagram: " + err.Error()})
			}
			fmt.Fprintln(os.Stderr, "stansim: diagram:", err)
			return exitFailed
		}
		printDiagram(res)
	}
	return exitOK
}

// scenarioPreset makes a one-panel diagram of one scenario of a file.
func scenarioPreset(path string, only []string) (diagram.Preset, int) {
	f, err := scenario.Load(path)
	if err != nil {
		return diagram.Preset{}, inputError(err)
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	var names []string
	for _, sc := range f.Scenarios {
		names = append(names, sc.Name)
	}
	switch {
	case len(only) > 1:
		return diagram.Preset{}, inputError(usageError{"diagram: --only takes one scenario (one panel)"})
	case len(only) == 0 && len(f.Scenarios) != 1:
		return diagram.Preset{}, inputError(usageError{fmt.Sprintf("diagram: %s has %d scenarios: pick one with --only (%s)", path, len(f.Scenarios), strings.Join(names, ", "))})
	}
	for _, sc := range f.Scenarios {
		if len(only) == 0 || sc.Name == only[0] {
			return diagram.FromScenario(&sc), exitOK
		}
	}
	return diagram.Preset{}, inputError(usageError{fmt.Sprintf("diagram: %s: no scenario %q (%s)", path, only[0], strings.Join(names, ", "))})
}

func presetList() string {
	var b strings.Builder
	b.WriteString("presets:\n")
	for _, p := range diagram.Presets {
		fmt.Fprintf(&b, "  %-20s %s\n", p.Name, p.About)
	}
	return b.String()
}

func printDiagram(res *diagram.Result) {
	if c := res.Crowded(); len(c) > 0 {
		fmt.Fprintf(os.Stderr, "warning: %s: %s: a course diagram reads best with at most about 12 messages; labels overlap\n", res.Preset, strings.Join(c, ", "))
	}
	fmt.Printf("%s:\n", res.Preset)
	for _, f := range res.Files {
		fmt.Println("  " + abs(f))
	}
	fmt.Println("  runs: " + abs(res.RunDir))
	fmt.Println("  caption: " + res.Caption)
}
