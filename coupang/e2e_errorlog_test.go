package coupang_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failed query leaves an ERROR line naming the table and the cause in the plugin's log, even at
// Steampipe's quiet default level: the record a user has if the SDK ever loses the error itself.
func TestFailedQueryIsLoggedAtError(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Days: 10, PerDay: 5})
	base, stop, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	sb.SetFault(func(int64, *http.Request) *sandbox.Fault {
		return sandbox.FaultStatus(http.StatusForbidden, "Not allowed IP")
	})
	logs := &lockedBuffer{}
	cfg := fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n", sb.VendorID(), sb.AccessKey(), sb.SecretKey(), base)
	r, err := inprocess.New(context.Background(), "coupang", cfg, inprocess.WithLogOutput(logs, "error"), inprocess.WithRateLimiter(fastLimiter))
	require.NoError(t, err)

	_, err = runQuery(r, inprocess.Query{Table: "coupang_callcenter_inquiry", Limit: -1})
	require.ErrorContains(t, err, "Not allowed IP")
	assert.Contains(t, logs.String(), "coupang query failed")
	assert.Contains(t, logs.String(), "coupang_callcenter_inquiry")
	assert.Contains(t, logs.String(), "Not allowed IP")
	assert.NotContains(t, logs.String(), sb.SecretKey())
}
