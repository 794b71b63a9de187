package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// Fetch runs the plan's requests and calls emit with every row that passes the filter, once per
// (inquiry ID, option ID) pair, from the calling goroutine only. emit returns false to stop (limit met, consumer
// done); Fetch then makes no further request and returns nil. Any failed request cancels the rest
// and returns an error naming the request: never nil after a failure.
func Fetch(ctx context.Context, l Lister, p *Plan, emit func(Row) bool) error {
	return fetch(ctx, p, api.MaxPageSize, source[api.Inquiry, Row]{
		list: func(ctx context.Context, req api.ListRequest) (*page[api.Inquiry], error) {
			pg, err := l.ListInquiries(ctx, req)
			if err != nil || pg == nil {
				return nil, err
			}
			return &page[api.Inquiry]{items: pg.Inquiries, pn: pg.Pagination}, nil
		},
		id:   func(inq api.Inquiry) int64 { return inq.InquiryID },
		at:   func(inq api.Inquiry) time.Time { return inq.InquiryAt },
		rows: func(inq api.Inquiry) []Row { return p.Filter.Rows(inq) },
		key:  func(r Row) pair { return pair{r.Inquiry.InquiryID, r.VendorItemID} },
	}, emit)
}

// FetchProductInquiries runs a plan built with Endpoint ProductQnA, exactly as Fetch runs a
// call-center plan: the same windows, paging, concurrency, deduplication by inquiry ID, limits and
// errors; only the request and the item differ.
func FetchProductInquiries(ctx context.Context, l ProductLister, p *Plan, emit func(ProductRow) bool) error {
	return fetch(ctx, p, api.MaxProductPageSize, source[api.ProductInquiry, ProductRow]{
		list: func(ctx context.Context, req api.ListRequest) (*page[api.ProductInquiry], error) {
			pg, err := l.ListProductInquiries(ctx, ProductRequest(req))
			if err != nil || pg == nil {
				return nil, err
			}
			return &page[api.ProductInquiry]{items: pg.Inquiries, pn: pg.Pagination}, nil
		},
		id: func(inq api.ProductInquiry) int64 { return inq.InquiryID },
		at: func(inq api.ProductInquiry) time.Time { return inq.InquiryAt },
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

// ProductRequest is the product Q&A call of a planned request: its window, status (the
// answeredType) and page. The planner never sets an option or order ID for product Q&A.
func ProductRequest(req api.ListRequest) api.ProductInquiryRequest {
	return api.ProductInquiryRequest{
		InquiryStartAt: req.InquiryStartAt,
		InquiryEndAt:   req.InquiryEndAt,
		AnsweredType:   req.PartnerCounselingStatus,
		PageNum:        req.PageNum,
		PageSize:       req.PageSize,
	}
}

// source is one list endpoint as the fetcher sees it: T is the endpoint's item, R the row streamed.
// Windows, paging, concurrency, deduplication, limits and errors are the same for every endpoint.
type source[T, R any] struct {
	// list fetches one page; req.PageNum is set. A nil page with a nil error is a bad answer.
	list func(ctx context.Context, req api.ListRequest) (*page[T], error)
	// id and at are an item's inquiry ID and inquiry time.
	id func(T) int64
	at func(T) time.Time
	// rows are the rows of an item that pass the plan's filter.
	rows func(item T) []R
	// key is a row's identity, the deduplication key.
	key func(R) pair
}

// page is one answer of a list endpoint.
type page[T any] struct {
	items []T
	pn    api.Pagination
}

// fetch runs the plan through src; maxPageSize is the endpoint's largest pageSize.
func fetch[T, R any](ctx context.Context, p *Plan, maxPageSize int, src source[T, R], emit func(R) bool) error {
	if len(p.Windows) == 0 {
		return nil
	}
	if p.PageSize < 1 || p.PageSize > maxPageSize {
		return fmt.Errorf("list inquiries: page size %d outside 1..%d", p.PageSize, maxPageSize)
	}
	return src.run(ctx, p, emit)
}

// job is page `page` of a request of window win; last is the request's last page, once known.
type job struct {
	win        int
	req        api.ListRequest
	page, last int
}

// result is a worker's answer to a job.
type result[T any] struct {
	job
	pg  *page[T]
	err error
}

// run fetches every request's first page, then each request's remaining pages as soon as its
// totalPages is known, with at most Workers requests in flight. The remaining pages of requests
// already started go before new first pages, so windows complete roughly newest first and the
// deduper can forget them early (throughput is set by the rate limiter either way; this order
// keeps memory flat). A Sequential plan has one request in flight and dispatches the next only
// after streaming the last page, so that a limit stops the fetch before any request it no longer
// needs (including later IN-list fan-outs). Rows are filtered, deduplicated and streamed here, on the
// caller's goroutine.
func (src source[T, R]) run(ctx context.Context, p *Plan, emit func(R) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan result[T], Workers) // sends never block: at most Workers are in flight
	var wg sync.WaitGroup
	defer func() {
		// Stop the requests in flight and wait for them, so none outlives Fetch.
		cancel()
		wg.Wait()
	}()
	dd := newDeduper(len(p.Windows))
	var firsts, started []job           // started: requests with pages left, the next one in page
	left := make([]int, len(p.Windows)) // each window's pages not yet streamed, as far as known
	for wi, w := range p.Windows {
		for _, req := range w.Requests {
			firsts = append(firsts, job{win: wi, req: req, page: 1})
		}
		left[wi] = len(w.Requests)
	}
	inFlight := 0
	for {
		for inFlight < Workers && (!p.Sequential || inFlight == 0) {
			queue := &firsts
			if len(started) > 0 {
				queue = &started
			}
			if len(*queue) == 0 {
				break
			}
			j := (*queue)[0]
			if queue == &started && j.page < j.last {
				started[0].page++
			} else {
				*queue = (*queue)[1:]
			}
			inFlight++
			wg.Add(1)
			go func() {
				defer wg.Done()
				pg, err := src.listPage(ctx, j.req, j.page)
				results <- result[T]{job: j, pg: pg, err: err}
			}()
		}
		if inFlight == 0 {
			return nil
		}
		var r result[T]
		select {
		case r = <-results:
			inFlight--
		case <-ctx.Done():
			return fmt.Errorf("list inquiries: %w", ctx.Err())
		}
		if r.err != nil {
			return r.err
		}
		total, err := src.checkPage(r.req, r.page, r.pg)
		if err != nil {
			return err
		}
		if r.page == 1 && total >= 2 {
			started = append(started, job{win: r.win, req: r.req, page: 2, last: total})
			left[r.win] += total - 1
		}
		for _, item := range r.pg.items {
			for _, row := range src.rows(item) {
				if dd.first(r.win, src.key(row)) && !emit(row) {
					return nil
				}
			}
		}
		if left[r.win]--; left[r.win] == 0 {
			dd.windowDone(r.win)
		}
	}
}

// listPage makes one request, stopping first if the query was cancelled.
func (src source[T, R]) listPage(ctx context.Context, req api.ListRequest, n int) (*page[T], error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, n), err)
	}
	req.PageNum = n
	pg, err := src.list(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, n), err)
	}
	return pg, nil
}

