package query

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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

	// failAt makes the n-th call (1-based) fail; block makes calls wait for their context.
	failAt int
	block  bool
	// started receives a value when a call starts, if not nil.
	started chan struct{}

	mu    sync.Mutex
	calls []api.ListRequest
}

var errFake = errors.New("fake: HTTP 500")

// ListInquiries implements Lister.
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
		d := dateOf(inq.InquiryAt)
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
	f := &fakeAPI{t: t, now: now, transfer: map[int64]bool{}}
	start := kst("2025-10-01 00:00:00")
	span := now.Sub(start)
	for i := range 1500 {
		at := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
		switch i % 50 {
		case 0:
			at = dateOf(at)
		case 1:
			at = dateOf(at).Add(-time.Second)
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

// expected computes a query's rows from the data set directly from the SQL quals, independently
// of the planner: lo and hi (inclusive dates, zero for none) stand for the lookback the contract
// applies when the quals have no lower bound and no option ID.
func (f *fakeAPI) expected(q Quals, lo, hi time.Time) []int64 {
	ids := []int64{}
	for _, inq := range f.data {
		if f.expectedMatch(q, inq) && (lo.IsZero() || !dateOf(inq.InquiryAt).Before(lo)) &&
			(hi.IsZero() || !dateOf(inq.InquiryAt).After(hi)) {
			ids = append(ids, inq.InquiryID)
		}
	}
	slices.Sort(ids)
	return ids
}

// expectedMatch applies every qual to one inquiry with SQL's meaning.
func (f *fakeAPI) expectedMatch(q Quals, inq api.Inquiry) bool {
	for _, b := range q.InquiryAt {
		if !b.admits(inq.InquiryAt) {
			return false
		}
	}
	for _, set := range q.VendorItemID {
		if !slices.ContainsFunc(inq.VendorItemIDs, func(id int64) bool { return slices.Contains(set, id) }) {
			return false
		}
	}
	for _, o := range q.OrderID {
		if inq.OrderID != o {
			return false
		}
	}
	for _, s := range q.PartnerCounselingStatus {
		if !f.hasStatus(inq, s) {
			return false
		}
	}
	for _, s := range q.InquiryStatus {
		if inq.InquiryStatus != s {
			return false
		}
	}
	for _, s := range q.CSPartnerCounselingStatus {
		if inq.CSPartnerCounselingStatus != s {
			return false
		}
	}
	return true
}
