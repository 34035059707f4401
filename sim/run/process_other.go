//go:build !unix

package run

import (
	"errors"
	"syscall"
)

// child is unused where there are no Unix signals.
type child struct{}

func (e *engine) spawn(*member, *life) error {
	return errors.New("mode process needs Linux or another Unix system")
}

func (e *engine) spawnCommand(*member, *life) error {
	return errors.New("mode command needs Linux or another Unix system")
}

func (c *child) signal(syscall.Signal) {}
func (c *child) fault(syscall.Signal)  {}
func (c *child) busy() bool            { return false }
func (c *child) stop()                 {}
func (c *child) kill()                 {}

func monotonic() int64 { return 0 }
