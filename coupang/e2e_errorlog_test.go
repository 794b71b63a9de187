package coupang_test

import (
	"net/http"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failed query leaves an ERROR line naming the table and the cause in the plugin's log, even at
// Steampipe's quiet default level: the record a user has if the SDK ever loses the error itself.
func TestFailedQueryIsLoggedAtError(t *testing.T) {
	// Not parallel: it reads captured log output, and every query re-points package log (the SDK's execute).
	logs := &lockedBuffer{}
	e := newEnv(t, sandbox.Options{Days: 10, PerDay: 5}, "", inprocess.WithLogOutput(logs, "error"))
	e.sb.SetFault(func(int64, *http.Request) *sandbox.Fault {
		return sandbox.FaultStatus(http.StatusForbidden, "Not allowed IP")
	})

	_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1})
	require.ErrorContains(t, err, "Not allowed IP")
	assert.Contains(t, logs.String(), "coupang query failed")
	assert.Contains(t, logs.String(), inquiryTable)
	assert.Contains(t, logs.String(), "Not allowed IP")
	assert.NotContains(t, logs.String(), e.sb.SecretKey())
}
