package coupang_test

// The plugin-level fault-injection suite: every case runs a real query through the SDK (the
// in-process runner) against the sandbox on loopback, injects a fault, and asserts the exact
// outcome: the rows (compared with the sandbox's data computed independently), the exact number of
// requests the sandbox received, and for failures the error's words. Non-retryable failures must
// be followed by no request at all.

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// testAttempts is the client's MaxAttempts in this suite.
const testAttempts = 4

// tuneClient returns the test's context, under which the client a query builds gets tiny backoffs
// (so retries cost microseconds), testAttempts attempts, a capped Retry-After and the given
// per-attempt timeout.
func tuneClient(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	return coupang.WithClientTuning(t.Context(), func(c *api.Config) {
		c.MaxAttempts = testAttempts
		c.MinBackoff = time.Millisecond
		c.MaxBackoff = 3 * time.Millisecond
		c.MaxRetryAfter = 20 * time.Millisecond
		c.Timeout = timeout
	})
}

// faultEnv is a sandbox and a runner, plus a watch for the first non-retryable response.
type faultEnv struct {
	sb  *sandbox.Server
	r   *inprocess.Runner
	all []sandbox.Inquiry

	mu     sync.Mutex
	fatalN int64 // requests received when the first non-retryable response was sent; 0 if none
	// codeInBodyFatal says whether the env's code-in-body faults carry a non-retryable code.
	codeInBodyFatal atomic.Bool
}

// startFaultEnv starts a sandbox with opts and a runner on it. cfg edits the connection's
// arguments (nil keeps the sandbox's credentials); limiter nil keeps the plugin's own limiter.
func startFaultEnv(t *testing.T, opts sandbox.Options, cfg func(vendor, access, secret *string), limiter *inprocess.Limiter) *faultEnv {
	t.Helper()
	sb, base := startSandbox(t, opts)
	vendor, access, secret := sb.VendorID(), sb.AccessKey(), sb.SecretKey()
	if cfg != nil {
		cfg(&vendor, &access, &secret)
	}
	hcl := fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n", vendor, access, secret, base)
	ropts := rowMode()
	if limiter != nil {
		ropts = append(ropts, inprocess.WithRateLimiter(*limiter))
	}
	r, err := inprocess.New(context.Background(), "coupang", hcl, ropts...)
	require.NoError(t, err)
	e := &faultEnv{sb: sb, r: r, all: sb.Inquiries()}
	sb.SetVerbose(e.watch)
	return e
}

// watch runs when the sandbox sends a status (before the client can read it): it notes how many
// requests had arrived when the first non-retryable answer went out.
func (e *faultEnv) watch(rec sandbox.RequestRecord) {
	if !e.nonRetryable(rec) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fatalN == 0 {
		e.fatalN = e.sb.Requests()
	}
}

// nonRetryable reports whether the client must not retry after this answer: 400-404, or an HTTP
// 200 whose body is not Coupang's JSON or carries a 4xx code.
func (e *faultEnv) nonRetryable(rec sandbox.RequestRecord) bool {
	switch {
	case rec.Status >= 400 && rec.Status <= 404:
		return true
	case rec.Fault == string(sandbox.KindMalformedJSON):
		return true
	case rec.Fault == string(sandbox.KindCodeInBody):
		return e.codeInBodyFatal.Load()
	}
	return false
}

// requireNothingAfterFatal asserts that a non-retryable answer was sent and that no request
// arrived after it, retries and other windows included.
func (e *faultEnv) requireNothingAfterFatal(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	fatalN := e.fatalN
	e.mu.Unlock()
	require.NotZero(t, fatalN, "no non-retryable answer was sent")
	assert.Equal(t, fatalN, e.sb.Requests(), "requests arrived after the first non-retryable answer; log %+v", e.sb.Log())
}

