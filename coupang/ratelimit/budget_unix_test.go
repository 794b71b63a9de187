//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ratelimit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
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

// cancelOnCheck is a context that ends as soon as it is first asked whether it has: the Reserve
// below takes its turn and checks the context, then finds the lock held.
type cancelOnCheck struct {
	context.Context
	once   sync.Once
	cancel context.CancelFunc
}

func (c *cancelOnCheck) Err() error {
	err := c.Context.Err()
	c.once.Do(c.cancel)
	return err
}

// TestReserveLeavesTheLockWhenCancelled: a Reserve waiting for the lock that another process holds
// (one stopped with Ctrl-Z while it writes a request, or dialling an unreachable gateway) returns
// when its context ends, having recorded nothing, and the budget works once the lock is released.
func TestReserveLeavesTheLockWhenCancelled(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	b := stoppedBudget(t, &now)
	holder, err := os.OpenFile(b.path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := Rate{Requests: 4, Per: time.Second, Burst: 1}
	done := make(chan error, 1)
	go func() {
		sent, err := b.Reserve(&cancelOnCheck{Context: ctx, cancel: cancel}, r)
		if err == nil {
			sent()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Reserve cancelled while waiting for the lock: %v, want the context's error", err)
		}
	case <-time.After(10 * time.Second):
		holder.Close() // lets the Reserve go on
		<-done
		t.Fatal("Reserve still waited for the lock 10 s after its context ended")
	}
	holder.Close()
	send(t, b, r, 1)
	if buf, _ := os.ReadFile(b.path); len(buf) != lineLen {
		t.Fatalf("the log is %q, want the one send after the lock was released", buf)
	}
}
