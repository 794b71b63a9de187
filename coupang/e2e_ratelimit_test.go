package coupang_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/require"
)

// TestQueriesDrawFromSharedBudget: a query waits on sends that another process recorded in the
// seller's budget file, so that those sends and the query's requests together never put more than
// the budget into a closed 1-second window. The coupang_api override sizes the budget.
func TestQueriesDrawFromSharedBudget(t *testing.T) {
	t.Parallel()
	const rate = 5
	e := newEnv(t, sandbox.Options{Days: 14, PerDay: 40}, "", inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: rate, BucketSize: 1, Scope: []string{"connection"}}))
	base := regexp.MustCompile(`base_url = "([^"]+)"`).FindStringSubmatch(e.cfg)[1]
	// The test's own file: TestMain's directory and this sandbox's keys (see startSandbox).
	path := filepath.Join(ratelimit.DefaultDir(), ratelimit.FileName(e.sb.VendorID(), e.sb.AccessKey(), base))

	// Another process has just used the whole budget.
	var other []time.Time
	var file strings.Builder
	now := time.Now()
	for i := range rate {
		other = append(other, now.Add(time.Duration(i)*time.Millisecond))
		fmt.Fprintf(&file, "%019d\n", other[i].UnixNano())
	}
	require.NoError(t, os.WriteFile(path, []byte(file.String()), 0o666))

	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1})
	require.NotEmpty(t, rows)
	e.requireAllOK(t)
	arrivals := sandbox.Arrivals(e.sb.Log())
	require.Greater(t, len(arrivals), rate, "the query must make more requests than one window holds")
	require.LessOrEqual(t, sandbox.MostInWindow(append(arrivals, other...), time.Second), rate)

	// The file now holds the query's own last sends, one fixed-length line each.
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Len(t, b, rate*20)
}

// TestSharedBudgetUnusable: a budget directory that cannot be used fails the query with an error
// that names the path and the environment variable that moves it, instead of exceeding the rate.
func TestSharedBudgetUnusable(t *testing.T) {
	// Not parallel: it sets the process's COUPANG_RATE_LIMIT_DIR (t.Setenv).
	notDir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notDir, nil, 0o600))
	t.Setenv(ratelimit.EnvDir, notDir)
	e := newEnv(t, sandbox.Options{Days: 2, PerDay: 5}, "")
	_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1})
	require.Error(t, err)
	require.Contains(t, err.Error(), notDir)
	require.Contains(t, err.Error(), ratelimit.EnvDir)
	require.Zero(t, e.sb.Requests(), "no request without the shared budget")
	require.NotContains(t, err.Error(), e.sb.SecretKey())
}

// TestRateLimitEnv: COUPANG_RATE_LIMIT sizes the shared budget over any coupang_api override, and a
// value that is not a rate Coupang allows fails the query with an error naming the variable.
func TestRateLimitEnv(t *testing.T) {
	// Not parallel: it sets the process's COUPANG_RATE_LIMIT (t.Setenv).
	t.Setenv(ratelimit.EnvDir, t.TempDir())
	e := newEnv(t, sandbox.Options{Days: 14, PerDay: 40}, "") // with the 100,000/s override
	for _, bad := range []string{"fast", "0", "-1", "11", "NaN"} {
		t.Setenv(coupang.EnvRateLimit, bad)
		_, err := e.query(t, inquiry)
		require.ErrorContains(t, err, coupang.EnvRateLimit+` is "`+bad+`"`)
		require.Zero(t, e.sb.Requests())
	}
	t.Setenv(coupang.EnvRateLimit, "3")
	e.mustQuery(t, inquiry)
	e.requireAllOK(t)
	arrivals := sandbox.Arrivals(e.sb.Log())
	require.Greater(t, len(arrivals), 3)
	require.LessOrEqual(t, sandbox.MostInWindow(arrivals, time.Second), 3)
}

var inquiry = inprocess.Query{Table: inquiryTable, Limit: -1}
