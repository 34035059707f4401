package run

import "syscall"

// memberProcAttr puts a member process in its own process group, and has
// Linux SIGKILL it when the thread that started it ends (Pdeathsig).
func memberProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
