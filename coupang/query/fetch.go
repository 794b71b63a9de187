package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
		rows: func(inq api.Inquiry) []Row { return p.Filter.Rows(inq, p.Status) },
		key:  func(r Row) pair { return pair{r.Inquiry.InquiryID, r.VendorItemID} },
	}, emit)
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
	s := &streamer[T, R]{plan: p, src: src, dd: newDeduper(len(p.Windows)), emit: emit}
	if p.Sequential {
		return s.sequential(ctx)
	}
	return s.concurrent(ctx)
}

// streamer filters, deduplicates and emits rows; it is used from one goroutine only.
type streamer[T, R any] struct {
	plan *Plan
	src  source[T, R]
	dd   *deduper
	emit func(R) bool
}

// stream emits a page's matching rows and reports whether the consumer wants more.
func (s *streamer[T, R]) stream(win int, pg *page[T]) bool {
	for _, item := range pg.items {
		for _, row := range s.src.rows(item) {
			if s.dd.first(win, s.src.key(row)) && !s.emit(row) {
				return false
			}
		}
	}
	return true
}

// sequential fetches window by window, request by request, page by page, so that a limit stops
// the fetch before any request it no longer needs (including later IN-list fan-outs).
func (s *streamer[T, R]) sequential(ctx context.Context) error {
	for wi, w := range s.plan.Windows {
		for _, req := range w.Requests {
			more, err := s.pages(ctx, wi, req)
			if err != nil || !more {
				return err
			}
		}
		s.dd.windowDone(wi)
	}
	return nil
}

// pages fetches one request's pages in order; more is false once the consumer is done.
func (s *streamer[T, R]) pages(ctx context.Context, wi int, req api.ListRequest) (more bool, err error) {
	for n, total := 1, 1; n <= total; n++ {
		pg, err := s.listPage(ctx, req, n)
		if err == nil {
			total, err = s.checkPage(req, n, total, pg)
		}
		if err != nil {
			return false, err
		}
		if !s.stream(wi, pg) {
			return false, nil
		}
	}
	return true, nil
}

// listPage makes one request, stopping first if the query was cancelled.
func (s *streamer[T, R]) listPage(ctx context.Context, req api.ListRequest, n int) (*page[T], error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, n), err)
	}
	req.PageNum = n
	pg, err := s.src.list(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, n), err)
	}
	return pg, nil
}

// errBadPage marks an answer that contradicts Coupang's pagination rules.
var errBadPage = errors.New("inconsistent page from Coupang")

// checkPage validates a page and returns the number of pages to fetch for its request: taken
// from the first page (later pages cannot extend it, so a shifting total never loops) and capped
// by totalElements so an absurd totalPages is an error rather than a million requests.
func (s *streamer[T, R]) checkPage(req api.ListRequest, page, total int, pg *page[T]) (int, error) {
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
		if s.src.at(item).IsZero() {
			return bad("inquiry %d has no inquiryAt", s.src.id(item))
		}
	}
	if page > 1 {
		return total, nil
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
