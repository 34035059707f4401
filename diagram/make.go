package diagram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stansim/stansim/batch"
	"github.com/stansim/stansim/sim/analyze"
	"github.com/stansim/stansim/sim/history"
	"github.com/stansim/stansim/sim/scenario"
)

// AllFormats are the files Make writes by default: the figure as SVG, PNG
// and PDF, and the Mermaid sequenceDiagram text.
var AllFormats = []string{"svg", "png", "pdf", "mmd"}

// ManifestFile names the preset and its panels in the runs folder, so
// Redraw can redraw without rerunning.
const ManifestFile = "diagram.json"

// ErrInterrupted is returned (wrapped) when ctx ended a run: the partial
// histories are kept and the figure is not drawn.
var ErrInterrupted = errors.New("interrupted")

// Options tune Make and Redraw. The zero value writes every format into
// the current folder and keeps the runs next to them.
type Options struct {
	// Out is the folder for <preset>.svg, .png, .pdf and .mmd ("" = ".").
	Out string
	// Runs is the folder for the runs: <Runs>/<preset>/<panel>/ holds each
	// panel's history.jsonl (and scenario.yaml, server.log). "" = Out.
	Runs string
	// Seed, when set, replaces every panel scenario's seed.
	Seed *int64
	// Formats to write, from AllFormats; nil = all.
	Formats []string
	// NoServerLog skips server.log in the run folders.
	NoServerLog bool
}

// Result is what Make or Redraw produced.
type Result struct {
	Preset  string
	Title   string
	Caption string
	Files   []string // written, in Formats order
	RunDir  string   // <Runs>/<preset>
	Panels  []PanelResult
	Figure  *Figure
	Mermaid string
}

// MaxMessages is how many messages a panel holds before its labels can no
// longer all find room: course diagrams want at most about 12.
const MaxMessages = 16

// Crowded lists the panels with more than MaxMessages messages.
func (r *Result) Crowded() []string {
	var out []string
	for _, p := range r.Panels {
		if n := p.Analysis.NumMessages(); n > MaxMessages {
			out = append(out, fmt.Sprintf("%s (%d messages)", p.Name, n))
		}
	}
	return out
}

// PanelResult is one panel's run and what it shows.
type PanelResult struct {
	Name, Title string
	Dir         string // the run folder (history.jsonl)
	Analysis    *analyze.Analysis
	Story       Story   // of the panel's first death
	Stories     []Story // one per death, in time order
}

// manifest is diagram.json.
type manifest struct {
	Preset string          `json:"preset"`
	Title  string          `json:"title"`
	Panels []manifestPanel `json:"panels"`
}

type manifestPanel struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

func (o Options) formats() ([]string, error) {
	if len(o.Formats) == 0 {
		return AllFormats, nil
	}
	for _, f := range o.Formats {
		if !slices.Contains(AllFormats, f) {
			return nil, fmt.Errorf("unknown diagram format %q (want %s)", f, strings.Join(AllFormats, ", "))
		}
	}
	return o.Formats, nil
}

func (o Options) outDir() string {
	if o.Out == "" {
		return "."
	}
	return o.Out
}

func (o Options) runsDir() string {
	if o.Runs == "" {
		return o.outDir()
	}
	return o.Runs
}

// FromScenario makes a one-panel preset of a scenario (stansim diagram
// --scenario FILE --only NAME): the scenario's own settings, run as is.
func FromScenario(sc *scenario.Scenario) Preset {
	title := sc.Name
	if d := sc.Description; d != "" && len(d) <= 80 {
		title = sc.Name + ": " + d
	}
	return Preset{
		Name:   sc.Name,
		Title:  title,
		Panels: []Panel{{Name: sc.Name, scenario: sc}},
	}
}

// scenarioOf parses a panel's scenario (or returns the one it carries).
func (p Panel) scenarioOf(preset string) (*scenario.Scenario, error) {
	if p.scenario != nil {
		cp := *p.scenario
		return &cp, nil
	}
	path := preset + "/" + p.Name + ".yaml"
	if p.Example != "" {
		dir, err := findExample(p.Example)
		if err != nil {
			return nil, fmt.Errorf("preset %s: %w", preset, err)
		}
		path = filepath.Join(dir, p.Name+".yaml") // the command runs there
	}
	sc, err := scenario.ParseScenario(path, []byte(p.Scenario))
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// findExample finds the repository folder rel from the working folder
// upward.
func findExample(rel string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, rel)); err == nil && fi.IsDir() {
			return filepath.Join(d, rel), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s not found in %s or above it: run from the stansim repository", rel, wd)
		}
	}
}

