//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package coupang

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWaitThenReserve: a query's reserve hook waits on the limiter before it locks the machine-wide
// budget, which every process of the seller waits on, and a failed wait leaves the budget unlocked.
func TestWaitThenReserve(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const vendor, key, base = "A00012345", "test-access-reserve", "http://127.0.0.1:1"
	budget, err := ratelimit.Open(dir, vendor, key, base)
	require.NoError(t, err)
	path := filepath.Join(dir, ratelimit.FileName(vendor, key, base))
	locked := func() bool { // by another open file, as another process would try
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			return true
		}
		return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) != nil
	}
	waits, stop := 0, error(nil)
	reserve := waitThenReserve(func(context.Context) error {
		waits++
		assert.False(t, locked(), "the limiter is waited on with the budget locked")
		return stop
	}, budget, ratelimit.FromLimiter(4, 1))

	sent, err := reserve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, waits)
	assert.True(t, locked(), "reserved: locked until sent")
	sent()
	assert.False(t, locked())

	stop = context.Canceled // the query's context ended during the wait
	_, err = reserve(context.Background())
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 2, waits)
	assert.False(t, locked(), "a failed wait reserves nothing")
}
