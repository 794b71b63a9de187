package coupang_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
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
	t.Parallel()
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
// coupang_api limiter is retuned to rate r = 20/s with bucket b = 3, and checks that the sandbox
// received no more requests than the limiter can have granted while they ran, and that every query
// returns exactly the sandbox's rows. Every other query reads product Q&A: both lists share the
// one budget.
//
// The bound, from the limiter's definition: the SDK's limiter is golang.org/x/time/rate's token
// bucket, refilled at r tokens per second up to b tokens, every request (and, in the SDK, every
// list call before it runs) taking one token. Between the start of the queries and the end of the
// last, T seconds later, at most the tokens present at the start (<= b) plus those added during
// it (r*T) can be taken: N <= b + r*T. A loaded machine only lengthens T, so the check cannot
// fail for want of CPU; the busiest 1-second window at the sandbox is logged, not asserted, as
// arrival stamps bunch up when the receiving side is starved of CPU.
func TestConcurrentQueriesRespectRateLimit(t *testing.T) {
	t.Parallel()
	const (
		rate    = 20
		bucket  = 3
		queries = 30
	)
	limiter := inprocess.Limiter{Name: coupang.RateLimiterName, FillRate: rate, BucketSize: bucket, Scope: []string{"connection"}}
	ctx := tuneClient(t, time.Minute)
	e := startFaultEnv(t, sandbox.Options{Seed: 13, Days: 40, PerDay: 12}, nil, &limiter)

	today := api.KoreanDate(time.Now())
	type result struct {
		want, got []int64
		err       error
	}
	results := make([]result, queries)
	start := time.Now()
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
			rows, err := runQuery(ctx, e.r, inprocess.Query{Table: table, Quals: between(lo, hi), Limit: -1})
			results[i].err = err
			if err == nil {
				results[i].got = ids(rows)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

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
	require.Greater(t, len(arrivals), 2*(bucket+rate), "the load must last over two seconds of tokens")
	assertWithinTokens(t, len(arrivals), bucket, rate, elapsed)
	t.Logf("%d requests for %d queries in %s, at most %d in any 1-second window at the sandbox", len(arrivals), queries,
		elapsed.Round(time.Millisecond), maxInWindow(arrivals, time.Second))
}

// assertWithinTokens asserts that n requests sent within elapsed took no more tokens than a
// bucket of the given size, full at the start and refilled at rate per second, holds.
func assertWithinTokens(t *testing.T, n, bucket int, rate float64, elapsed time.Duration) {
	t.Helper()
	tokens := bucket + int(rate*elapsed.Seconds())
	assert.LessOrEqual(t, n, tokens, "requests in %s: more than the limiter's %d + %g/s can grant", elapsed, bucket, rate)
}

// TestRateLimitHoldsUnderRetries makes the first attempt of every request a 429: retries take
// tokens too, so the bound of TestConcurrentQueriesRespectRateLimit still holds and every query
// completes exactly. The queries cover periods a day apart, so that their requests differ and
// half of all requests are retries: were retries let through without a token, the requests would
// outnumber the tokens by about half.
func TestRateLimitHoldsUnderRetries(t *testing.T) {
	t.Parallel()
	const rate, bucket, queries = 20, 1, 6
	limiter := inprocess.Limiter{Name: coupang.RateLimiterName, FillRate: rate, BucketSize: bucket, Scope: []string{"connection"}}
	ctx := tuneClient(t, time.Minute)
	e := startFaultEnv(t, faultData, nil, &limiter)
	e.sb.SetFault(perRequest(1, func() *sandbox.Fault { return sandbox.FaultRateLimited("") }))
	lo, hi := threeWindows()
	firstAttempts := 0
	errs := make(chan error, queries)
	start := time.Now()
	for i := range queries {
		lo, hi := lo.AddDate(0, 0, -i), hi.AddDate(0, 0, -i)
		want, minReq := expectedIn(t, e.all, lo, hi)
		firstAttempts += minReq
		go func() {
			rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			if err == nil && !slices.Equal(ids(rows), want) {
				err = fmt.Errorf("rows %v, want %v", ids(rows), want)
			}
			errs <- err
		}()
	}
	for range queries {
		require.NoError(t, <-errs)
	}
	elapsed := time.Since(start)
	distinct := map[string]bool{}
	for _, rec := range e.sb.Log() {
		distinct[rec.Path+"?"+rec.RawQuery] = true
	}
	// Each distinct request's first attempt was a 429 and its second went through.
	n := len(e.sb.Log())
	assert.Equal(t, firstAttempts+len(distinct), n)
	assert.Greater(t, len(distinct), firstAttempts/2, "most requests differ between the queries")
	assertWithinTokens(t, n, bucket, rate, elapsed)
}