// perRequest returns a fault injector that answers the first n attempts of every distinct request
// (path and query, so each page separately) with f(), then serves normally.
func perRequest(n int, f func() *sandbox.Fault) func(int64, *http.Request) *sandbox.Fault {
	var mu sync.Mutex
	seen := map[string]int{}
	return func(_ int64, r *http.Request) *sandbox.Fault {
		mu.Lock()
		defer mu.Unlock()
		key := r.URL.Path + "?" + r.URL.RawQuery
		seen[key]++
		if seen[key] <= n {
			return f()
		}
		return nil
	}
}

// always returns a fault injector that answers every request with f().
func always(f func() *sandbox.Fault) func(int64, *http.Request) *sandbox.Fault {
	return func(int64, *http.Request) *sandbox.Fault { return f() }
}

// faultData is small: 18 days of 8 inquiries span three 7-day windows of one or two pages each.
var faultData = sandbox.Options{Seed: 11, Days: 30, PerDay: 8}

// threeWindows is a period of 18 Korean days ending yesterday: three windows, fetched concurrently.
func threeWindows() (lo, hi time.Time) {
	today := api.KoreanDate(time.Now())
	return today.AddDate(0, 0, -18), today.Add(-time.Second)
}

// threeWindowsWithSecondPages is threeWindows and the sandbox inquiries in it, which must fill
// second pages, so that a fault on later pages comes after rows were streamed.
func threeWindowsWithSecondPages(t *testing.T, all []sandbox.Inquiry) (lo, hi time.Time, want []int64) {
	lo, hi = threeWindows()
	want, _ = expectedIn(t, all, lo, hi)
	require.Greater(t, len(want), 3*api.MaxPageSize, "windows must have second pages")
	return lo, hi, want
}

// shiftedPage is a later page whose totalElements disagrees with any real page 1's, as when the
// listing changed since page 1 was read.
const shiftedPage = `{"code":200,"message":"OK","data":{"content":[],"pagination":{"currentPage":2,"totalPages":1,"totalElements":1,"countPerPage":30}}}`

// oneWindow is a period of 4 Korean days ending yesterday: a single request.
func oneWindow() (lo, hi time.Time) {
	today := api.KoreanDate(time.Now())
	return today.AddDate(0, 0, -4), today.Add(-time.Second)
}

// expectedIn returns the sandbox inquiries in [lo, hi] and the fewest requests listing them takes.
func expectedIn(t *testing.T, all []sandbox.Inquiry, lo, hi time.Time) ([]int64, int) {
	want := expectIDs(all, func(inq sandbox.Inquiry) bool {
		return !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi)
	})
	n := minRequests(t, all, query.Quals{InquiryAt: []query.Bound{{Op: query.OpGe, Value: lo}, {Op: query.OpLe, Value: hi}}})
	return want, n
}

// TestFaultsRetriedThenComplete injects retryable faults on the first attempts of every request:
// each query must complete with exactly the sandbox's rows, after exactly one extra request per
// injected fault.
func TestFaultsRetriedThenComplete(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		burst   int // faulty attempts per request (< testAttempts)
		fault   func() *sandbox.Fault
		timeout time.Duration // of each attempt; 0 for a minute
	}{
		{"429 burst without Retry-After", 3, func() *sandbox.Fault { return sandbox.FaultRateLimited("") }, 0},
		{"429 burst with Retry-After", 3, func() *sandbox.Fault { return sandbox.FaultRateLimited("1") }, 0},
		{"429 with an HTTP-date Retry-After", 2, func() *sandbox.Fault {
			return sandbox.FaultRateLimited(time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat))
		}, 0},
		{"500", 2, func() *sandbox.Fault { return sandbox.FaultStatus(500, "Internal Server Error") }, 0},
		{"502", 2, func() *sandbox.Fault { return sandbox.FaultStatus(502, "Bad Gateway") }, 0},
		{"503", 3, func() *sandbox.Fault { return sandbox.FaultStatus(503, "Service Unavailable") }, 0},
		{"504", 1, func() *sandbox.Fault { return sandbox.FaultStatus(504, "Gateway Timeout") }, 0},
		{"code 500 inside HTTP 200", 1, func() *sandbox.Fault { return sandbox.FaultCodeInBody(500, "Internal Server Error") }, 0},
		{"connection reset", 2, sandbox.FaultReset, 0},
		{"truncated body", 1, sandbox.FaultTruncated, 0},
		// The fault holds the first attempt until the client gives up after 10 s, which the test
		// waits out once; the attempt that follows has as long on a loaded machine.
		{"slower than the client timeout", 1, func() *sandbox.Fault { return sandbox.FaultSlow(time.Hour) }, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tuneClient(t, cmp.Or(tc.timeout, time.Minute))
			e := startFaultEnv(t, faultData, nil, &fastLimiter)
			lo, hi := threeWindows()
			want, minReq := expectedIn(t, e.all, lo, hi)
			require.NotEmpty(t, want)
			e.sb.SetFault(perRequest(tc.burst, tc.fault))

			rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			require.NoError(t, err)
			assert.Equal(t, want, ids(rows), "exact rows")
			assert.Equal(t, int64(minReq*(tc.burst+1)), e.sb.Requests(), "one retry per injected fault, no more")
			for _, rec := range e.sb.Log() {
				assert.Contains(t, []int{0, 200, 429, 500, 502, 503, 504}, rec.Status)
			}
		})
	}
}

