//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ratelimit

import (
	"errors"
	"os"
)

const noFollow = 0

// lockFile fails: without flock(2) an unshared budget could be exceeded by several processes together.
func lockFile(*os.File) error {
	return errors.New("the shared request budget needs flock(2), which this operating system lacks: run on Linux or macOS")
}
