package main

import "syscall"

// childAttr makes the kernel stop the sandbox if the demo dies without cleaning up (SIGKILL).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
