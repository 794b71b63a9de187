package inprocess_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

func newRunner(t *testing.T) *inprocess.Runner {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Days: 10, PerDay: 6})
	base, stop, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	cfg := sb.ConnectionHCL(base)
	r, err := inprocess.New(context.Background(), "coupang", cfg, inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: 10000, BucketSize: 10000, Scope: []string{"connection"}}))
	require.NoError(t, err)
	return r
}

func count(r *inprocess.Runner, q inprocess.Query) (int, error) {
	n := 0
	err := r.Query(context.Background(), q, func(map[string]*proto.Column) error { n++; return nil })
	return n, err
}

// TestConcurrentQueries runs queries at once on one runner; each gets its own complete result.
func TestConcurrentQueries(t *testing.T) {
	sandbox.AwayFromMidnight(time.Minute) // listings of the default lookback, compared
	r := newRunner(t)
	assert.Contains(t, r.Schema(), "coupang_callcenter_inquiry")
	assert.Equal(t, "inquiry_id", r.Schema()["coupang_callcenter_inquiry"].Columns[0].Name)
	want, err := count(r, inprocess.Query{Table: "coupang_callcenter_inquiry", Limit: -1})
	require.NoError(t, err)
	require.NotZero(t, want)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := count(r, inprocess.Query{Table: "coupang_callcenter_inquiry", Columns: []string{"inquiry_id"}, Limit: -1})
			assert.NoError(t, err)
			assert.Equal(t, want, got)
		}()
	}
	wg.Wait()
}

// TestCallbackErrorStopsQuery checks that an onRow error is returned as is.
func TestCallbackErrorStopsQuery(t *testing.T) {
	r := newRunner(t)
	stop := errors.New("enough")
	n := 0
	err := r.Query(context.Background(), inprocess.Query{Table: "coupang_callcenter_inquiry", Limit: -1}, func(map[string]*proto.Column) error {
		n++
		return stop
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, n)
}

// TestQueryValidation checks the runner's own errors.
func TestQueryValidation(t *testing.T) {
	r := newRunner(t)
	_, err := count(r, inprocess.Query{Table: "nope", Limit: -1})
	assert.ErrorContains(t, err, "unknown table")
	_, err = count(r, inprocess.Query{Table: "coupang_callcenter_inquiry", Columns: []string{"nope"}, Limit: -1})
	assert.ErrorContains(t, err, "no column")
	_, err = count(r, inprocess.Query{Table: "coupang_callcenter_inquiry", Quals: []inprocess.Qual{{Column: "order_id", Operator: "~~", Value: int64(1)}}, Limit: -1})
	assert.ErrorContains(t, err, "unsupported operator")
	_, err = inprocess.QualValue(struct{}{})
	assert.Error(t, err)
	v, err := inprocess.QualValue([]any{int64(1), "a"})
	require.NoError(t, err)
	assert.Len(t, v.GetListValue().Values, 2)
}