// TestFaultsPersistentFailure injects a retryable fault on every attempt: the query must fail
// with an error saying what happened and what to do, after exactly testAttempts requests.
func TestFaultsPersistentFailure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		fault func() *sandbox.Fault
		words []string
	}{
		{"503", func() *sandbox.Fault { return sandbox.FaultStatus(503, "Service Unavailable") }, []string{"server error (HTTP 503)", "Service Unavailable", "try again later"}},
		{"504", func() *sandbox.Fault { return sandbox.FaultStatus(504, "Gateway Timeout") }, []string{"server error (HTTP 504)", "try again later"}},
		{"429", func() *sandbox.Fault { return sandbox.FaultRateLimited("") }, []string{"rate limited (HTTP 429)", "Too many requests", "lower COUPANG_RATE_LIMIT"}},
		{"connection reset", sandbox.FaultReset, []string{"network error", "check the network connection and base_url"}},
		{"truncated body", sandbox.FaultTruncated, []string{"network error", "reading the response body", "unexpected EOF"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tuneClient(t, time.Minute)
			e := startFaultEnv(t, faultData, nil, &fastLimiter)
			e.sb.SetFault(always(tc.fault))
			lo, hi := oneWindow()
			rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			require.Error(t, err, "returned %d rows as success", len(rows))
			assert.Empty(t, rows)
			for _, w := range append(tc.words, fmt.Sprintf("after %d attempts", testAttempts)) {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, int64(testAttempts), e.sb.Requests(), "bounded retries")
		})
	}
}

// TestFaultsPartialResultIsAnError lets the first page of every window through and spoils every
// later page: rows have been streamed, yet the query must fail, never end as a shorter success. A 502
// (after its retries) fails each of 20 runs; a later page whose totalElements disagrees with page
// 1's, as a listing changing between every two pages would, makes each listing be read three
// times, then fails saying why and what to do.
func TestFaultsPartialResultIsAnError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		fault *sandbox.Fault
		runs  int
		want  []string
	}{
		{"502", sandbox.FaultStatus(502, "Bad Gateway"), 20, []string{"server error (HTTP 502)"}},
		{"shifting listing", sandbox.FaultBody(http.StatusOK, []byte(shiftedPage)), 1,
			[]string{"Coupang's listing changed while it was read", "3 times in a row: run the query again, or narrow its inquiry_at range"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := tuneClient(t, time.Minute)
			e := startFaultEnv(t, sandbox.Options{Seed: 5, Days: 30, PerDay: 20}, nil, &fastLimiter)
			e.sb.SetFault(func(_ int64, r *http.Request) *sandbox.Fault {
				if r.URL.Query().Get("pageNum") != "1" {
					return c.fault
				}
				return nil
			})
			lo, hi, want := threeWindowsWithSecondPages(t, e.all)
			for range c.runs {
				rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
				require.Error(t, err, "returned %d of %d rows as success", len(rows), len(want))
				for _, w := range c.want {
					assert.Contains(t, err.Error(), w)
				}
				assert.Less(t, len(rows), len(want))
			}
		})
	}
}

