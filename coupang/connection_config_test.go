package coupang

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkconnection "github.com/turbot/steampipe-plugin-sdk/v5/connection"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// TestScansStartingTogetherShareOneConnection: scans of statements that start at the same moment can
// all be the first of their connection (several sessions, a dashboard's queries); they must share
// one connection, or a listing is not reused by the inner scans of its join.
func TestScansStartingTogetherShareOneConnection(t *testing.T) {
	t.Parallel()
	schema := Plugin(context.Background()).ConnectionConfigSchema
	// What the SDK hands a query: the connection's cache, and its config parsed as the SDK parses
	// (a new instance, decoded, dereferenced).
	cache, err := sdkconnection.NewConnectionCache("coupang", 1<<20)
	require.NoError(t, err)
	parse := func() *plugin.QueryData {
		cfg := schema.NewInstance().(*coupangConfig)
		cfg.VendorID, cfg.AccessKey, cfg.SecretKey = ptr("A00012345"), ptr("test-access-shared"), ptr("s")
		return &plugin.QueryData{Connection: &plugin.Connection{Name: "coupang", Config: *cfg}, ConnectionCache: cache}
	}
	d := parse()
	const scans = 16
	got := make([]*connection, scans)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range scans {
		wg.Go(func() {
			<-start
			c, err := getConnection(context.Background(), d)
			assert.NoError(t, err)
			got[i] = c
		})
	}
	close(start)
	wg.Wait()
	for i := range scans {
		assert.Same(t, got[0], got[i], "scan %d", i)
	}

	changed := parse() // the SDK parses the config anew when it changes
	c, err := getConnection(context.Background(), changed)
	require.NoError(t, err)
	assert.NotSame(t, got[0], c, "a changed config builds its own connection")
}

func ptr(s string) *string { return &s }
