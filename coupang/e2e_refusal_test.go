package coupang_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refusalScans are scans of every kind a statement runs: a nested loop's `inquiry_id = X` and
// `vendor_item_id = X`, listings of both call-center tables and product Q&A.
func refusalScans(optionID int64) []inprocess.Query {
	return []inprocess.Query{
		byIDQuery(inquiryTable, 1_000_001),
		{Table: inquiryTable, Quals: []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: optionID}}, Limit: -1},
		byIDQuery(replyTable, 1_000_002),
		{Table: replyTable, Limit: -1},
		{Table: "coupang_product_inquiry", Limit: -1},
		{Table: "coupang_product_inquiry_comment", Limit: -1},
	}
}

// TestRefusalStopsConnection: after an answer every later request would get too (401, 403 as JSON
// or HTML, a redirect, 400 Invalid vendor ID, a list endpoint's 404), the connection sends nothing
// for a minute: every later scan, of any table, fails at once naming the refusal, instead of
// sending one more error per scan (a nested loop runs one scan per outer row, a dashboard one
// query per panel, and many errors in a short time get a seller blocked). A minute after the
// refusal it sends again. Errors that concern one request (another 400, an unknown inquiry ID) do
// not stop the connection.
func TestRefusalStopsConnection(t *testing.T) {
	t.Parallel()
	redirect := &sandbox.Fault{Kind: sandbox.KindBody, Status: http.StatusFound, Body: []byte("moved")}
	for _, tc := range []struct {
		name  string
		fault *sandbox.Fault
		words string
	}{
		{"401", sandbox.FaultStatus(401, sandbox.MsgInvalidSignature), "Invalid signature."},
		{"403 JSON", sandbox.FaultStatus(403, "Not allowed IP"), "Not allowed IP"},
		{"403 HTML", sandbox.FaultHTML403(), "probably blocked"},
		{"redirect", redirect, "HTTP 302"},
		{"400 Invalid vendor ID", sandbox.FaultStatus(400, sandbox.MsgInvalidVendor), "Invalid vendor ID"},
		{"404 from a list", sandbox.FaultStatus(404, "Not Found"), "not found (HTTP 404)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, faultData, "")
			clock := e.useStepClock()
			optionID := e.sb.VendorItemIDs()[0]
			e.sb.SetFault(always(func() *sandbox.Fault { return tc.fault }))
			// The first scan of the fault's kind: a listing (a 404 on a single read is an unknown ID).
			_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.words)
			assert.Len(t, e.sb.Log(), 1, "one request")
			for _, q := range refusalScans(optionID) {
				_, err := e.query(t, q)
				require.Error(t, err, "%s %+v", q.Table, q.Quals)
				assert.Contains(t, err.Error(), "not sent: Coupang refused a request of this seller from this machine")
				assert.Contains(t, err.Error(), tc.words, "the refusal's own message")
				assert.Empty(t, e.sb.Log(), "%s %+v: no request", q.Table, q.Quals)
			}
			clock.advance(59 * time.Second)
			_, err = e.query(t, inprocess.Query{Table: replyTable, Limit: -1})
			require.ErrorContains(t, err, "not sent")
			assert.Empty(t, e.sb.Log())

			clock.advance(2 * time.Second)
			e.sb.SetFault(nil)
			sent := 0
			for _, q := range refusalScans(optionID) {
				_, err := e.query(t, q)
				require.NoError(t, err, "%s %+v", q.Table, q.Quals)
				sent += len(e.sb.Log())
			}
			assert.Positive(t, sent, "sends again a minute after the refusal")
		})
	}
}

// TestPersistent429StopsConnection: a 429 that outlasts every retry stops the connection for a
// minute like a refusal: Coupang's throttling lasts minutes, and every later scan would send
// testAttempts more requests into it. A 429 that a retry mends stops nothing
// (TestFaultsRetriedThenComplete).
func TestPersistent429StopsConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, faultData, "")
	clock := newStepClock()
	ctx := clock.context(tuneClient(t, time.Minute))
	run := func(q inprocess.Query) error {
		e.sb.ResetLog()
		_, err := runQuery(ctx, e.r, q)
		return err
	}
	e.sb.SetFault(always(func() *sandbox.Fault { return sandbox.FaultRateLimited("") }))
	err := run(inprocess.Query{Table: inquiryTable, Limit: -1})
	require.ErrorContains(t, err, "rate limited (HTTP 429)")
	assert.Len(t, e.sb.Log(), testAttempts, "retried, then failed")
	for _, q := range refusalScans(e.sb.VendorItemIDs()[0]) {
		err := run(q)
		require.Error(t, err, "%s %+v", q.Table, q.Quals)
		assert.Contains(t, err.Error(), "not sent: Coupang refused a request of this seller from this machine")
		assert.Contains(t, err.Error(), "lower COUPANG_RATE_LIMIT", "the 429's own hint")
		assert.Empty(t, e.sb.Log(), "%s %+v: no request", q.Table, q.Quals)
	}
	clock.advance(61 * time.Second)
	e.sb.SetFault(nil)
	require.NoError(t, run(inprocess.Query{Table: replyTable, Limit: -1}))
	assert.NotEmpty(t, e.sb.Log(), "sends again a minute after the last 429")
}

// TestRefusalOfOneRequestDoesNotStopConnection: a 400 about one request's parameters and unknown
// inquiry IDs (below the not-found guard's ten) leave the connection sending.
func TestRefusalOfOneRequestDoesNotStopConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, faultData, "")
	e.useStepClock()
	e.sb.SetFault(func(n int64, _ *http.Request) *sandbox.Fault {
		if n == 1 {
			return sandbox.FaultStatus(400, "time interval needs to be less than or equal to 7 days, pattern should be yyyy-MM-dd")
		}
		return nil
	})
	_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1})
	require.ErrorContains(t, err, "time interval")
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1})
	assert.NotEmpty(t, rows)
	for id := range int64(3) {
		rows := e.mustQuery(t, byIDQuery(inquiryTable, 1_000_000+id))
		assert.Empty(t, rows)
		assert.Len(t, e.sb.Log(), 1, "an unknown ID is asked for")
	}
	e.mustQuery(t, inprocess.Query{Table: "coupang_product_inquiry", Limit: -1}) // no scan listed its pages before
	assert.NotEmpty(t, e.sb.Log())
}
