package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A symlink planted at an output's name is replaced, never written through.
func TestNeverThroughASymlink(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(path string) error
	}{
		{"Write", func(p string) error { return Write(p, []byte("new")) }},
		{"Create", func(p string) error {
			f, err := Create(p)
			if err != nil {
				return err
			}
			if _, err := f.WriteString("new"); err != nil {
				return err
			}
			return f.Close()
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "bashrc")
			if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "summary.json")
			if err := os.Symlink(target, out); err != nil {
				t.Fatal(err)
			}
			if err := c.write(out); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(target); string(b) != "precious" {
				t.Errorf("the symlink's target was overwritten: %q", b)
			}
			fi, err := os.Lstat(out)
			if err != nil || fi.Mode()&os.ModeSymlink != 0 {
				t.Fatalf("%s is still a symlink (%v)", out, err)
			}
			if b, _ := os.ReadFile(out); string(b) != "new" {
				t.Errorf("output holds %q", b)
			}
		})
	}
}

// A write that fails leaves the old file whole and no temporary behind.
func TestFailedWriteLeavesOldFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: a read-only folder does not stop root; checking the missing-folder case only")
	}
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "no-such-folder", "x.png"), []byte("x")); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
	path := filepath.Join(dir, "order.png")
	if err := Write(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("newer")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only order.png (no temporaries)", len(entries))
	}
}

// A folder in use is refused at once, and free again once unlocked.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); !errors.Is(err, ErrInUse) {
		t.Fatalf("second lock: %v, want ErrInUse", err)
	}
	unlock()
	again, err := Lock(dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again()
}
