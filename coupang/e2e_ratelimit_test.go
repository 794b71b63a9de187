//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package coupang_test

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
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
	sends := &budgetSends{}
	e := newEnv(t, sandbox.Options{Days: 14, PerDay: 40}, "", inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: rate, BucketSize: 1, Scope: []string{"connection"}}))
	e.onRequest = sends.read
	// The test's own file: TestMain's directory and this sandbox's keys (see startSandbox).
	path := sends.at(e, ratelimit.DefaultDir())

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
	require.Greater(t, len(e.sb.Log()), rate, "the query must make more requests than one window holds")
	recorded := sends.times(t, other...)
	require.Greater(t, len(recorded), 2*rate, "the other process's sends and the query's")
	require.LessOrEqual(t, sandbox.MostInWindow(recorded, time.Second), rate)

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
	dir := t.TempDir()
	t.Setenv(ratelimit.EnvDir, dir)
	sends := &budgetSends{}
	e := newEnv(t, sandbox.Options{Days: 14, PerDay: 40}, "") // with the 100,000/s override
	e.onRequest = sends.read
	path := sends.at(e, dir)
	for _, bad := range []string{"fast", "0", "-1", "11", "NaN"} {
		t.Setenv(coupang.EnvRateLimit, bad)
		_, err := e.query(t, inquiry)
		require.ErrorContains(t, err, coupang.EnvRateLimit+` is "`+bad+`"`)
		require.Zero(t, e.sb.Requests())
	}
	t.Setenv(coupang.EnvRateLimit, "3")
	e.mustQuery(t, inquiry)
	e.requireAllOK(t)
	require.Greater(t, len(e.sb.Log()), 3)
	recorded := sends.times(t)
	require.Greater(t, len(recorded), 3)
	require.LessOrEqual(t, sandbox.MostInWindow(recorded, time.Second), 3)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Len(t, b, 3*20, "a budget of 3 per second keeps 3 send times, not the override's 100")
}

// budgetSends collects the send times a seller's budget file records, read under the budget's lock
// after every request (set read as env.onRequest). A test counts them per 1-second
// window by the budget's own clock: the sandbox's arrival times would also count the scheduling
// delays of a loaded machine, which can bunch requests sent a window apart.
type budgetSends struct {
	mu   sync.Mutex
	path string
	seen map[int64]bool
	err  error // the first failed read, reported by times
}

// at sets the budget file of e's connection in dir, before e's first query, and returns its path.
func (s *budgetSends) at(e *env, dir string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.path = filepath.Join(dir, ratelimit.FileName(e.sb.VendorID(), e.sb.AccessKey(), e.base))
	s.seen = map[int64]bool{}
	return s.path
}

// read adds the send times the file holds now. The request's own send is among them unless its
// answer took longer than a budget window: the budget records the send when the request is
// written, and only a window's worth of later sends can push it out of the file.
func (s *budgetSends) read(api.RequestInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = s.add()
	}
}

// add reads the file's send times into seen; s.mu is held.
func (s *budgetSends) add() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		return err
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	for _, line := range strings.Fields(string(b)) {
		ns, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return err
		}
		s.seen[ns] = true
	}
	return nil
}

// times returns the send times read so far and those of others, oldest first, each once; it fails
// t if a read failed.
func (s *budgetSends) times(t *testing.T, others ...time.Time) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NoError(t, s.err, "reading the budget file %s", s.path)
	for _, o := range others {
		s.seen[o.UnixNano()] = true
	}
	var at []time.Time
	for _, ns := range slices.Sorted(maps.Keys(s.seen)) {
		at = append(at, time.Unix(0, ns))
	}
	return at
}

var inquiry = inprocess.Query{Table: inquiryTable, Limit: -1}