// Make runs each panel's scenario against its own embedded server (in
// parallel), analyses the histories and writes the figure files. The runs
// stay in <Runs>/<preset>/<panel>/ so Redraw can redraw them.
func Make(ctx context.Context, p Preset, opt Options) (*Result, error) {
	if _, err := opt.formats(); err != nil {
		return nil, err
	}
	if len(p.Panels) == 0 {
		return nil, fmt.Errorf("preset %q has no panels", p.Name)
	}
	scs := make([]scenario.Scenario, len(p.Panels))
	for i, pn := range p.Panels {
		sc, err := pn.scenarioOf(p.Name)
		if err != nil {
			return nil, err
		}
		if opt.Seed != nil {
			sc.Seed = *opt.Seed
		}
		sc.Name = pn.Name // the panel's run folder: <runs>/<preset>/<panel>/
		scs[i] = *sc
	}
	runDir := filepath.Join(opt.runsDir(), p.Name)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return nil, err
	}
	mf := manifest{Preset: p.Name, Title: p.Title}
	for _, pn := range p.Panels {
		mf.Panels = append(mf.Panels, manifestPanel{Name: pn.Name, Title: pn.Title})
	}
	if err := writeManifest(runDir, mf); err != nil {
		return nil, err
	}
	// The panels run at once, each against its own server, through the
	// same batch runner as `stansim run`; the diagram draws from the
	// histories, so the runs write summaries only.
	res, err := batch.Run(ctx, batch.Config{Out: runDir, Parallel: len(scs), NoServerLog: opt.NoServerLog, NoRender: true, NoBatchFiles: true, Force: true}, scs)
	if err != nil {
		return nil, err
	}
	if res.Interrupted() || ctx.Err() != nil {
		return &Result{Preset: p.Name, RunDir: runDir}, fmt.Errorf("%s: %w (partial histories in %s)", p.Name, ErrInterrupted, runDir)
	}
	var errs []error
	for _, o := range res.Outcomes {
		errs = append(errs, o.Err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return Redraw(runDir, opt)
}

// Redraw redraws a preset from the histories of an earlier Make: dir is
// the preset's runs folder (<Runs>/<preset>, holding diagram.json), or any
// one scenario folder with a history.jsonl (one panel). The figure goes to
// opt.Out (opt.Runs and opt.Seed are not used).
func Redraw(dir string, opt Options) (*Result, error) {
	formats, err := opt.formats()
	if err != nil {
		return nil, err
	}
	mf, dirs, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Preset: mf.Preset, Title: mf.Title, RunDir: dir}
	var pvs []*panelView
	for i, pn := range mf.Panels {
		pdir := dirs[i]
		l, err := history.ReadDir(pdir)
		if err != nil {
			return nil, err
		}
		a := analyze.Analyze(l)
		pv := newPanelView(pn.Name, pn.Title, a)
		pvs = append(pvs, pv)
		res.Panels = append(res.Panels, PanelResult{Name: pn.Name, Title: pn.Title, Dir: pdir, Analysis: a, Story: pv.story(), Stories: pv.stories()})
	}
	res.Caption = caption(pvs)
	res.Figure = newFigure(mf.Title, res.Caption, pvs)
	res.Mermaid = mermaid(mf.Title, res.Caption, pvs)
	out := opt.outDir()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	for _, f := range formats {
		path := filepath.Join(out, mf.Preset+"."+f)
		var buf bytes.Buffer
		if f == "mmd" {
			buf.WriteString(res.Mermaid)
		} else if err := res.Figure.Render(&buf, f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, path)
	}
	return res, nil
}

func writeManifest(dir string, mf manifest) error {
	b, err := json.MarshalIndent(mf, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644)
}

// readManifest reads dir/diagram.json and returns it with each panel's
// run folder. A folder without one that holds a history (any scenario
// folder of a run) is a one-panel diagram named after its scenario.
func readManifest(dir string) (manifest, []string, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		l, herr := history.ReadDir(dir)
		if herr != nil {
			return manifest{}, nil, fmt.Errorf("%s: neither %s nor a readable %s: %w", dir, ManifestFile, history.FileName, herr)
		}
		name := filepath.Base(filepath.Clean(dir))
		if l.Start != nil && l.Start.Scenario != "" {
			name = l.Start.Scenario
		}
		return manifest{Preset: name, Title: name, Panels: []manifestPanel{{Name: name}}}, []string{dir}, nil
	}
	if err != nil {
		return manifest{}, nil, err
	}
	var mf manifest
	if err := json.Unmarshal(b, &mf); err != nil {
		return manifest{}, nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if mf.Preset == "" || len(mf.Panels) == 0 {
		return manifest{}, nil, fmt.Errorf("%s: no preset or panels", filepath.Join(dir, ManifestFile))
	}
	var dirs []string
	for _, pn := range mf.Panels {
		dirs = append(dirs, filepath.Join(dir, pn.Name))
	}
	return mf, dirs, nil
}
