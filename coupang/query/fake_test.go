package query

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// fakeAPI is a strict in-memory list endpoint: any request that breaks Coupang's rules fails the
// test (and gets an error back, as Coupang would answer 400).
type fakeAPI struct {
	t        testing.TB
	now      time.Time
	data     []api.Inquiry // newest first, as Coupang sorts
	transfer map[int64]bool

	// failAt makes the n-th call (1-based) fail, and holds every later call until its context ends,
	// as requests still in flight when the failure comes back: no later call can answer before the
	// fetcher has seen the failure, however the goroutines are scheduled. A call past callsUpTo
	// (when set), which only a fetcher that went on after the failure makes, releases the held
	// calls to answer normally, so that such a fetcher fails the test instead of hanging it. block
	// makes every call wait for its context.
	failAt, callsUpTo int
	block             bool
	released          chan struct{}
	release           sync.Once
	// started receives a value when a call starts, if not nil.
	started chan struct{}

	mu    sync.Mutex
	calls []api.ListRequest
}

var errFake = errors.New("fake: HTTP 500")

// ListInquiries answers a list request as Coupang would.
func (f *fakeAPI) ListInquiries(ctx context.Context, req api.ListRequest) (*api.Page, error) {
	f.mu.Lock()
	f.calls = append(f.calls, req)
	n := len(f.calls)
	f.mu.Unlock()
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if n == f.failAt {
		return nil, errFake
	}
	if f.failAt > 0 && n > f.failAt {
		if err := f.holdAfterFailure(ctx, n); err != nil {
			return nil, err
		}
	}
	rows := f.matching(req)
	total := (len(rows) + req.PageSize - 1) / max(1, req.PageSize)
	if err := validRequest(req, f.now, max(1, total)); err != nil || req.PageNum < 1 {
		f.t.Errorf("invalid request: %v (pageNum %d)", err, req.PageNum)
		return nil, fmt.Errorf("fake: HTTP 400: %v", err)
	}
	from := min(len(rows), (req.PageNum-1)*req.PageSize)
	to := min(len(rows), from+req.PageSize)
	return &api.Page{
		Inquiries:  slices.Clone(rows[from:to]),
		Pagination: api.Pagination{CurrentPage: req.PageNum, TotalPages: total, TotalElements: len(rows), CountPerPage: req.PageSize},
	}, nil
}

// holdAfterFailure holds call n, later than the failing one, until ctx ends or a call past
// callsUpTo has released the held calls.
func (f *fakeAPI) holdAfterFailure(ctx context.Context, n int) error {
	if f.callsUpTo > 0 && n > f.callsUpTo {
		f.release.Do(func() { close(f.released) })
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-f.released:
		return nil
	}
}

// matching is what Coupang answers to a request, ignoring paging.
func (f *fakeAPI) matching(req api.ListRequest) []api.Inquiry {
	var out []api.Inquiry
	for _, inq := range f.data {
		if f.selects(req, inq) {
			out = append(out, inq)
		}
	}
	return out
}

// selects applies a request's parameters to one inquiry.
func (f *fakeAPI) selects(req api.ListRequest, inq api.Inquiry) bool {
	if !req.InquiryStartAt.IsZero() {
		d := api.KoreanDate(inq.InquiryAt)
		if d.Before(req.InquiryStartAt) || d.After(req.InquiryEndAt) {
			return false
		}
	}
	if req.VendorItemID != 0 && !slices.Contains(inq.VendorItemIDs, req.VendorItemID) {
		return false
	}
	if req.OrderID != 0 && inq.OrderID != req.OrderID {
		return false
	}
	return f.hasStatus(inq, req.PartnerCounselingStatus)
}

// hasStatus is the fake's meaning of partnerCounselingStatus.
func (f *fakeAPI) hasStatus(inq api.Inquiry, status string) bool {
	switch status {
	case api.StatusAnswer:
		return inq.CSPartnerCounselingStatus == "answered"
	case api.StatusNoAnswer:
		return inq.CSPartnerCounselingStatus == "requestAnswer" && !f.transfer[inq.InquiryID]
	case api.StatusTransfer:
		return f.transfer[inq.InquiryID]
	}
	return true
}

// requestCount is the number of calls the fake received.
func (f *fakeAPI) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// minimumRequests is the sum over the plan's requests of max(1, ceil(rows/pageSize)).
func (f *fakeAPI) minimumRequests(p *Plan) int {
	n := 0
	for _, r := range p.Requests() {
		n += max(1, (len(f.matching(r))+p.PageSize-1)/p.PageSize)
	}
	return n
}