// TestFaultsPageWithoutContentIsAnError: a first page whose content is null (read as no rows)
// while its pagination counts inquiries fails the query, rather than return no rows as a success.
func TestFaultsPageWithoutContentIsAnError(t *testing.T) {
	t.Parallel()
	ctx := tuneClient(t, time.Minute)
	e := startFaultEnv(t, faultData, nil, &fastLimiter)
	e.sb.SetFault(func(int64, *http.Request) *sandbox.Fault {
		return sandbox.FaultBody(http.StatusOK, []byte(`{"code":200,"message":"OK","data":{"content":null,`+
			`"pagination":{"currentPage":1,"totalPages":1,"totalElements":5,"countPerPage":30}}}`))
	})
	lo, hi := oneWindow()
	rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
	require.Error(t, err, "%d rows as success", len(rows))
	assert.Contains(t, err.Error(), "no rows on page 1 but totalElements 5")
	assert.Equal(t, int64(1), e.sb.Requests())
}

// TestRowsHeldUntilEveryRead: as Turbot's standalone FDW and SQLite extension run the plugin
// (Plugin without WithStreamedRows), a scan streams no row before it has read everything, so a
// failure part-way comes before any row, where those engines see it (they end at the first end of
// the row stream, which the SDK sends before an error that follows rows). An inquiry_id list is
// then read by one copy, so that one ID's failure comes before the other IDs' rows too. Streamed
// (Steampipe's gRPC server, the export), the rows already read come first.
func TestRowsHeldUntilEveryRead(t *testing.T) {
	t.Parallel()
	for _, streamedRows := range []bool{false, true} {
		t.Run(fmt.Sprintf("streamed %v", streamedRows), func(t *testing.T) {
			t.Parallel()
			var opts []inprocess.Option
			if streamedRows {
				opts = append(opts, inprocess.WithStreamedRows())
			} else if rowMode() != nil {
				t.Skip("held rows are tested with " + streamedRowsEnv + " unset")
			}
			e := newEnv(t, sandbox.Options{Seed: 5, Days: 30, PerDay: 20}, "", opts...)
			all := e.sb.Inquiries()
			failing := all[len(all)-1].InquiryID
			// Streamed, a page 2 fails once a row has reached the caller: the SDK drops rows still
			// on their way when an error ends the scan.
			firstRow := make(chan struct{})
			closeFirst := sync.OnceFunc(func() { close(firstRow) })
			e.sb.SetFault(func(_ int64, r *http.Request) *sandbox.Fault {
				if r.URL.Query().Get("pageNum") == "1" || (r.URL.Query().Get("pageNum") == "" && !strings.HasSuffix(r.URL.Path, fmt.Sprint(failing))) {
					return nil
				}
				if r.URL.Query().Get("pageNum") == "" {
					time.Sleep(300 * time.Millisecond) // the other IDs' reads end first: copies would have streamed them
				} else if streamedRows {
					select {
					case <-firstRow:
					case <-time.After(30 * time.Second): // rows never streamed: the assertion fails
					case <-r.Context().Done():
					}
				}
				return sandbox.FaultStatus(400, "spoilt")
			})
			lo, hi, _ := threeWindowsWithSecondPages(t, all)
			ids := []int64{all[0].InquiryID, all[1].InquiryID, failing}
			listing := inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1}
			for i, q := range []inprocess.Query{listing, idList(inquiryTable, ids, -1)} {
				var rows []map[string]*proto.Column
				err := e.r.Query(e.context(t), q, func(row map[string]*proto.Column) error {
					rows = append(rows, row)
					closeFirst()
					return nil
				})
				require.ErrorContains(t, err, "spoilt")
				switch {
				case !streamedRows:
					assert.Empty(t, rows, "%v: no row before the failure", q.Quals)
				case i == 0: // the listing: each window's page 1 comes before its page 2
					assert.NotEmpty(t, rows, "the rows read before the failure")
				}
			}
		})
	}
}

