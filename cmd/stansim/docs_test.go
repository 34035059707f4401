package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra/doc"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/cli from the command definitions")

// docs/cli is the command reference generated from the CLI definition
// (cobra's doc generator); this test fails when it is out of date.
// Regenerate: go test ./cmd/stansim -run TestCLIDocs -update-docs
func TestCLIDocs(t *testing.T) {
	root := newRoot(&app{stdout: io.Discard, stderr: io.Discard})
	root.DisableAutoGenTag = true
	gen := t.TempDir()
	if err := doc.GenMarkdownTree(root, gen); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("..", "..", "docs", "cli")
	if *updateDocs {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(want, os.DirFS(gen)); err != nil {
			t.Fatal(err)
		}
		return
	}
	files, _ := filepath.Glob(filepath.Join(gen, "*.md"))
	if len(files) < 6 {
		t.Fatalf("generated %d pages", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		have, err := os.ReadFile(filepath.Join(want, filepath.Base(f)))
		if err != nil || !bytes.Equal(got, have) {
			t.Errorf("docs/cli/%s is out of date (go test ./cmd/stansim -run TestCLIDocs -update-docs)", filepath.Base(f))
		}
	}
}
