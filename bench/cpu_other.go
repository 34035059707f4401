//go:build !unix

package bench

import (
	"errors"
	"time"
)

// cpuTime is not available here: stansim bench needs getrusage.
func cpuTime() (time.Duration, error) {
	return 0, errors.New("stansim bench needs getrusage (a Unix system)")
}