// errBadPage marks an answer that contradicts Coupang's pagination rules.
var errBadPage = errors.New("inconsistent page from Coupang")

// checkPage validates a page and, for a first page, returns the number of pages to fetch for its
// request: taken from the first page only (later pages cannot extend it, so a shifting total
// never loops) and capped by totalElements so an absurd totalPages is an error rather than a
// million requests.
func (src source[T, R]) checkPage(req api.ListRequest, page int, pg *page[T]) (int, error) {
	bad := func(format string, args ...any) (int, error) {
		return 0, fmt.Errorf("list inquiries (%s): %w: %s", describe(req, page), errBadPage, fmt.Sprintf(format, args...))
	}
	if pg == nil {
		return bad("no page")
	}
	if len(pg.items) > req.PageSize {
		return bad("%d rows for pageSize %d", len(pg.items), req.PageSize)
	}
	// Without inquiryAt a row can be placed in no time range: fail loudly rather than drop it.
	for _, item := range pg.items {
		if src.at(item).IsZero() {
			return bad("inquiry %d has no inquiryAt", src.id(item))
		}
	}
	if page > 1 {
		return 0, nil
	}
	pn := pg.pn
	if pn.TotalPages < 0 || pn.TotalElements < 0 {
		return bad("negative totalPages %d or totalElements %d", pn.TotalPages, pn.TotalElements)
	}
	if limit := pn.TotalElements/req.PageSize + 1; pn.TotalPages > limit || pn.TotalPages > maxPagesPerRequest {
		return bad("totalPages %d for totalElements %d and pageSize %d", pn.TotalPages, pn.TotalElements, req.PageSize)
	}
	return pn.TotalPages, nil
}

// describe names a request for error messages (never credentials: requests carry none).
func describe(req api.ListRequest, page int) string {
	var b strings.Builder
	if req.InquiryStartAt.IsZero() {
		b.WriteString("no dates")
	} else {
		fmt.Fprintf(&b, "%s..%s", req.InquiryStartAt.Format(api.DateLayout), req.InquiryEndAt.Format(api.DateLayout))
	}
	if req.VendorItemID != 0 {
		fmt.Fprintf(&b, ", vendorItemId %d", req.VendorItemID)
	}
	if req.OrderID != 0 {
		fmt.Fprintf(&b, ", orderId %d", req.OrderID)
	}
	fmt.Fprintf(&b, ", status %s, page %d", req.PartnerCounselingStatus, page)
	return b.String()
}
