//go:build unix && !linux

package run

import "syscall"

// memberProcAttr puts a member process in its own process group. Other
// Unix systems have no Pdeathsig: there, a member outlives a stansim that
// is itself SIGKILLed (the end of every run still kills it).
func memberProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