// TestHeldRowsBounded: past its bound on held rows, a scan streams them and then each row as it
// comes, rather than grow a Postgres backend without end; a failure after that follows rows.
func TestHeldRowsBounded(t *testing.T) {
	t.Parallel()
	if rowMode() != nil {
		t.Skip("held rows are tested with " + streamedRowsEnv + " unset")
	}
	e := newEnv(t, sandbox.Options{Seed: 5, Days: 30, PerDay: 20}, "")
	// A page 2 fails once 5 rows have reached the caller: the SDK drops rows still on their way when
	// an error ends the scan. Rows that are never streamed (held without bound) fail it after 30 s.
	fiveRows := make(chan struct{})
	e.sb.SetFault(func(_ int64, r *http.Request) *sandbox.Fault {
		if r.URL.Query().Get("pageNum") == "1" {
			return nil
		}
		select {
		case <-fiveRows:
		case <-time.After(30 * time.Second):
		case <-r.Context().Done():
		}
		return sandbox.FaultStatus(400, "spoilt")
	})
	lo, hi, _ := threeWindowsWithSecondPages(t, e.sb.Inquiries())
	ctx := coupang.WithMaxHeldRows(e.context(t), 5)
	var rows atomic.Int64
	err := e.r.Query(ctx, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1}, func(map[string]*proto.Column) error {
		if rows.Add(1) == 5 {
			close(fiveRows)
		}
		return nil
	})
	require.ErrorContains(t, err, "spoilt")
	assert.GreaterOrEqual(t, rows.Load(), int64(5), "the 5 rows held, then each as it came")
}

// TestFaultsNotRetried covers the answers that must never be retried: each query fails with an
// error naming what came back and what to check, after exactly one request, and nothing is sent
// after it.
func TestFaultsNotRetried(t *testing.T) {
	t.Parallel()
	future := func() time.Time { return time.Now().Add(10 * time.Minute) }
	cases := []struct {
		name   string
		opts   func(*sandbox.Options)
		cfg    func(vendor, access, secret *string)
		fault  func() *sandbox.Fault
		inBody bool // the fault is a 4xx code inside an HTTP 200
		words  []string
	}{
		{name: "401 invalid signature (wrong secret key)", cfg: func(_, _, s *string) { *s = "not-the-secret-key" },
			words: []string{"authentication failed (HTTP 401)", "Invalid signature.", "check access_key and secret_key", "clock"}},
		{name: "401 signature expired (skewed clock)", opts: func(o *sandbox.Options) { o.Now = future },
			words: []string{"authentication failed (HTTP 401)", "Specified signature is expired.", "clock is probably wrong", "sync the clock"}},
		{name: "401 invalid access key", cfg: func(_, a, _ *string) { *a = "unknown-access-key" },
			words: []string{"authentication failed (HTTP 401)", "Invalid access key.", "check access_key and secret_key"}},
		{name: "403 not allowed IP", fault: func() *sandbox.Fault { return sandbox.FaultStatus(403, "Not allowed IP") },
			words: []string{"forbidden (HTTP 403)", "Not allowed IP", "register this machine's public IP", "Coupang Wing"}},
		{name: "403 HTML page", fault: sandbox.FaultHTML403,
			words: []string{`forbidden (HTTP 403): HTML page: "403 Forbidden"`, "probably blocked"}},
		{name: "404 wrong vendor", fault: func() *sandbox.Fault { return sandbox.FaultStatus(404, "Not Found") },
			words: []string{"not found (HTTP 404)", "check vendor_id"}},
		{name: "400 wrong vendor", cfg: func(v, _, _ *string) { *v = "A00099999" },
			words: []string{"bad request (HTTP 400)", "Invalid vendor ID", "check vendor_id", "seller ID shown in Coupang Wing"}},
		{name: "malformed JSON", fault: sandbox.FaultMalformedJSON,
			words: []string{"unexpected response (HTTP 200)", "malformed JSON", "check base_url"}},
		{name: "code 400 inside HTTP 200", fault: func() *sandbox.Fault { return sandbox.FaultCodeInBody(400, "Invalid parameter") }, inBody: true,
			words: []string{"bad request (HTTP 200)", "code 400 in the body: Invalid parameter"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tuneClient(t, time.Minute)
			opts := faultData
			if tc.opts != nil {
				tc.opts(&opts)
			}
			e := startFaultEnv(t, opts, tc.cfg, &fastLimiter)
			e.codeInBodyFatal.Store(tc.inBody)
			if tc.fault != nil {
				e.sb.SetFault(always(tc.fault))
			}
			lo, hi := oneWindow()
			rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			require.Error(t, err, "returned %d rows as success", len(rows))
			for _, w := range tc.words {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "attempts", "not retried")
			assert.Equal(t, int64(1), e.sb.Requests(), "exactly one request")
			e.requireNothingAfterFatal(t)
		})
	}
}

