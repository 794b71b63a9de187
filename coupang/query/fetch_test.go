package query

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// collect runs a plan against l and returns the rows in emit order.
func collect(t *testing.T, list func(context.Context, api.ListRequest) (*api.Page, error), p *Plan) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := Fetch(context.Background(), list, p, func(r Row) bool {
		rows = append(rows, r) // no lock: emit must be called from one goroutine (run with -race)
		return true
	})
	return rows, err
}

func TestFetchMatchesDataSet(t *testing.T) {
	t.Parallel()
	today := day("2026-01-15")
	cases := []struct {
		name   string
		q      Quals
		lo, hi time.Time // the lookback, for quals without lower bound and option ID
	}{
		{name: "neither: last 7 days", q: Quals{}, lo: today.AddDate(0, 0, -6), hi: today},
		{name: "30-day BETWEEN", q: Quals{InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00")), b("<=", kst("2025-12-30 23:59:59"))}}},
		{name: "mid-day bounds", q: Quals{InquiryAt: []Bound{b(">", kst("2025-12-01 13:00:00")), b("<", kst("2025-12-09 08:30:00"))}}},
		{name: "Korean midnight in UTC", q: Quals{InquiryAt: []Bound{b(">=", utc("2025-12-09T15:00:00Z")), b("<=", utc("2025-12-20T14:59:59Z"))}}},
		{name: "1-day range (widened window)", q: Quals{InquiryAt: []Bound{b(">=", kst("2025-12-24 00:00:00")), b("<", kst("2025-12-25 00:00:00"))}}},
		{name: "lower bound only, to today", q: Quals{InquiryAt: []Bound{b(">=", kst("2025-12-20 00:00:00"))}}},
		{name: "upper bound only", q: Quals{InquiryAt: []Bound{b("<", kst("2026-01-01 00:00:00"))}}, lo: day("2025-12-24"), hi: day("2026-01-01")},
		{name: "option ID only (case b)", q: Quals{VendorItemID: [][]int64{{103}}}},
		{name: "option ID and upper bound (case b, filtered)", q: Quals{VendorItemID: [][]int64{{103}}, InquiryAt: []Bound{b("<", kst("2025-11-01 00:00:00"))}}},
		{name: "option ID and range (case a)", q: Quals{VendorItemID: [][]int64{{102}}, InquiryAt: []Bound{b(">=", kst("2025-11-15 00:00:00")), b("<=", kst("2025-12-15 00:00:00"))}}},
		{name: "IN list and range: dedupe across option IDs", q: Quals{VendorItemID: [][]int64{{101, 102, 104}}, InquiryAt: []Bound{b(">=", kst("2025-11-15 00:00:00"))}}},
		{name: "IN list alone", q: Quals{VendorItemID: [][]int64{{105, 106}}}},
		{name: "status ANSWER", q: Quals{PartnerCounselingStatus: [][]string{{"ANSWER"}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}},
		{name: "status NO_ANSWER", q: Quals{PartnerCounselingStatus: [][]string{{"NO_ANSWER"}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}},
		{name: "status TRANSFER", q: Quals{PartnerCounselingStatus: [][]string{{"TRANSFER"}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}},
		{name: "status NONE", q: Quals{PartnerCounselingStatus: [][]string{{"NONE"}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}},
		{name: "order ID", q: Quals{OrderID: [][]int64{{30_000_000_000_007}}, InquiryAt: []Bound{b(">=", kst("2025-10-01 00:00:00"))}}},
		{name: "local-only columns", q: Quals{InquiryStatus: [][]string{{"progress"}}, CSPartnerCounselingStatus: [][]string{{"answered"}}, InquiryAt: []Bound{b(">=", kst("2025-11-01 00:00:00"))}}},
		{name: "contradiction", q: Quals{InquiryAt: []Bound{b(">", kst("2025-12-10 00:00:00")), b("<", kst("2025-12-01 00:00:00"))}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := newFake(t)
			c.q.Limit = -1
			p, err := Build(c.q, now, 7)
			require.NoError(t, err)
			rows, err := collect(t, fake.ListInquiries, p)
			require.NoError(t, err)
			for _, o := range offsets {
				want := fake.expected(c.q, c.lo, c.hi, o)
				assert.Equal(t, want, pairsOf(t, fake.recheck(c.q, rows, o)), "Postgres' rows in a session at UTC%+v", o)
				if o == 0 {
					assert.Equal(t, len(p.Windows) == 0, len(want) == 0, "the data set exercises the case")
				}
			}
			assert.Equal(t, fake.minimumRequests(p), fake.requestCount(), "requests")
			if len(p.Windows) == 0 {
				assert.Zero(t, fake.requestCount())
			}
			for _, r := range rows {
				assert.Equal(t, queryStatus(c.q), r.PartnerCounselingStatus)
				assert.Contains(t, r.Inquiry.VendorItemIDs, r.VendorItemID, "vendor_item_id is one of the inquiry's own")
				assert.NotEqual(t, Rejected, p.Filter.Certainty(r.Inquiry.InquiryAt))
			}
		})
	}
}

// TestFetchSequentialMatchesConcurrent runs the same quals both ways: a limit larger than the
// result changes the order of requests, not the rows.
func TestFetchSequentialMatchesConcurrent(t *testing.T) {
	t.Parallel()
	q := Quals{VendorItemID: [][]int64{{101, 102}}, InquiryAt: []Bound{b(">=", kst("2025-11-20 09:00:00"))}, Limit: -1}
	fake := newFake(t)
	p, err := Build(q, now, 7)
	require.NoError(t, err)
	all, err := collect(t, fake.ListInquiries, p)
	require.NoError(t, err)

	q.Limit = 100_000
	seq := newFake(t)
	p, err = Build(q, now, 7)
	require.NoError(t, err)
	require.True(t, p.Sequential)
	rows, err := collect(t, seq.ListInquiries, p)
	require.NoError(t, err)
	assert.Equal(t, pairsOf(t, all), pairsOf(t, rows))
	assert.Equal(t, seq.minimumRequests(p), seq.requestCount())
	// Sequential order is newest window first.
	for i := 1; i < len(rows); i++ {
		require.False(t, api.KoreanDate(rows[i].Inquiry.InquiryAt).After(api.KoreanDate(rows[i-1].Inquiry.InquiryAt).AddDate(0, 0, 6)))
	}
}

// limitEmit emulates Steampipe: it takes rows until n are streamed, then says stop.
func limitEmit(rows *[]Row, n int) func(Row) bool {
	return func(r Row) bool {
		*rows = append(*rows, r)
		return len(*rows) < n
	}
}

func TestFetchLimitFiveMakesOneRequest(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	p, err := Build(Quals{Limit: 5}, now, 7)
	require.NoError(t, err)
	require.Equal(t, 5, p.PageSize)
	var rows []Row
	require.NoError(t, Fetch(context.Background(), fake.ListInquiries, p, limitEmit(&rows, 5)))
	assert.Len(t, rows, 5)
	assert.Equal(t, 1, fake.requestCount())
	assert.Equal(t, 1, fake.calls[0].PageNum)
}

func TestFetchLimitStopsBeforeLaterFanOuts(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	q := Quals{Limit: 3, VendorItemID: [][]int64{{101, 102, 103}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}
	p, err := Build(q, now, 7)
	require.NoError(t, err)
	require.Greater(t, p.RequestCount(), 3)
	var rows []Row
	require.NoError(t, Fetch(context.Background(), fake.ListInquiries, p, limitEmit(&rows, 3)))
	assert.Len(t, rows, 3)
	require.Equal(t, 1, fake.requestCount(), "the first option ID's page had enough rows")
	assert.Equal(t, int64(101), fake.calls[0].VendorItemID)
}

func TestFetchLimitMovesOnWhenAWindowIsShort(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	// One option ID over the last days: the newest window has fewer rows than the limit, so the
	// fetch continues into the next window and stops there.
	q := Quals{Limit: 1000, VendorItemID: [][]int64{{104}}, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00"))}}
	p, err := Build(q, now, 7)
	require.NoError(t, err)
	first := len(fake.matching(p.Windows[0].Requests[0]))
	need := first + 1
	var rows []Row
	require.NoError(t, Fetch(context.Background(), fake.ListInquiries, p, limitEmit(&rows, need)))
	assert.Len(t, rows, need)
	assert.Equal(t, 2, fake.requestCount(), "one page per window: %+v", fake.calls)
}

func TestFetchDedupesAcrossOptionIDsAndPages(t *testing.T) {
	t.Parallel()
	at := kst("2026-01-10 10:00:00")
	both := api.Inquiry{InquiryID: 1, InquiryAt: at, VendorItemIDs: []int64{7, 8}}
	only8 := api.Inquiry{InquiryID: 2, InquiryAt: at, VendorItemIDs: []int64{8}}
	fake := &scripted{pages: map[int64][]*api.Page{
		7: {{Inquiries: []api.Inquiry{both}, Pagination: api.Pagination{TotalPages: 1, TotalElements: 1}}},
		// Page 2 repeats a row of page 1, as when a new inquiry shifts the pages.
		8: {{Inquiries: []api.Inquiry{both}, Pagination: api.Pagination{TotalPages: 2, TotalElements: 31}},
			{Inquiries: []api.Inquiry{both, only8}, Pagination: api.Pagination{TotalPages: 2, TotalElements: 31}}},
	}}
	for _, limit := range []int64{-1, 100} {
		fake.calls = nil
		p, err := Build(Quals{Limit: limit, VendorItemID: [][]int64{{8, 7}}}, now, 7)
		require.NoError(t, err)
		rows, err := collect(t, fake.ListInquiries, p)
		require.NoError(t, err)
		assert.Equal(t, []pair{{1, 7}, {1, 8}, {2, 8}}, pairsOf(t, rows), "limit %d", limit)
		assert.Len(t, fake.calls, 3)
	}
}

// scripted answers with canned pages per option ID.
type scripted struct {
	pages map[int64][]*api.Page
	mu    sync.Mutex
	calls []api.ListRequest
}

// ListInquiries answers like Coupang; the concurrent fetcher calls it from several goroutines.
func (s *scripted) ListInquiries(_ context.Context, req api.ListRequest) (*api.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, req)
	ps := s.pages[req.VendorItemID]
	if req.PageNum < 1 || req.PageNum > len(ps) {
		return nil, errors.New("scripted: page out of range")
	}
	return ps[req.PageNum-1], nil
}

func TestFetchRejectsMisbehavingAPI(t *testing.T) {
	t.Parallel()
	rows := func(n int) []api.Inquiry {
		out := make([]api.Inquiry, n)
		for i := range out {
			out[i] = api.Inquiry{InquiryID: int64(i + 1), InquiryAt: kst("2026-01-10 10:00:00"), VendorItemIDs: []int64{7}}
		}
		return out
	}
	cases := []struct {
		name string
		page *api.Page
		err  string
	}{
		{"more rows than pageSize", &api.Page{Inquiries: rows(31), Pagination: api.Pagination{TotalPages: 2, TotalElements: 31}}, "31 rows for pageSize "},
		{"one page too many", &api.Page{Inquiries: rows(3), Pagination: api.Pagination{TotalPages: 2, TotalElements: 3}}, "totalPages 2 for totalElements 3"},
		{"absurd totalPages", &api.Page{Inquiries: rows(3), Pagination: api.Pagination{TotalPages: 1 << 30, TotalElements: 3}}, "totalPages 1073741824 for totalElements 3"},
		{"absurd totals", &api.Page{Inquiries: rows(3), Pagination: api.Pagination{TotalPages: 1 << 30, TotalElements: 30 << 30}}, "totalPages 1073741824"},
		{"negative totals", &api.Page{Pagination: api.Pagination{TotalPages: -1}}, "negative totalPages"},
		{"rows without pagination", &api.Page{Inquiries: rows(3)}, "3 rows but totalPages 0"},
		{"no page", nil, "no page"},
	}
	for _, c := range cases {
		for _, limit := range []int64{-1, 10} {
			fake := &scripted{pages: map[int64][]*api.Page{7: {c.page}}}
			p, err := Build(Quals{Limit: limit, VendorItemID: [][]int64{{7}}}, now, 7)
			require.NoError(t, err)
			_, err = collect(t, fake.ListInquiries, p)
			require.ErrorIs(t, err, errBadPage, c.name)
			assert.ErrorContains(t, err, c.err)
			assert.ErrorContains(t, err, "no dates, vendorItemId 7, status NONE, page 1")
			assert.Len(t, fake.calls, 1, "no page beyond the bad one")
		}
	}
}

// TestFetchLaterPagesTotalsAreNotJudged: only page 1's totals decide the pages to read; a later
// page's rows are streamed whatever totals it shows, as long as totalElements has not changed.
func TestFetchLaterPagesTotalsAreNotJudged(t *testing.T) {
	t.Parallel()
	page := func(first, n int, pn api.Pagination) *api.Page {
		p := &api.Page{Pagination: pn}
		for i := range n {
			p.Inquiries = append(p.Inquiries, api.Inquiry{InquiryID: int64(first + i), InquiryAt: kst("2026-01-10 10:00:00"), VendorItemIDs: []int64{7}})
		}
		return p
	}
	fake := &scripted{pages: map[int64][]*api.Page{7: {page(1, 30, api.Pagination{TotalPages: 2, TotalElements: 31}),
		page(31, 1, api.Pagination{TotalElements: 31})}}} // page 2 without totalPages
	p, err := Build(Quals{Limit: -1, VendorItemID: [][]int64{{7}}}, now, 7)
	require.NoError(t, err)
	rows, err := collect(t, fake.ListInquiries, p)
	require.NoError(t, err)
	assert.Len(t, rows, 31)
}

// TestFetchReadsARequestToTheEndFirst: one page at a time, a started request's next page comes
// before the next request's first page, so that windows complete newest first.
func TestFetchReadsARequestToTheEndFirst(t *testing.T) {
	t.Parallel()
	at := kst("2026-01-10 10:00:00")
	fake := &scripted{pages: map[int64][]*api.Page{
		7: {{Inquiries: []api.Inquiry{{InquiryID: 1, InquiryAt: at, VendorItemIDs: []int64{7}}}, Pagination: api.Pagination{TotalPages: 2, TotalElements: 31}},
			{Inquiries: []api.Inquiry{{InquiryID: 2, InquiryAt: at, VendorItemIDs: []int64{7}}}, Pagination: api.Pagination{TotalPages: 2, TotalElements: 31}}},
		8: {{Pagination: api.Pagination{}}},
	}}
	p, err := Build(Quals{Limit: 1000, VendorItemID: [][]int64{{7, 8}}}, now, 7)
	require.NoError(t, err)
	_, err = collect(t, fake.ListInquiries, p)
	require.NoError(t, err)
	var got [][2]int64 // option ID, page
	for _, c := range fake.calls {
		got = append(got, [2]int64{c.VendorItemID, int64(c.PageNum)})
	}
	assert.Equal(t, [][2]int64{{7, 1}, {7, 2}, {8, 1}}, got)
}

func TestFetchTotalPagesZeroIsDone(t *testing.T) {
	t.Parallel()
	fake := &scripted{pages: map[int64][]*api.Page{7: {{Pagination: api.Pagination{}}}}}
	p, err := Build(Quals{Limit: -1, VendorItemID: [][]int64{{7}}}, now, 7)
	require.NoError(t, err)
	rows, err := collect(t, fake.ListInquiries, p)
	require.NoError(t, err)
	assert.Empty(t, rows)
	assert.Len(t, fake.calls, 1)
}

func TestFetchErrorMidway(t *testing.T) {
	t.Parallel()
	for _, limit := range []int64{-1, 100_000} {
		fake := newFake(t)
		fake.failAt = 4
		p, err := Build(Quals{Limit: limit, InquiryAt: []Bound{b(">=", kst("2025-11-01 00:00:00"))}}, now, 7)
		require.NoError(t, err)
		// Until it sees the failure, the fetcher has started its first requests (Workers, or one
		// if sequential) and one per answer it took; only the failAt-1 calls before the failing
		// one answer, the later ones being held: a fetcher that stops there makes at most bound calls.
		bound := fake.failAt - 1 + Workers
		if p.Sequential {
			bound = fake.failAt
		}
		fake.callsUpTo = bound
		returned := false
		err = Fetch(context.Background(), fake.ListInquiries, p, func(Row) bool {
			require.False(t, returned, "emit after Fetch returned")
			return true
		})
		returned = true
		require.ErrorIs(t, err, errFake, "limit %d", limit)
		assert.Regexp(t, `list inquiries \(\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d, status NONE, page \d+\): fake: HTTP 500`, err.Error())
		assert.Less(t, fake.requestCount(), fake.minimumRequests(p), "the rest was cancelled")
		assert.LessOrEqual(t, fake.requestCount(), bound, "limit %d: a request started after the failure came back", limit)
	}
}

// TestFetchErrorStopsRows checks that no row is emitted once a request has failed: the failing
// request is the only one, so no row may be emitted at all.
func TestFetchErrorStopsRows(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.failAt = 1
	p, err := Build(Quals{Limit: -1}, now, 7)
	require.NoError(t, err)
	rows, err := collect(t, fake.ListInquiries, p)
	require.ErrorIs(t, err, errFake)
	assert.Empty(t, rows)
}

// settleGoroutines waits until the goroutine count is back to base and returns it. A leaked
// goroutine never exits, while a busy machine slows exits down by any amount: so it gives up only
// when the test binary's -timeout is less than a minute away, never on a guess of the machine's speed.
func settleGoroutines(t *testing.T, base int) int {
	deadline, bounded := t.Deadline()
	n := runtime.NumGoroutine()
	for n > base && !(bounded && time.Until(deadline) < time.Minute) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func TestFetchCancellation(t *testing.T) {
	base := runtime.NumGoroutine()
	fake := newFake(t)
	fake.block = true
	fake.started = make(chan struct{}, 1000)
	p, err := Build(Quals{Limit: -1, InquiryAt: []Bound{b(">=", kst("2025-10-01 00:00:00"))}}, now, 7)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Fetch(ctx, fake.ListInquiries, p, func(Row) bool { return true }) }()
	for range Workers {
		<-fake.started // every worker is inside a request
	}
	cancel()
	err = <-done
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, Workers, fake.requestCount(), "no request after cancellation")
	assert.LessOrEqual(t, settleGoroutines(t, base), base, "goroutines leaked")
}

func TestFetchCancellationSequential(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := Build(Quals{Limit: 100_000, InquiryAt: []Bound{b(">=", kst("2025-10-01 00:00:00"))}}, now, 7)
	require.NoError(t, err)
	n := 0
	err = Fetch(ctx, fake.ListInquiries, p, func(Row) bool {
		if n++; n == 10 {
			cancel()
		}
		return true
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, fake.requestCount())
}

func TestFetchConsumerStopsConcurrentFetch(t *testing.T) {
	base := runtime.NumGoroutine()
	fake := newFake(t)
	p, err := Build(Quals{Limit: -1, InquiryAt: []Bound{b(">=", kst("2025-10-01 00:00:00"))}}, now, 7)
	require.NoError(t, err)
	var rows []Row
	require.NoError(t, Fetch(context.Background(), fake.ListInquiries, p, limitEmit(&rows, 40)))
	assert.Len(t, rows, 40)
	assert.Less(t, fake.requestCount(), fake.minimumRequests(p))
	assert.LessOrEqual(t, settleGoroutines(t, base), base, "goroutines leaked")
}

func TestFetchEmptyPlanMakesNoRequest(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	p, err := Build(Quals{Limit: -1, VendorItemID: [][]int64{{1}, {2}}}, now, 7)
	require.NoError(t, err)
	rows, err := collect(t, fake.ListInquiries, p)
	require.NoError(t, err)
	assert.Empty(t, rows)
	assert.Zero(t, fake.requestCount())
}

func TestDeduperForgetsSettledWindows(t *testing.T) {
	t.Parallel()
	d := deduper{seen: make([]map[pair]bool, 4), left: []int{1, 1, 1, 1}} // one page per window
	require.True(t, d.first(0, pair{1, 7}))
	require.False(t, d.first(0, pair{1, 7}))
	require.True(t, d.first(0, pair{1, 8}), "another option of the same inquiry is another row")
	require.False(t, d.first(1, pair{1, 7}), "a neighbour's row is a duplicate")
	require.True(t, d.first(2, pair{1, 7}), "windows two apart are disjoint")
	require.True(t, d.first(1, pair{2, 7}))
	require.False(t, d.first(0, pair{2, 7}), "so is the older neighbour's, read first")
	d.pageDone(0)
	assert.NotNil(t, d.seen[0], "window 1 may still repeat window 0's rows")
	d.pageDone(1)
	assert.Nil(t, d.seen[0])
	assert.NotNil(t, d.seen[1])
	d.pageDone(2)
	assert.Nil(t, d.seen[1])
	d.pageDone(3)
	assert.Equal(t, []map[pair]bool{nil, nil, nil, nil}, d.seen)
}

// An inquiry without inquiryAt can be placed in no time range: the fetch fails naming it rather
// than dropping it silently.
func TestFetchRejectsInquiryWithoutTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, api.KST)
	p, err := Build(Quals{Limit: -1}, now, 7)
	require.NoError(t, err)
	list := func(_ context.Context, req api.ListRequest) (*api.Page, error) {
		return &api.Page{
			Inquiries:  []api.Inquiry{{InquiryID: 77}},
			Pagination: api.Pagination{CurrentPage: 1, TotalPages: 1, TotalElements: 1, CountPerPage: req.PageSize},
		}, nil
	}
	emitted := 0
	err = Fetch(context.Background(), list, p, func(Row) bool { emitted++; return true })
	require.ErrorContains(t, err, "inquiry 77 has no inquiryAt")
	require.Zero(t, emitted)
}

// live is a listing that changes while it is read, like a seller's NO_ANSWER queue while agents
// answer it: newest first, paged as Coupang pages, with change run after the first answer (before
// every later one too if every is set).
type live struct {
	mu     sync.Mutex
	items  []api.Inquiry
	change func(items []api.Inquiry) []api.Inquiry
	every  bool
	calls  int
}

// listed is a listing of n inquiries about option 7, newest first, a minute apart.
func listed(n int) []api.Inquiry {
	out := make([]api.Inquiry, n)
	for i := range out {
		out[i] = api.Inquiry{InquiryID: int64(1000 - i), InquiryAt: kst("2026-01-10 10:00:00").Add(-time.Duration(i) * time.Minute),
			VendorItemIDs: []int64{7}}
	}
	return out
}

func (l *live) ListInquiries(_ context.Context, req api.ListRequest) (*api.Page, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls++; l.change != nil && (l.calls == 2 || l.every && l.calls > 2) {
		l.items = l.change(l.items)
	}
	from := min((req.PageNum-1)*req.PageSize, len(l.items))
	return &api.Page{Inquiries: l.items[from:min(from+req.PageSize, len(l.items))],
		Pagination: api.Pagination{TotalPages: (len(l.items) + req.PageSize - 1) / req.PageSize, TotalElements: len(l.items)}}, nil
}

// TestFetchListingThatShiftsIsReadAgain: an inquiry leaving the listing after page 1 moves the
// next one onto page 1, already read; one arriving moves the last one past the last page known.
// Either way the pages' totalElements disagree, and the listing is read again from page 1.
func TestFetchListingThatShiftsIsReadAgain(t *testing.T) {
	t.Parallel()
	newest := api.Inquiry{InquiryID: 5000, InquiryAt: kst("2026-01-10 11:00:00"), VendorItemIDs: []int64{7}}
	cases := map[string]func([]api.Inquiry) []api.Inquiry{
		"answered":  func(items []api.Inquiry) []api.Inquiry { return slices.Delete(slices.Clone(items), 2, 3) },
		"new":       func(items []api.Inquiry) []api.Inquiry { return slices.Insert(slices.Clone(items), 0, newest) },
		"unchanged": nil,
	}
	for name, change := range cases {
		for _, limit := range []int64{-1, 1000} {
			l := &live{items: listed(60), change: change}
			want := map[int64]bool{}
			for _, inq := range l.items[:2] {
				want[inq.InquiryID] = true
			}
			for _, inq := range l.items[3:] { // every inquiry listed from start to end
				want[inq.InquiryID] = true
			}
			p, err := Build(Quals{Limit: limit, VendorItemID: [][]int64{{7}}}, now, 7)
			require.NoError(t, err)
			rows, err := collect(t, l.ListInquiries, p)
			require.NoError(t, err)
			got := map[int64]bool{}
			for _, r := range rows {
				assert.False(t, got[r.Inquiry.InquiryID], "%s, limit %d: inquiry %d twice", name, limit, r.Inquiry.InquiryID)
				got[r.Inquiry.InquiryID] = true
			}
			for id := range want {
				assert.True(t, got[id], "%s, limit %d: inquiry %d lost", name, limit, id)
			}
			wantCalls := 2
			if change != nil {
				wantCalls = 2 + (len(l.items)+29)/30
			}
			assert.Equal(t, wantCalls, l.calls, "%s, limit %d: one pass, plus a second when the listing changed", name, limit)
		}
	}
}

// TestFetchShiftedPassAsksForNoMorePages: once a later page shows the shift, the pass's pages not
// yet asked for are skipped (a limit makes the fetch sequential, so none is in flight).
func TestFetchShiftedPassAsksForNoMorePages(t *testing.T) {
	t.Parallel()
	l := &live{items: listed(200), change: func(items []api.Inquiry) []api.Inquiry { return items[1:] }}
	p, err := Build(Quals{Limit: 1000, VendorItemID: [][]int64{{7}}}, now, 7)
	require.NoError(t, err)
	rows, err := collect(t, l.ListInquiries, p)
	require.NoError(t, err)
	assert.Len(t, rows, 200, "every inquiry, the one that left included (it was on page 1)")
	assert.Equal(t, 2+7, l.calls, "pages 1 and 2 of the first pass, then the 7 pages of 199")
}

// TestFetchListingThatNeverSettlesFails: a listing that changes between every two pages is read
// a bounded number of times, then fails rather than return rows that may have lost some.
func TestFetchListingThatNeverSettlesFails(t *testing.T) {
	t.Parallel()
	l := &live{items: listed(100), change: func(items []api.Inquiry) []api.Inquiry { return items[1:] }, every: true}
	p, err := Build(Quals{Limit: -1, VendorItemID: [][]int64{{7}}}, now, 7)
	require.NoError(t, err)
	_, err = collect(t, l.ListInquiries, p)
	require.ErrorIs(t, err, errShifted)
	assert.ErrorContains(t, err, "changed while it was read")
	assert.ErrorContains(t, err, "vendorItemId 7")
	// Read one page at a time, each pass stops at page 2: maxPasses passes of 2 calls.
	l = &live{items: listed(100), change: func(items []api.Inquiry) []api.Inquiry { return items[1:] }, every: true}
	p, err = Build(Quals{Limit: 1000, VendorItemID: [][]int64{{7}}}, now, 7)
	require.NoError(t, err)
	_, err = collect(t, l.ListInquiries, p)
	require.ErrorIs(t, err, errShifted)
	assert.Equal(t, 2*maxPasses, l.calls)
}

// bodyPage is a list body as Coupang would send it for option 7: ids inquiries (their content
// array, or content written as given when content is not ""), and the pagination block pn.
func bodyPage(t *testing.T, content string, ids []int, pn string) *api.Page {
	t.Helper()
	if content == "" {
		items := make([]string, len(ids))
		for i, id := range ids {
			items[i] = fmt.Sprintf(`{"inquiryId":%d,"inquiryAt":"2026-01-10 10:00:00","vendorItemId":[7]}`, id)
		}
		content = `"content":[` + strings.Join(items, ",") + `],`
	}
	pg, err := api.DecodeListResponse([]byte(`{"code":200,"message":"OK","data":{` + content + `"pagination":` + pn + `}}`))
	require.NoError(t, err)
	return pg
}

// idRange is first..first+n-1.
func idRange(first, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = first + i
	}
	return out
}

// TestFetchPageThatLosesRowsFails: the decoder reads a missing or null content as no rows, and
// the pagination block says how many rows a page holds: a page with no rows where its own totals
// put some, or a totalPages too small for totalElements, would end the listing short. Such a
// listing fails, rather than return fewer rows as a success; valid answers still pass.
func TestFetchPageThatLosesRowsFails(t *testing.T) {
	t.Parallel()
	pn := func(pages, total int) string {
		return fmt.Sprintf(`{"currentPage":1,"totalPages":%d,"totalElements":%d,"countPerPage":30}`, pages, total)
	}
	cases := []struct {
		name  string
		pages []*api.Page
		err   string // "" for a valid listing
		rows  int
	}{
		{"page 1 content null", []*api.Page{bodyPage(t, `"content":null,`, nil, pn(1, 5))}, "no rows on page 1 but totalElements 5", 0},
		{"page 1 content missing", []*api.Page{bodyPage(t, `"x":1,`, nil, pn(2, 40)), bodyPage(t, "", idRange(31, 10), pn(2, 40))},
			"no rows on page 1 but totalElements 40", 0},
		{"page 2 of 3 content null", []*api.Page{bodyPage(t, "", idRange(1, 30), pn(3, 70)), bodyPage(t, `"content":null,`, nil, pn(3, 70)),
			bodyPage(t, "", idRange(61, 10), pn(3, 70))}, "no rows on page 2 but totalElements 70", 0},
		{"totalPages too small", []*api.Page{bodyPage(t, "", idRange(1, 30), pn(1, 90))}, "totalPages 1 for totalElements 90 and pageSize 30", 0},
		{"totalPages one short", []*api.Page{bodyPage(t, "", idRange(1, 30), pn(1, 31))}, "totalPages 1 for totalElements 31 and pageSize 30", 0},
		{"valid: empty listing", []*api.Page{bodyPage(t, `"content":[],`, nil, pn(0, 0))}, "", 0},
		{"valid: empty listing of one page", []*api.Page{bodyPage(t, `"content":null,`, nil, pn(1, 0))}, "", 0},
		{"valid: last page partial", []*api.Page{bodyPage(t, "", idRange(1, 30), pn(2, 31)), bodyPage(t, "", idRange(31, 1), pn(2, 31))}, "", 31},
	}
	for _, c := range cases {
		for _, limit := range []int64{-1, 1000} {
			fake := &scripted{pages: map[int64][]*api.Page{7: c.pages}}
			p, err := Build(Quals{Limit: limit, VendorItemID: [][]int64{{7}}}, now, 7)
			require.NoError(t, err)
			rows, err := collect(t, fake.ListInquiries, p)
			if c.err == "" {
				require.NoError(t, err, c.name)
				assert.Len(t, rows, c.rows, c.name)
				continue
			}
			require.ErrorIs(t, err, errBadPage, "%s, limit %d: %d rows as success", c.name, limit, len(rows))
			assert.ErrorContains(t, err, c.err, c.name)
		}
	}
	// A later page left empty because the listing shrank shows a smaller totalElements: the listing
	// is read again, not refused.
	for _, limit := range []int64{-1, 1000} {
		l := &live{items: listed(31), change: func(items []api.Inquiry) []api.Inquiry { return items[1:] }}
		p, err := Build(Quals{Limit: limit, VendorItemID: [][]int64{{7}}}, now, 7)
		require.NoError(t, err)
		rows, err := collect(t, l.ListInquiries, p)
		require.NoError(t, err)
		assert.Len(t, rows, 31, "limit %d", limit)
		assert.Equal(t, 3, l.calls, "limit %d", limit)
	}
}
