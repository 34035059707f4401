package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every help path exits 0 and lists every flag of its command.
func TestHelpListsEveryFlag(t *testing.T) {
	t.Parallel()
	runFlags := []string{"--only", "--tags", "--out", "--parallel", "--seed", "--no-server-log", "--no-render", "--json", "--force"}
	cases := []struct {
		args  []string
		flags []string
	}{
		{[]string{"--help"}, append([]string{"--version", "run", "validate", "report", "diagram", "compare", "completion"}, runFlags...)},
		{[]string{"-h"}, runFlags},
		{[]string{"help"}, []string{"run", "validate", "report", "diagram", "compare"}},
		{[]string{"run", "--help"}, runFlags},
		{[]string{"help", "run"}, runFlags},
		{[]string{"validate", "--help"}, []string{"FILE"}},
		{[]string{"report", "--help"}, []string{"--pdf", "--window"}},
		{[]string{"help", "report"}, []string{"--pdf", "--window"}},
		{[]string{"diagram", "--help"}, []string{"--out", "--runs", "--seed", "--format", "--scenario", "--only", "--redraw", "--list", "--no-server-log", "forced-vs-hang"}},
		{[]string{"compare", "--help"}, []string{"--json", "--html"}},
	}
	for _, c := range cases {
		out, stderr, code := stansim(t, ".", c.args...)
		if code != exitOK {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, stderr)
			continue
		}
		for _, f := range c.flags {
			if !strings.Contains(out, f) {
				t.Errorf("%v: help lacks %q:\n%s", c.args, f, out)
			}
		}
	}
}

// An unknown command is named as such, with a pointer to help, exit 2; it is
// not read as a scenario file.
func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	_, stderr, code := stansim(t, t.TempDir(), "frobnicate")
	if code != exitUsage || !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "--help") {
		t.Errorf("exit %d, stderr %q: want 2 and unknown command", code, stderr)
	}
	_, stderr, code = stansim(t, t.TempDir(), "vaildate", "x.yaml")
	if code != exitUsage || !strings.Contains(stderr, "validate") {
		t.Errorf("typo: exit %d, stderr %q: want 2 and a suggestion", code, stderr)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	out, _, code := stansim(t, ".", "--version")
	if code != exitOK || !strings.HasPrefix(out, "stansim ") || !strings.Contains(out, "nats-streaming-server v0.25") || !strings.Contains(out, "stan.go v0.10") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	for shell, marker := range map[string]string{"bash": "__start_stansim", "zsh": "#compdef stansim", "fish": "complete -c stansim"} {
		out, stderr, code := stansim(t, ".", "completion", shell)
		if code != exitOK || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d, stderr %q, no %q", shell, code, stderr, marker)
		}
	}
}

// A batch with one met and one failed expectation exits 3; --json and
// junit.xml say which expectation failed and why.
func TestExpectationsExitThree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "exp.yaml")
	if err := os.WriteFile(file, []byte(`scenarios:
  - name: meets
    duration: 5s
    publishers: [{name: p, channel: c, count: 5, rate: 50}]
    listeners: [{group: g, channel: c}]
    expect: {lost: 0, groups.g.processed: 5}
  - name: fails
    duration: 5s
    publishers: [{name: p, channel: c, count: 5, rate: 50}]
    listeners: [{group: g, channel: c}]
    expect: {out_of_order.inversions: {min: 1}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "batch")
	stdout, stderr, code := stansim(t, dir, "run", file, "--out", out, "--json", "--no-server-log")
	if code != exitExpectation {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "expectation failed: fails: out_of_order.inversions: want min 1, got 0") {
		t.Errorf("stderr does not name the failed expectation:\n%s", stderr)
	}
	var doc struct {
		Batch, Index, JUnit string
		Scenarios           []struct {
			Name         string
			OK           bool
			Expectations []struct {
				Path, Want string
				Got        any
				OK         bool
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	oks := map[string]bool{}
	for _, s := range doc.Scenarios {
		oks[s.Name] = s.OK
		if s.Name == "fails" && (len(s.Expectations) != 1 || s.Expectations[0].OK || s.Expectations[0].Path != "out_of_order.inversions") {
			t.Errorf("fails: %+v", s.Expectations)
		}
	}
	if !oks["meets"] || oks["fails"] || doc.Index == "" {
		t.Errorf("json: %+v", doc)
	}
	b, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failures  []struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &ju); err != nil {
		t.Fatal(err)
	}
	if ju.Tests != 2 || ju.Failures != 1 || len(ju.Suites) != 1 || len(ju.Suites[0].Cases) != 2 {
		t.Fatalf("junit: %+v", ju)
	}
	for _, c := range ju.Suites[0].Cases {
		if c.Classname != "exp.yaml" {
			t.Errorf("classname %q, want the scenario file", c.Classname)
		}
		failed := len(c.Failures) > 0
		if failed != (c.Name == "fails") || failed && !strings.Contains(c.Failures[0].Message, "out_of_order.inversions") {
			t.Errorf("case %s: failures %+v", c.Name, c.Failures)
		}
	}
	// The report and the index show each expectation with its verdict.
	md, _ := os.ReadFile(filepath.Join(out, "fails", "report.md"))
	if !strings.Contains(string(md), "| `out_of_order.inversions` | min 1 | 0 | **FAILED** |") {
		t.Errorf("fails/report.md does not show the failed expectation:\n%s", md)
	}
	md, _ = os.ReadFile(filepath.Join(out, "meets", "report.md"))
	if !strings.Contains(string(md), "| `lost` | 0 | 0 | met |") {
		t.Errorf("meets/report.md does not show the met expectation")
	}
	idx, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(idx), "1 of 1 failed") || !strings.Contains(string(idx), "2 met") {
		t.Errorf("index.html lacks the expectation verdicts")
	}
	// compare: the batch against itself differs nowhere.
	cmp, stderr, code := stansim(t, dir, "compare", out, out, "--json", "--html", filepath.Join(dir, "cmp.html"))
	if code != exitOK || !strings.Contains(cmp, `"name": "meets"`) || strings.Contains(cmp, `"diff": 1`) {
		t.Errorf("compare: exit %d, %s %s", code, cmp, stderr)
	}
	if page, err := os.ReadFile(filepath.Join(dir, "cmp.html")); err != nil || !strings.Contains(string(page), "0 figure(s) differ") {
		t.Errorf("compare --html: %v", err)
	}
}
