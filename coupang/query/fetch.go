package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Workers bounds the requests in flight during an unlimited fetch. The Lister's rate limiter is the
// real throttle; this only keeps goroutines and buffered pages few.
const Workers = 8

// maxPagesPerRequest guards against a misbehaving API: 100,000 pages of 30 is three million
// inquiries in one 7-day window or option ID, far beyond any seller.
const maxPagesPerRequest = 100_000

// errBadPage marks an answer that contradicts Coupang's pagination rules.
var errBadPage = errors.New("inconsistent page from Coupang")

// Fetch runs the plan's requests and calls emit with every row that passes the filter, once per
// (inquiry ID, option ID) pair, from the calling goroutine only. emit returns false to stop (limit
// met, consumer done); Fetch then makes no further request and returns nil. Any failed request
// cancels the rest and returns an error naming the request: never nil after a failure.
func Fetch(ctx context.Context, l Lister, p *Plan, emit func(Row) bool) error {
	return fetch(ctx, p, api.MaxPageSize, source[api.Inquiry, Row]{
		list: func(ctx context.Context, req api.ListRequest) (*page[api.Inquiry], error) {
			pg, err := l.ListInquiries(ctx, req)
			if pg == nil {
				return nil, err
			}
			return &page[api.Inquiry]{pg.Inquiries, pg.Pagination}, err
		},
		inquiry: func(inq api.Inquiry) (int64, time.Time) { return inq.InquiryID, inq.InquiryAt },
		rows:    p.Filter.Rows,
		key:     func(r Row) pair { return pair{r.Inquiry.InquiryID, r.VendorItemID} },
	}, emit)
}

// FetchProductInquiries runs a plan built with Endpoint ProductQnA exactly as Fetch runs a
// call-center plan; only the request and the item differ.
func FetchProductInquiries(ctx context.Context, l ProductLister, p *Plan, emit func(ProductRow) bool) error {
	return fetch(ctx, p, api.MaxProductPageSize, source[api.ProductInquiry, ProductRow]{
		list: func(ctx context.Context, req api.ListRequest) (*page[api.ProductInquiry], error) {
			pg, err := l.ListProductInquiries(ctx, productRequest(req))
			if pg == nil {
				return nil, err
			}
			return &page[api.ProductInquiry]{pg.Inquiries, pg.Pagination}, err
		},
		inquiry: func(inq api.ProductInquiry) (int64, time.Time) { return inq.InquiryID, inq.InquiryAt },
		// inquiry_at is the one key column to check: the listing status (answered_type) is the
		// plan's own, and Coupang filters product Q&A by nothing else.
		rows: func(inq api.ProductInquiry) []ProductRow {
			if p.Filter.Certainty(inq.InquiryAt) == Rejected {
				return nil
			}
			return []ProductRow{{Inquiry: inq, AnsweredType: p.Filter.PartnerCounselingStatus}}
		},
		key: func(r ProductRow) pair { return pair{inquiry: r.Inquiry.InquiryID} },
	}, emit)
}

// productRequest is the product Q&A call of a planned request, which has no option or order ID.
func productRequest(req api.ListRequest) api.ProductInquiryRequest {
	return api.ProductInquiryRequest{InquiryStartAt: req.InquiryStartAt, InquiryEndAt: req.InquiryEndAt,
		AnsweredType: req.PartnerCounselingStatus, PageNum: req.PageNum, PageSize: req.PageSize}
}

// source is one list endpoint as the fetcher sees it: T is its item, R the row streamed.
type source[T, R any] struct {
	// list fetches one page; a nil page with a nil error is a bad answer.
	list    func(ctx context.Context, req api.ListRequest) (*page[T], error)
	inquiry func(T) (id int64, at time.Time)
	rows    func(T) []R // the rows of an item that pass the plan's filter
	key     func(R) pair
}

// page is one answer of a list endpoint.
type page[T any] struct {
	items []T
	api.Pagination
}

// job is page `page` of a request of window win; last is the request's last page, once known.
type job struct {
	win        int
	req        api.ListRequest
	page, last int
}

