package query

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	if len(p.Windows) == 0 {
		return nil
	}
	if p.PageSize < 1 || p.PageSize > api.MaxPageSize {
		return fmt.Errorf("list inquiries: page size %d outside 1..%d", p.PageSize, api.MaxPageSize)
	}
	s := &streamer{plan: p, dd: newDeduper(len(p.Windows)), emit: emit}
	if p.Sequential {
		return s.sequential(ctx, l)
	}
	return s.concurrent(ctx, l)
}

// streamer filters, deduplicates and emits rows; it is used from one goroutine only.
type streamer struct {
	plan *Plan
	dd   *deduper
	emit func(Row) bool
}

// stream emits a page's matching rows and reports whether the consumer wants more.
func (s *streamer) stream(win int, pg *api.Page) bool {
	for _, inq := range pg.Inquiries {
		for _, row := range s.plan.Filter.Rows(inq, s.plan.Status) {
			if s.dd.first(win, pair{row.Inquiry.InquiryID, row.VendorItemID}) && !s.emit(row) {
				return false
			}
		}
	}
	return true
}

// sequential fetches window by window, request by request, page by page, so that a limit stops
// the fetch before any request it no longer needs (including later IN-list fan-outs).
func (s *streamer) sequential(ctx context.Context, l Lister) error {
	for wi, w := range s.plan.Windows {
		for _, req := range w.Requests {
			more, err := s.pages(ctx, l, wi, req)
			if err != nil || !more {
				return err
			}
		}
		s.dd.windowDone(wi)
	}
	return nil
}

// pages fetches one request's pages in order; more is false once the consumer is done.
func (s *streamer) pages(ctx context.Context, l Lister, wi int, req api.ListRequest) (more bool, err error) {
	for page, total := 1, 1; page <= total; page++ {
		pg, err := listPage(ctx, l, req, page)
		if err == nil {
			total, err = checkPage(req, page, total, pg)
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
func listPage(ctx context.Context, l Lister, req api.ListRequest, page int) (*api.Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, page), err)
	}
	req.PageNum = page
	pg, err := l.ListInquiries(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list inquiries (%s): %w", describe(req, page), err)
	}
	return pg, nil
}

// errBadPage marks an answer that contradicts Coupang's pagination rules.
var errBadPage = errors.New("inconsistent page from Coupang")

// checkPage validates a page and returns the number of pages to fetch for its request: taken
// from the first page (later pages cannot extend it, so a shifting total never loops) and capped
// by totalElements so an absurd totalPages is an error rather than a million requests.
func checkPage(req api.ListRequest, page, total int, pg *api.Page) (int, error) {
	bad := func(format string, args ...any) (int, error) {
		return 0, fmt.Errorf("list inquiries (%s): %w: %s", describe(req, page), errBadPage, fmt.Sprintf(format, args...))
	}
	if pg == nil {
		return bad("no page")
	}
	if len(pg.Inquiries) > req.PageSize {
		return bad("%d rows for pageSize %d", len(pg.Inquiries), req.PageSize)
	}
	// Without inquiryAt a row can be placed in no time range: fail loudly rather than drop it.
	for _, inq := range pg.Inquiries {
		if inq.InquiryAt.IsZero() {
			return bad("inquiry %d has no inquiryAt", inq.InquiryID)
		}
	}
	if page > 1 {
		return total, nil
	}
	pn := pg.Pagination
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
