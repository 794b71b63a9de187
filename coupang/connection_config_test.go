package coupang

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
		cfg.VendorID, cfg.AccessKey, cfg.SecretKey = quoted("A00012345"), quoted("test-access-shared"), quoted("s")
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

// quoted is s as a quoted HCL argument value, parsed anew (so not equal to another parse), as the
// SDK hands it over.
func quoted(s string) hcl.Expression {
	expr, diags := hclsyntax.ParseExpression([]byte(strconv.Quote(s)), "", hcl.InitialPos)
	if diags.HasErrors() {
		panic(diags)
	}
	return expr
}
