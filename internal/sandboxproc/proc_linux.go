package sandboxproc

import "syscall"

// childAttr makes the kernel stop the sandbox if its parent dies without cleaning up (SIGKILL).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