// newFake generates a deterministic data set: 1,500 inquiries from 2025-10-01 to now (KST), six
// option IDs (a fifth of the inquiries list two), a few order IDs, every status, and rows placed
// exactly on Korean midnights and at 23:59:59.
func newFake(t testing.TB) *fakeAPI {
	rng := rand.New(rand.NewPCG(3, 7))
	f := &fakeAPI{t: t, now: now, transfer: map[int64]bool{}, released: make(chan struct{})}
	start := kst("2025-10-01 00:00:00")
	span := now.Sub(start)
	for i := range 1500 {
		at := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
		switch i % 50 {
		case 0:
			at = api.KoreanDate(at)
		case 1:
			at = api.KoreanDate(at).Add(-time.Second)
		}
		ids := []int64{101 + rng.Int64N(6)}
		if rng.IntN(5) == 0 {
			ids = append(ids, 101+(ids[0]-101+1+rng.Int64N(5))%6)
		}
		inq := api.Inquiry{
			InquiryID:                 1_000_000 + int64(i),
			InquiryAt:                 at.In(api.KST),
			VendorItemIDs:             ids,
			InquiryStatus:             []string{"progress", "complete"}[rng.IntN(2)],
			CSPartnerCounselingStatus: []string{"requestAnswer", "answered"}[rng.IntN(2)],
		}
		if rng.IntN(3) > 0 {
			inq.OrderID = 30_000_000_000_000 + rng.Int64N(40)
		}
		if inq.CSPartnerCounselingStatus == "requestAnswer" && rng.IntN(4) == 0 {
			f.transfer[inq.InquiryID] = true
		}
		f.data = append(f.data, inq)
	}
	slices.SortFunc(f.data, func(a, b api.Inquiry) int { return b.InquiryAt.Compare(a.InquiryAt) })
	return f
}

// expected computes a query's rows, as (inquiry, option ID) pairs, from the data set directly
// from the SQL quals, independently of the planner, as Postgres would evaluate them in a session
// whose TimeZone is offset east of UTC while the plugin received the bounds as if UTC (so the
// true bound is the received one minus offset). lo and hi (inclusive dates, zero for none) stand
// for the lookback the contract applies when the quals have no lower bound and no option ID.
func (f *fakeAPI) expected(q Quals, lo, hi time.Time, offset time.Duration) []pair {
	var rows []Row
	for _, inq := range f.data {
		d := api.KoreanDate(inq.InquiryAt)
		if (!lo.IsZero() && d.Before(lo)) || (!hi.IsZero() && d.After(hi)) {
			continue
		}
		ids := slices.Compact(slices.Sorted(slices.Values(inq.VendorItemIDs)))
		if len(ids) == 0 {
			ids = []int64{0}
		}
		for _, id := range ids {
			rows = append(rows, Row{Inquiry: inq, VendorItemID: id, PartnerCounselingStatus: queryStatus(q)})
		}
	}
	return pairsOf(f.t, f.recheck(q, rows, offset))
}

// queryStatus is the partner_counseling_status rows are listed with.
func queryStatus(q Quals) string {
	if len(q.PartnerCounselingStatus) > 0 && len(q.PartnerCounselingStatus[0]) > 0 {
		return q.PartnerCounselingStatus[0][0]
	}
	return api.StatusNone
}

// recheck is Postgres' own recheck of every qual, in a session offset east of UTC: it returns the
// rows it keeps, in order.
func (f *fakeAPI) recheck(q Quals, rows []Row, offset time.Duration) []Row {
	var out []Row
	for _, r := range rows {
		if f.sqlKeeps(q, r, offset) {
			out = append(out, r)
		}
	}
	return out
}

// sqlKeeps applies every qual to one row with SQL's meaning.
func (f *fakeAPI) sqlKeeps(q Quals, r Row, offset time.Duration) bool {
	inq := r.Inquiry
	for _, b := range q.InquiryAt {
		if !(Bound{Op: b.Op, Value: b.Value.Add(-offset)}).admits(inq.InquiryAt) {
			return false
		}
	}
	for _, set := range q.VendorItemID {
		if r.VendorItemID == 0 || !slices.Contains(set, r.VendorItemID) {
			return false
		}
	}
	for _, set := range q.OrderID {
		if !slices.Contains(set, inq.OrderID) {
			return false
		}
	}
	for _, set := range q.PartnerCounselingStatus {
		if !slices.Contains(set, r.PartnerCounselingStatus) || !f.hasStatus(inq, r.PartnerCounselingStatus) {
			return false
		}
	}
	for _, set := range q.InquiryStatus {
		if !slices.ContainsFunc(set, func(s string) bool { return sameStatus(s, inq.InquiryStatus) }) {
			return false
		}
	}
	for _, set := range q.CSPartnerCounselingStatus {
		if !slices.ContainsFunc(set, func(s string) bool { return sameStatus(s, inq.CSPartnerCounselingStatus) }) {
			return false
		}
	}
	return true
}

// pairsOf returns the rows' (inquiry, option ID) pairs, sorted, failing on duplicates.
func pairsOf(t testing.TB, rows []Row) []pair {
	t.Helper()
	out := make([]pair, len(rows))
	for i, r := range rows {
		out[i] = pair{r.Inquiry.InquiryID, r.VendorItemID}
	}
	slices.SortFunc(out, func(a, b pair) int {
		if c := cmp.Compare(a.inquiry, b.inquiry); c != 0 {
			return c
		}
		return cmp.Compare(a.option, b.option)
	})
	if len(slices.Compact(slices.Clone(out))) != len(out) {
		t.Errorf("a pair was streamed twice: %v", out)
	}
	return out
}

// offsets are the session TimeZones the tests judge in: UTC-12, Los Angeles (UTC-8), UTC, Seoul
// and UTC+14.
var offsets = []time.Duration{-12 * time.Hour, -8 * time.Hour, 0, 9 * time.Hour, 14 * time.Hour}

// sameStatus is the oracle's own reading of the plugin's status match: case and trailing spaces
// aside, as the engines' case- and space-blind collations compare.
func sameStatus(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, " "), strings.TrimRight(b, " "))
}
