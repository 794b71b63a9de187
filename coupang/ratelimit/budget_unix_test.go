//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ratelimit

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenRefusesUnsafeStateFiles: a state file that is a symlink (to a file another user could
// have planted) or not a regular file is refused, not followed or read.
func TestOpenRefusesUnsafeStateFiles(t *testing.T) {
	t.Parallel()
	for name, plant := range map[string]func(path string) error{
		"symlink": func(path string) error {
			target := filepath.Join(t.TempDir(), "target")
			if err := os.WriteFile(target, nil, 0o666); err != nil {
				return err
			}
			return os.Symlink(target, path)
		},
		"fifo": func(path string) error { return syscall.Mkfifo(path, 0o666) },
	} {
		dir := filepath.Join(t.TempDir(), "budgets")
		if err := prepareDir(dir); err != nil {
			t.Fatal(err)
		}
		if err := plant(filepath.Join(dir, FileName("A00012345", "key", "x"))); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir, "A00012345", "key", "x"); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}
