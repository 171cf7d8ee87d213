package main

import (
	"os/exec"
	"syscall"
)

// setDeathSignal makes the kernel kill the child when waqbench dies, so a
// SIGKILL of waqbench leaves no redis-server, waq or node behind.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
