package coupang

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkconnection "github.com/turbot/steampipe-plugin-sdk/v5/connection"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// TestScansStartingTogetherShareOneConnection: scans of statements that start at the same moment can
// all be the first of their connection (several sessions, a dashboard's queries); they must share
// one connection, or a listing is not reused by the inner scans of its join. A changed config
// builds a new one, and so does a connection deleted and added again, in place of the old one.
func TestScansStartingTogetherShareOneConnection(t *testing.T) {
	t.Parallel()
	schema := Plugin(context.Background()).ConnectionConfigSchema
	parse := func() any { // as the SDK parses: a new instance, decoded, dereferenced
		cfg := schema.NewInstance().(*coupangConfig)
		cfg.VendorID, cfg.AccessKey, cfg.SecretKey = ptr("A00012345"), ptr("test-access-shared"), ptr("s")
		return *cfg
	}
	// What the SDK hands a query: the connection's cache too, which the plugin does not use.
	cache, err := sdkconnection.NewConnectionCache("coupang", 1<<20)
	require.NoError(t, err)
	d := &plugin.QueryData{Connection: &plugin.Connection{Name: "coupang", Config: parse()}, ConnectionCache: cache}
	var conns connections
	first := scansShareOne(t, &conns, d)

	d.Connection.Config = parse() // the SDK parses a changed config and sets it on the same Connection
	changed := scansShareOne(t, &conns, d)
	assert.NotSame(t, first, changed, "a changed config builds its own connection")

	// The connection deleted and added again: the SDK makes a new Connection of the same name.
	readded := scansShareOne(t, &conns, &plugin.QueryData{Connection: &plugin.Connection{Name: "coupang", Config: parse()}})
	assert.NotSame(t, changed, readded, "a re-added connection builds its own connection")
	assert.Len(t, conns.built, 1, "it replaces the deleted one's")
}

// TestEnvOnlyConfigSharesOneConnection: a connection whose config sets no argument (the shipped
// config/coupang.spc) reaches the plugin with no config at all, as the SDK parses only a non-empty
// one; its scans, too, must share one connection.
func TestEnvOnlyConfigSharesOneConnection(t *testing.T) {
	// Not parallel: it sets the process's COUPANG_* environment (t.Setenv).
	t.Setenv("COUPANG_VENDOR_ID", "A00012345")
	t.Setenv("COUPANG_ACCESS_KEY", "test-access-env")
	t.Setenv("COUPANG_SECRET_KEY", "s")
	t.Setenv("COUPANG_BASE_URL", "")
	envOnly := func(name string) *plugin.QueryData { // Config nil: what the SDK leaves for an empty config
		return &plugin.QueryData{Connection: &plugin.Connection{Name: name}}
	}
	var conns connections
	first := scansShareOne(t, &conns, envOnly("coupang"))

	c, err := conns.get(context.Background(), envOnly("other"))
	require.NoError(t, err)
	assert.NotSame(t, first, c, "another connection builds its own connection")
}

// scansShareOne starts 16 scans of d's connection at once, checks they all get the same
// connection, and returns it.
func scansShareOne(t *testing.T, conns *connections, d *plugin.QueryData) *connection {
	t.Helper()
	const scans = 16
	got := make([]*connection, scans)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range scans {
		wg.Go(func() {
			<-start
			c, err := conns.get(context.Background(), d)
			assert.NoError(t, err)
			got[i] = c
		})
	}
	close(start)
	wg.Wait()
	for i := range scans {
		assert.Same(t, got[0], got[i], "scan %d", i)
	}
	return got[0]
}

func ptr(s string) *string { return &s }

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