// TestNonRetryableStopsConcurrentWindows runs three windows concurrently. The first answer is a
// 503, whose retry then waits a backoff far longer than the test; the second is a 401 (wrong
// secret key), sent once all three windows' first requests have arrived. The query must fail with
// the 401's message and send nothing more: not the pending retry, not another window's next
// request; and no goroutine (a retry still waiting, say) may outlive it.
func TestNonRetryableStopsConcurrentWindows(t *testing.T) {
	// Not parallel: it counts the process's goroutines, which parallel tests would add to.
	ctx := coupang.WithClientTuning(t.Context(), func(c *api.Config) {
		c.MaxAttempts = testAttempts
		c.MinBackoff, c.MaxBackoff = time.Hour, time.Hour
	})
	e := startFaultEnv(t, faultData, nil, nil)
	e.sb.SetFault(func(n int64, r *http.Request) *sandbox.Fault {
		switch n {
		case 1:
			return sandbox.FaultStatus(503, "Service Unavailable")
		case 2:
			for e.sb.Requests() < 3 && r.Context().Err() == nil {
				time.Sleep(time.Millisecond)
			}
			return sandbox.FaultStatus(401, sandbox.MsgInvalidSignature)
		}
		return sandbox.FaultSlow(time.Hour) // in flight until the client gives up
	})
	baseline := len(ownGoroutines())
	lo, hi := threeWindows()
	rows, err := runQuery(ctx, e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
	require.Error(t, err, "returned %d rows as success", len(rows))
	assert.Contains(t, err.Error(), "Invalid signature.")
	assert.Contains(t, err.Error(), "check access_key and secret_key")
	requireNoLeak(t, baseline)
	assert.Equal(t, int64(3), e.sb.Requests(), "log %+v", e.sb.Log())
	e.requireNothingAfterFatal(t)
}

// TestFaultsShiftedListingIsReadAfreshUnderQueryCache shifts each listing once, on its first page 2,
// with Steampipe's query cache on (as the engines run by default): the second reading asks Coupang
// again rather than reuse the first reading's pages, and the query returns every row.
func TestFaultsShiftedListingIsReadAfreshUnderQueryCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Seed: 5, Days: 30, PerDay: 20}, "", inprocess.WithQueryCache(time.Hour))
	var mu sync.Mutex
	seen := map[string]bool{} // the listings whose page 2 was asked for
	e.sb.SetFault(func(_ int64, r *http.Request) *sandbox.Fault {
		q := r.URL.Query()
		if q.Get("pageNum") != "2" {
			return nil
		}
		q.Del("pageNum")
		mu.Lock()
		defer mu.Unlock()
		if seen[q.Encode()] {
			return nil
		}
		seen[q.Encode()] = true
		return sandbox.FaultBody(http.StatusOK, []byte(shiftedPage))
	})
	lo, hi, want := threeWindowsWithSecondPages(t, e.sb.Inquiries())
	rows, err := e.query(t, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
	require.NoError(t, err)
	assert.Equal(t, want, ids(rows), "exact rows")
	assert.NotEmpty(t, seen, "no listing was shifted")
}
