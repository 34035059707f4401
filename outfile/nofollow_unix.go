//go:build unix

package outfile

import "syscall"

// noFollow makes OpenFile fail on a symlink instead of following it.
const noFollow = syscall.O_NOFOLLOW
