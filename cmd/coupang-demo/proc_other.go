//go:build !linux

package main

import "syscall"

// childAttr has nothing to add outside Linux: the demo stops the sandbox itself.
func childAttr() *syscall.SysProcAttr { return nil }
