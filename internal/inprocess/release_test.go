package inprocess_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/require"
)

// TestDroppedRunnersReleaseTheQueryCache: the SDK's query cache of a runner no longer referenced is
// closed, so a process that makes many runners (the tests) does not keep 20 MB for each of them. Not
// parallel: it reads the heap, which no other test may grow meanwhile.
func TestDroppedRunnersReleaseTheQueryCache(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range 20 {
		_, err := inprocess.New(context.Background(), "c", "")
		require.NoError(t, err)
	}
	// Each store is closed once its runner is collected, and freed by a later collection.
	require.Eventually(t, func() bool { return heap() < before+100<<20 }, time.Minute, 10*time.Millisecond,
		"20 dropped runners still hold their query caches")
}
