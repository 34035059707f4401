// Package outfile writes stansim's output files safely: whole files
// atomically (a temporary file in the same folder, fsynced, then renamed
// over the name: a reader never sees half a file, a full disk leaves the old
// file or none), streams through a fresh file created in place, and neither
// through a symlink planted at the name (rename and remove act on the link
// itself, not on what it points at). Lock keeps two stansims out of one
// folder (ARCHITECTURE.md).
package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"
)

// Perm is the mode of every output file.
const Perm fs.FileMode = 0o644

// Write replaces path with data atomically.
func Write(path string, data []byte) error {
	if err := renameio.WriteFile(path, data, Perm, renameio.WithTempDir(filepath.Dir(path)), renameio.WithStaticPermissions(Perm)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Create makes a new, empty file at path for a stream (the history): what
// stood there before (a file or a planted symlink) is removed first, and
// the file is created exclusively without following links, so a link
// planted in between makes it fail rather than write through it.
func Create(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("create %s: a folder is in the way", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, Perm)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, nil
}

// LockFile is the lock's name inside a locked folder.
const LockFile = ".stansim.lock"

// ErrInUse means another stansim holds the folder's lock.
var ErrInUse = errors.New("in use by another stansim")

// Lock takes dir's advisory lock (dir/.stansim.lock), or fails at once with
// ErrInUse when another process holds it. The returned function releases it.
func Lock(dir string) (unlock func(), err error) {
	l := flock.New(filepath.Join(dir, LockFile))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if !ok {
		return nil, fmt.Errorf("folder %s is %w (its lock %s is held); wait for it or choose another --out", dir, ErrInUse, LockFile)
	}
	return func() { _ = l.Unlock() }, nil
}
