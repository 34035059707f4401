//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childrenOf lists the live processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	var kids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, state := statOf(n); ppid == pid && state != "Z" && state != "X" {
			kids = append(kids, n)
		}
	}
	return kids
}

// statOf reads a process's parent and state from /proc/PID/stat; a
// process that is gone or a zombie counts as not alive.
func statOf(pid int) (ppid int, state string) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1, "X"
	}
	s := string(b)
	rest := s[strings.LastIndexByte(s, ')')+2:] // after "pid (comm) "
	f := strings.Fields(rest)
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0]
}

// stansim itself SIGKILLed mid-run: no member process outlives it.
func TestNoMemberOutlivesStansim(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`scenarios:
  - name: procs
    duration: 60s
    publishers: [{name: p, channel: c, count: 3000, rate: 50}]
    listeners: [{group: g, channel: c, members: 3, mode: process, process_time: 10ms}]
`), 0o644))
	cmd := execStansim(dir, "run", "p.yaml", "--out", "out", "--no-server-log")
	must(t, cmd.Start())
	var kids []int
	deadline := time.Now().Add(30 * time.Second)
	for len(kids) < 3 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("only %d member processes started", len(kids))
		}
		time.Sleep(50 * time.Millisecond)
		kids = childrenOf(cmd.Process.Pid)
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	deadline = time.Now().Add(5 * time.Second)
	for {
		var alive []int
		for _, k := range kids {
			if _, state := statOf(k); state != "Z" && state != "X" {
				alive = append(alive, k)
			}
		}
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, k := range alive {
				_ = syscall.Kill(k, syscall.SIGKILL)
			}
			t.Fatalf("member processes %v outlived stansim", alive)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