// fetch fetches every request's first page, then each request's remaining pages as soon as its
// totalPages is known, with at most Workers requests in flight. The remaining pages of requests
// already started go before new first pages, so windows complete roughly newest first and the
// deduper can forget them early (the rate limiter sets throughput either way; this order keeps
// memory flat). A Sequential plan has one request in flight and makes the next only after
// streaming the last, so a limit stops the fetch before any request it no longer needs (later
// IN-list fan-outs included). Rows are filtered, deduplicated and streamed on the caller's
// goroutine. maxPageSize is the endpoint's largest pageSize.
func fetch[T, R any](ctx context.Context, p *Plan, maxPageSize int, src source[T, R], emit func(R) bool) error {
	if len(p.Windows) == 0 {
		return nil
	}
	if p.PageSize < 1 || p.PageSize > maxPageSize {
		return fmt.Errorf("list inquiries: page size %d outside 1..%d", p.PageSize, maxPageSize)
	}
	type result struct {
		job
		pg  *page[T]
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan result, Workers) // sends never block: at most Workers are in flight
	var wg sync.WaitGroup
	defer func() {
		cancel() // stop the requests in flight and wait for them, so none outlives the fetch
		wg.Wait()
	}()
	dd := deduper{seen: make([]map[pair]bool, len(p.Windows)), left: make([]int, len(p.Windows))}
	var firsts, started []job // started: requests with pages left, the next one in page
	for wi, w := range p.Windows {
		for _, req := range w.Requests {
			firsts = append(firsts, job{win: wi, req: req, page: 1})
		}
		dd.left[wi] = len(w.Requests)
	}
	for inFlight := 0; ; {
		for ; inFlight < Workers && (!p.Sequential || inFlight == 0) && len(firsts)+len(started) > 0; inFlight++ {
			var j job
			if len(started) > 0 {
				if j = started[0]; j.page == j.last {
					started = started[1:]
				} else {
					started[0].page++
				}
			} else {
				j, firsts = firsts[0], firsts[1:]
			}
			wg.Go(func() {
				r, req := result{job: j}, j.req
				req.PageNum = j.page
				if r.err = ctx.Err(); r.err == nil {
					r.pg, r.err = src.list(ctx, req)
				}
				if r.err != nil {
					r.err = fmt.Errorf("list inquiries (%s): %w", describe(j), r.err)
				}
				results <- r
			})
		}
		if inFlight == 0 {
			return nil
		}
		var r result
		select {
		case r = <-results:
			inFlight--
		case <-ctx.Done():
			return fmt.Errorf("list inquiries: %w", ctx.Err())
		}
		if r.err != nil {
			return r.err
		}
		if err := src.check(r.job, r.pg); err != nil {
			return err
		}
		if r.page == 1 && r.pg.TotalPages >= 2 {
			started = append(started, job{win: r.win, req: r.req, page: 2, last: r.pg.TotalPages})
			dd.left[r.win] += r.pg.TotalPages - 1
		}
		for _, item := range r.pg.items {
			for _, row := range src.rows(item) {
				if dd.first(r.win, src.key(row)) && !emit(row) {
					return nil
				}
			}
		}
		dd.pageDone(r.win)
	}
}

// check validates a page. A first page's totalPages sets the pages fetched for its request (later
// pages cannot extend it, so a shifting total never loops), capped by totalElements so that an
// absurd totalPages is an error rather than a million requests.
func (src source[T, R]) check(j job, pg *page[T]) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("list inquiries (%s): %w: %s", describe(j), errBadPage, fmt.Sprintf(format, args...))
	}
	if pg == nil {
		return bad("no page")
	}
	if len(pg.items) > j.req.PageSize {
		return bad("%d rows for pageSize %d", len(pg.items), j.req.PageSize)
	}
	// Without inquiryAt a row can be placed in no time range: fail loudly rather than drop it.
	for _, item := range pg.items {
		if id, at := src.inquiry(item); at.IsZero() {
			return bad("inquiry %d has no inquiryAt", id)
		}
	}
	switch pn := pg.Pagination; {
	case j.page > 1:
	case pn.TotalPages < 0 || pn.TotalElements < 0:
		return bad("negative totalPages %d or totalElements %d", pn.TotalPages, pn.TotalElements)
	case pn.TotalPages > pn.TotalElements/j.req.PageSize+1 || pn.TotalPages > maxPagesPerRequest:
		return bad("totalPages %d for totalElements %d and pageSize %d", pn.TotalPages, pn.TotalElements, j.req.PageSize)
	}
	return nil
}

// describe names a job's request for error messages (never credentials: requests carry none).
func describe(j job) string {
	s := "no dates"
	if r := j.req; !r.InquiryStartAt.IsZero() {
		s = r.InquiryStartAt.Format(api.DateLayout) + ".." + r.InquiryEndAt.Format(api.DateLayout)
	}
	if j.req.VendorItemID != 0 {
		s += fmt.Sprintf(", vendorItemId %d", j.req.VendorItemID)
	}
	if j.req.OrderID != 0 {
		s += fmt.Sprintf(", orderId %d", j.req.OrderID)
	}
	return s + fmt.Sprintf(", status %s, page %d", j.req.PartnerCounselingStatus, j.page)
}

// pair is a row's identity: an inquiry and one of its option IDs (0 for none).
type pair struct{ inquiry, option int64 }

// deduper remembers the pairs streamed, per window, and forgets a window's once the window and
// both its neighbours are complete. That is enough: windows are disjoint Korean date ranges and an
// inquiry has one inquiryAt, so Coupang returns it in one window; duplicates come from that window
// (IN fan-outs listing an inquiry under several of its options, rows shifting between pages), and
// the neighbours' sets cover an inquiry near midnight that Coupang might date differently from us.
// Memory is thus about three windows' rows, not the whole range's, so a long export stays flat.
type deduper struct {
	seen []map[pair]bool // per window; nil once forgotten
	left []int           // per window, the pages not yet streamed, as far as known
}

// first reports whether id is new for window w and its neighbours, and records it under w.
func (d *deduper) first(w int, id pair) bool {
	for i := max(0, w-1); i <= min(len(d.seen)-1, w+1); i++ {
		if d.seen[i][id] {
			return false
		}
	}
	if d.seen[w] == nil {
		d.seen[w] = map[pair]bool{}
	}
	d.seen[w][id] = true
	return true
}

// pageDone counts a streamed page of window w, forgetting the sets no longer needed.
func (d *deduper) pageDone(w int) {
	d.left[w]--
	for i := max(0, w-1); i <= min(len(d.left)-1, w+1); i++ {
		if !slices.ContainsFunc(d.left[max(0, i-1):min(len(d.left), i+2)], func(n int) bool { return n > 0 }) {
			d.seen[i] = nil
		}
	}
}
