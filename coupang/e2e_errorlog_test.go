package coupang_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
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

// TestRefusedQueryTakesMinFailTime: a query refused before any request fails no sooner than
// coupang.MinFailTime after its list function started, so that the SDK's row stream is reading its
// error channel by then (see minFailTime); the error is the refusal.
func TestRefusedQueryTakesMinFailTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Days: 10, PerDay: 5}, "")
	for _, status := range []any{"NOANSWER", []any{"ANSWER", "NOANSWER"}} {
		start := time.Now()
		_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1,
			Quals: []inprocess.Qual{{Column: "partner_counseling_status", Operator: "=", Value: status}}})
		require.ErrorContains(t, err, `unknown partner_counseling_status "NOANSWER"`)
		assert.GreaterOrEqual(t, time.Since(start), coupang.MinFailTime, "%v", status)
		assert.Empty(t, e.sb.Log(), "no request")
	}
}

// A read that fails after the LIMIT was met is no failure of the query: its rows stand and no
// ERROR line claims the query failed.
func TestFailureAfterLimitIsDropped(t *testing.T) {
	// Not parallel: it reads captured log output, as TestFailedQueryIsLoggedAtError.
	logs := &lockedBuffer{}
	e := newEnv(t, sandbox.Options{Days: 10, PerDay: 5}, "", inprocess.WithLogOutput(logs, "error"))
	all := e.sb.Inquiries()
	late := all[1].InquiryID
	firstRow := make(chan struct{})
	e.sb.SetFault(func(_ int64, r *http.Request) *sandbox.Fault {
		if r.URL.Path != api.InquiryPath(late) {
			return nil
		}
		select { // fail only once the other ID's row has been streamed
		case <-firstRow:
		case <-r.Context().Done():
		}
		return sandbox.FaultStatus(http.StatusForbidden, "Not allowed IP")
	})
	rows := 0
	err := e.r.Query(e.context(t), idList(inquiryTable, []int64{all[0].InquiryID, late}, 1), func(map[string]*proto.Column) error {
		if rows++; rows == 1 {
			close(firstRow)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, rows)
	assert.NotContains(t, logs.String(), "coupang query failed")
}
