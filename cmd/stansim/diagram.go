package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stansim/stansim/diagram"
	"github.com/stansim/stansim/sim/scenario"
)

// diagramFlags are the flags of stansim diagram.
type diagramFlags struct {
	out, runs, file, redraw string
	seed                    int64
	formats, only           []string
	list, noLog             bool
}

func newDiagramCmd(a *app) *cobra.Command {
	f := &diagramFlags{}
	cmd := &cobra.Command{
		Use:   "diagram PRESET...|all",
		Short: "Draw a course diagram from a small real run",
		Long: `Draw a course diagram from a small real run against the embedded server:
  stansim diagram PRESET...|all [--out DIR] [--runs DIR] [--seed N] [--format LIST]
  stansim diagram --scenario FILE [--only NAME] [...]
  stansim diagram --redraw DIR [--out DIR] [--format LIST]
  stansim diagram --list

` + presetList(),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.code = cmdDiagram(a, cmd, f, args)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "results/diagrams", "folder for <preset>.svg, .png, .pdf and .mmd")
	fl.StringVar(&f.runs, "runs", "", "folder for the runs, <runs>/<preset>/<panel>/ (default: --out)")
	fl.Int64Var(&f.seed, "seed", 0, "replace every panel scenario's seed")
	fl.StringSliceVar(&f.formats, "format", nil, "formats to write: svg,png,pdf,mmd (default all)")
	fl.StringVar(&f.file, "scenario", "", "draw a scenario of this file instead of a preset")
	fl.StringSliceVar(&f.only, "only", nil, "with --scenario: the scenario to draw")
	fl.StringVar(&f.redraw, "redraw", "", "redraw from the runs folder of an earlier diagram, without running")
	fl.BoolVar(&f.list, "list", false, "list the presets")
	fl.BoolVar(&f.noLog, "no-server-log", false, "do not write server.log in the run folders")
	return cmd
}

func cmdDiagram(a *app, cmd *cobra.Command, f *diagramFlags, pos []string) int {
	if f.list {
		fmt.Fprint(a.stdout, presetList())
		return exitOK
	}
	for _, fm := range f.formats {
		if !slices.Contains(diagram.AllFormats, fm) {
			return a.usageErr("diagram: unknown format %q (want %s)", fm, strings.Join(diagram.AllFormats, ","))
		}
	}
	opt := diagram.Options{Out: f.out, Runs: f.runs, Formats: f.formats, NoServerLog: f.noLog}
	if cmd.Flags().Changed("seed") {
		opt.Seed = &f.seed
	}
	if f.redraw != "" {
		if len(pos) > 0 || f.file != "" {
			return a.usageErr("diagram: --redraw takes no preset or --scenario")
		}
		res, err := diagram.Redraw(f.redraw, opt)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return a.usageErr("diagram: %v", err)
			}
			fmt.Fprintln(a.stderr, "stansim: diagram:", err)
			return exitFailed
		}
		a.printDiagram(res)
		return exitOK
	}
	presets, code := a.diagramPresets(f, pos)
	if code != exitOK {
		return code
	}
	for _, p := range presets {
		fmt.Fprintf(a.stderr, "diagram %s: running %d panel(s)...\n", p.Name, len(p.Panels))
		res, err := diagram.Make(a.ctx, p, opt)
		switch {
		case errors.Is(err, diagram.ErrInterrupted):
			fmt.Fprintln(a.stderr, "stansim: diagram:", err)
			return exitInterrupted
		case err != nil:
			var es scenario.Errors
			if errors.As(err, &es) {
				return a.usageErr("diagram: %v", err)
			}
			fmt.Fprintln(a.stderr, "stansim: diagram:", err)
			return exitFailed
		}
		a.printDiagram(res)
	}
	return exitOK
}

// diagramPresets picks the presets to draw: named ones, all, or one
// scenario of a file.
func (a *app) diagramPresets(f *diagramFlags, pos []string) ([]diagram.Preset, int) {
	var presets []diagram.Preset
	switch {
	case f.file != "":
		if len(pos) > 0 {
			return nil, a.usageErr("diagram: give a preset or --scenario, not both")
		}
		p, code := a.scenarioPreset(f.file, f.only)
		if code != exitOK {
			return nil, code
		}
		presets = append(presets, p)
	case len(pos) == 0:
		return nil, a.usageErr("diagram: name a preset (or all)\n%s", presetList())
	default:
		for _, name := range pos {
			if name == "all" {
				presets = append(presets, diagram.Presets...)
				continue
			}
			p, err := diagram.Lookup(name)
			if err != nil {
				return nil, a.usageErr("diagram: %v\n%s", err, presetList())
			}
			presets = append(presets, p)
		}
	}
	return presets, exitOK
}

// scenarioPreset makes a one-panel diagram of one scenario of a file.
func (a *app) scenarioPreset(path string, only []string) (diagram.Preset, int) {
	f, err := scenario.Load(path)
	if err != nil {
		return diagram.Preset{}, a.exitFor(err, true)
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(a.stderr, "warning:", w)
	}
	var names []string
	for _, sc := range f.Scenarios {
		names = append(names, sc.Name)
	}
	switch {
	case len(only) > 1:
		return diagram.Preset{}, a.usageErr("diagram: --only takes one scenario (one panel)")
	case len(only) == 0 && len(f.Scenarios) != 1:
		return diagram.Preset{}, a.usageErr("diagram: %s has %d scenarios: pick one with --only (%s)", path, len(f.Scenarios), strings.Join(names, ", "))
	}
	for _, sc := range f.Scenarios {
		if len(only) == 0 || sc.Name == only[0] {
			return diagram.FromScenario(&sc), exitOK
		}
	}
	return diagram.Preset{}, a.usageErr("diagram: %s: no scenario %q (%s)", path, only[0], strings.Join(names, ", "))
}

func presetList() string {
	var b strings.Builder
	b.WriteString("presets:\n")
	for _, p := range diagram.Presets {
		fmt.Fprintf(&b, "  %-20s %s\n", p.Name, p.About)
	}
	return b.String()
}

func (a *app) printDiagram(res *diagram.Result) {
	if c := res.Crowded(); len(c) > 0 {
		fmt.Fprintf(a.stderr, "warning: %s: %s: a course diagram reads best with at most about 12 messages; labels overlap\n", res.Preset, strings.Join(c, ", "))
	}
	fmt.Fprintf(a.stdout, "%s:\n", res.Preset)
	for _, f := range res.Files {
		fmt.Fprintln(a.stdout, "  "+abs(f))
	}
	fmt.Fprintln(a.stdout, "  runs: "+abs(res.RunDir))
	fmt.Fprintln(a.stdout, "  caption: "+res.Caption)
}
