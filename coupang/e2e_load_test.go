package coupang_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxInWindow returns the largest number of times within any closed interval [t, t+w].
func maxInWindow(times []time.Time, w time.Duration) int {
	sorted := slices.Clone(times)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range sorted {
		for j < len(sorted) && sorted[j].Sub(sorted[i]) <= w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// TestMaxInWindow checks the sliding-window counter itself.
func TestMaxInWindow(t *testing.T) {
	base := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, base.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	assert.Equal(t, 0, maxInWindow(nil, time.Second))
	assert.Equal(t, 3, maxInWindow(at(0, 500, 1000, 1001), time.Second), "closed interval: 0, 500 and 1000")
	assert.Equal(t, 3, maxInWindow(at(1001, 0, 1000, 500), time.Second), "order does not matter")
	assert.Equal(t, 4, maxInWindow(at(0, 10, 20, 30, 2000), time.Second))
}

// TestConcurrentQueriesRespectRateLimit runs 30 queries at once on one connection whose
// coupang_api limiter is retuned to rate r = 20/s with bucket b = 3, and checks at the sandbox
// that no 1-second window ever holds more requests than the limiter can allow, and that every
// query returns exactly the sandbox's rows. Every other query reads product Q&A: both lists share
// the one budget.
//
// The bound, from the limiter's definition: the SDK's limiter is golang.org/x/time/rate's token
// bucket, refilled at r tokens per second up to b tokens, every request (and, in the SDK, every
// list call before it runs) taking one token. Over any closed interval [t, t+T] at most the
// tokens present at t (<= b) plus those added during it (r*T) can be taken: N <= b + r*T, here
// 3 + 20 = 23 for T = 1 s. The sandbox stamps arrivals a little after the sends; that shifts the
// bound only if the spread of that delay reaches 1/r = 50 ms, far beyond loopback's.
func TestConcurrentQueriesRespectRateLimit(t *testing.T) {
	const (
		rate    = 20
		bucket  = 3
		queries = 30
		bound   = bucket + rate // tokens in a closed 1-second window
	)
	limiter := inprocess.Limiter{Name: coupang.RateLimiterName, FillRate: rate, BucketSize: bucket, Scope: []string{"connection"}}
	tuneClient(t, 5*time.Second)
	e := startFaultEnv(t, sandbox.Options{Seed: 13, Days: 40, PerDay: 12}, nil, &limiter)

	today := kstDay(time.Now())
	type result struct {
		want, got []int64
		err       error
	}
	results := make([]result, queries)
	var wg sync.WaitGroup
	for i := range queries {
		// Periods of 2..11 days, ending 0..9 days ago: one or two windows, one or more pages.
		lo := today.AddDate(0, 0, -(i%10)-2-i%7)
		hi := today.AddDate(0, 0, -(i % 10)).Add(-time.Second)
		table := inquiryTable
		results[i].want = expectIDs(e.all, func(inq sandbox.Inquiry) bool {
			return !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi)
		})
		if i%2 == 1 {
			table, results[i].want = productTable, nil
			for _, q := range e.sb.ProductInquiries() {
				if !q.InquiryAt.Before(lo) && !q.InquiryAt.After(hi) {
					results[i].want = append(results[i].want, q.InquiryID)
				}
			}
			slices.Sort(results[i].want)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := runQuery(e.r, inprocess.Query{Table: table, Quals: between(lo, hi), Limit: -1})
			results[i].err = err
			if err == nil {
				results[i].got = ids(rows)
			}
		}()
	}
	wg.Wait()

	for i, r := range results {
		require.NoError(t, r.err, "query %d", i)
		require.NotEmpty(t, r.want, "query %d", i)
		assert.Equal(t, r.want, r.got, "query %d: exact rows", i)
	}
	var arrivals []time.Time
	for _, rec := range e.sb.Log() {
		require.Equal(t, 200, rec.Status, "request %d %s", rec.N, rec.RawQuery)
		arrivals = append(arrivals, rec.Time)
	}
	require.Greater(t, len(arrivals), 2*bound, "the load must last over two seconds of tokens")
	peak := maxInWindow(arrivals, time.Second)
	assert.LessOrEqual(t, peak, bound, "requests in one 1-second window")
	t.Logf("%d requests for %d queries, at most %d in any 1-second window (bound %d)", len(arrivals), queries, peak, bound)
}

// TestRateLimitHoldsUnderRetries makes every first attempt a 429: retries take tokens too, so the
// bound of TestConcurrentQueriesRespectRateLimit still holds and every query completes exactly.
func TestRateLimitHoldsUnderRetries(t *testing.T) {
	const rate, bucket, queries = 20, 1, 8
	limiter := inprocess.Limiter{Name: coupang.RateLimiterName, FillRate: rate, BucketSize: bucket, Scope: []string{"connection"}}
	tuneClient(t, 5*time.Second)
	e := startFaultEnv(t, faultData, nil, &limiter)
	e.sb.SetFault(perRequest(1, func() *sandbox.Fault { return sandbox.FaultRateLimited("") }))
	lo, hi := threeWindows()
	want, minReq := expectedIn(t, e.all, lo, hi)
	errs := make(chan error, queries)
	for range queries {
		go func() {
			rows, err := runQuery(e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			if err == nil && !slices.Equal(ids(rows), want) {
				err = fmt.Errorf("rows %v, want %v", ids(rows), want)
			}
			errs <- err
		}()
	}
	for range queries {
		require.NoError(t, <-errs)
	}
	var arrivals []time.Time
	for _, rec := range e.sb.Log() {
		arrivals = append(arrivals, rec.Time)
	}
	// Identical queries share the per-request fault counter: only the first attempt of each
	// distinct request is a 429.
	assert.Equal(t, queries*minReq+minReq, len(arrivals))
	assert.LessOrEqual(t, maxInWindow(arrivals, time.Second), bucket+rate)
}
