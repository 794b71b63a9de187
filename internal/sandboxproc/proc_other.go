//go:build !linux

package sandboxproc

import "syscall"

// childAttr has nothing to add outside Linux: callers stop the sandbox themselves.
func childAttr() *syscall.SysProcAttr { return nil }
