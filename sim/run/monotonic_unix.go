//go:build unix

package run

import "golang.org/x/sys/unix"

// monotonic reads CLOCK_MONOTONIC in ns: the one clock parent and child
// processes share (Go's own monotonic reading means nothing outside its
// process).
func monotonic() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
