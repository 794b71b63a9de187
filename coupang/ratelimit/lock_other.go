//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ratelimit

import (
	"errors"
	"os"
)

const noFollow = 0

// errNoFlock: without flock(2) the budget cannot be shared safely, and an unshared one could be
// exceeded by several processes together, so requests fail with this instead.
var errNoFlock = errors.New("the shared request budget needs flock(2), which this operating system lacks: run on Linux or macOS")

func lockFile(*os.File) error { return errNoFlock }
