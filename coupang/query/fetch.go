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

// Workers bounds the requests in flight of an unlimited fetch; the client's rate limiter is the throttle.
const Workers = 8

// maxPagesPerRequest guards against a misbehaving API: no seller has 3 million inquiries a week.
const maxPagesPerRequest = 100_000

// maxPasses bounds how often one request is listed from page 1 while its pages keep disagreeing.
const maxPasses = 3

var (
	errBadPage = errors.New("inconsistent page from Coupang")
	errShifted = errors.New("Coupang's listing changed while it was read")
)

// Fetch runs the plan's requests through list (api.Client.ListInquiries) and calls emit, on the calling
// goroutine, once per (inquiry ID, option ID) row that passes the filter. When emit returns false it
// makes no further request and returns nil; a failed request cancels the rest and its error is returned.
func Fetch(ctx context.Context, list func(context.Context, api.ListRequest) (*api.Page, error), p *Plan,
	emit func(Row) bool) error {
	return fetch(ctx, p, source[api.Inquiry, Row]{
		list:    list,
		inquiry: func(inq api.Inquiry) (int64, time.Time) { return inq.InquiryID, inq.InquiryAt },
		rows:    p.Filter.Rows,
		key:     func(r Row) pair { return pair{r.Inquiry.InquiryID, r.VendorItemID} },
	}, emit)
}

// FetchProductInquiries runs a plan built for ProductQnA through list
// (api.Client.ListProductInquiries) exactly as Fetch runs a call-center plan.
func FetchProductInquiries(ctx context.Context,
	list func(context.Context, api.ProductInquiryRequest) (*api.ProductInquiryPage, error),
	p *Plan, emit func(ProductRow) bool) error {
	return fetch(ctx, p, source[api.ProductInquiry, ProductRow]{
		list: func(ctx context.Context, req api.ListRequest) (*api.ProductInquiryPage, error) {
			return list(ctx, productRequest(req))
		},
		inquiry: func(inq api.ProductInquiry) (int64, time.Time) { return inq.InquiryID, inq.InquiryAt },
		// inquiry_at is the one key column to check: answered_type is the plan's own.
		rows: func(inq api.ProductInquiry) []ProductRow {
			if p.Filter.Certainty(inq.InquiryAt) == Rejected {
				return nil
			}
			return []ProductRow{{Inquiry: inq, AnsweredType: p.Filter.PartnerCounselingStatus}}
		},
		key: func(r ProductRow) pair { return pair{inquiry: r.Inquiry.InquiryID} },
	}, emit)
}

// productRequest is the product Q&A call of a planned request (which has no option or order ID).
func productRequest(req api.ListRequest) api.ProductInquiryRequest {
	return api.ProductInquiryRequest{InquiryStartAt: req.InquiryStartAt, InquiryEndAt: req.InquiryEndAt,
		AnsweredType: req.PartnerCounselingStatus, PageNum: req.PageNum, PageSize: req.PageSize}
}

// source is one list endpoint as the fetcher sees it: T is its item, R the row streamed.
type source[T, R any] struct {
	list    func(ctx context.Context, req api.ListRequest) (*api.ListPage[T], error) // nil, nil: a bad answer
	inquiry func(T) (id int64, at time.Time)
	rows    func(T) []R // the rows of an item that pass the plan's filter
	key     func(R) pair
}

// job is page req.PageNum of a request of window win, read in pass.
type job struct {
	win  int
	req  api.ListRequest
	pass *pass
}

// pass is one reading of a request's pages. Coupang pages a live listing: an inquiry answered or
// arriving between two pages shifts the rest by one, past a page already read or past the last
// page known, and the pages' totalElements then disagree. Such a pass is read again from page 1.
type pass struct {
	n       int            // 1 for the first reading
	page1   api.Pagination // page 1's, once read: the last page, and the total later pages must match
	shifted bool
}

// jobs are the pages still to ask for. A started request's next page goes before a new first
// page, so that windows complete roughly newest first and the deduper forgets them early.
type jobs struct{ firsts, started []job }

func (q *jobs) next() (j job, ok bool) {
	switch {
	case len(q.started) > 0:
		j = q.started[0]
		if j.req.PageNum == j.pass.page1.TotalPages {
			q.started = q.started[1:]
		} else {
			q.started[0].req.PageNum++
		}
	case len(q.firsts) > 0:
		j, q.firsts = q.firsts[0], q.firsts[1:]
	default:
		return job{}, false
	}
	return j, true
}

// fetch asks for every request's first page, then its other pages once totalPages is known, in the
// order of jobs.next, with at most Workers in flight (one for a Sequential plan: a limit stops it early).
func fetch[T, R any](ctx context.Context, p *Plan, src source[T, R], emit func(R) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan result[T], Workers) // sends never block: at most Workers are in flight
	var wg sync.WaitGroup
	defer func() {
		cancel() // no request outlives the fetch
		wg.Wait()
	}()
	dd := deduper{seen: make([]map[pair]bool, len(p.Windows)), left: make([]int, len(p.Windows))}
	var todo jobs
	for wi, w := range p.Windows {
		for _, req := range w.Requests {
			req.PageNum = 1
			todo.firsts = append(todo.firsts, job{win: wi, req: req, pass: &pass{n: 1}})
		}
		dd.left[wi] = len(w.Requests)
	}
	for inFlight := 0; ; {
		for inFlight < Workers && (!p.Sequential || inFlight == 0) {
			j, ok := todo.next()
			if !ok {
				break
			}
			if j.pass.shifted { // its pass is being read again from page 1
				dd.pageDone(j.win)
				continue
			}
			inFlight++
			wg.Go(func() { results <- src.ask(ctx, j) })
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
		if next, total := r.job, r.pg.Pagination.TotalPages; next.req.PageNum == 1 && total >= 2 {
			next.req.PageNum, next.pass.page1 = 2, r.pg.Pagination
			todo.started = append(todo.started, next)
			dd.left[r.win] += total - 1
		} else if again, err := r.readAgain(); err != nil {
			return err
		} else if again != nil {
			todo.firsts = append([]job{*again}, todo.firsts...)
			dd.left[r.win]++
		}
		for _, item := range r.pg.Inquiries {
			for _, row := range src.rows(item) {
				if dd.first(r.win, src.key(row)) && !emit(row) {
					return nil
				}
			}
		}
		dd.pageDone(r.win)
	}
}

type result[T any] struct {
	job
	pg  *api.ListPage[T]
	err error
}

// readAgain is page 1 of the next pass when this later page shows that the pass shifted: its rows
// are streamed all the same (they are real), and the deduper drops those read twice.
func (r result[T]) readAgain() (*job, error) {
	p := r.pass
	if r.req.PageNum == 1 || p.shifted || r.pg.Pagination.TotalElements == p.page1.TotalElements {
		return nil, nil
	}
	if p.shifted = true; p.n == maxPasses {
		return nil, fmt.Errorf("list inquiries (%s): %w (totalElements %d on page 1, %d on page %d), %d times in a row: run the query again, or narrow its inquiry_at range",
			describe(r.req), errShifted, p.page1.TotalElements, r.pg.Pagination.TotalElements, r.req.PageNum, maxPasses)
	}
	again := r.job
	again.req.PageNum, again.pass = 1, &pass{n: p.n + 1}
	return &again, nil
}

// ask makes the job's request, unless the fetch was cancelled, and checks the page.
func (src source[T, R]) ask(ctx context.Context, j job) result[T] {
	r := result[T]{job: j, err: ctx.Err()}
	if j.pass.n > 1 {
		ctx = api.Fresh(ctx)
	}
	if r.err == nil {
		r.pg, r.err = src.list(ctx, j.req)
	}
	if r.err == nil {
		r.err = src.check(j, r.pg)
	}
	if r.err != nil {
		r.err = fmt.Errorf("list inquiries (%s): %w", describe(j.req), r.err)
	}
	return r
}

// check validates a page. Only a first page's totalPages counts (a shifting total never loops),
// and it must fit totalElements: an absurd one is an error, not a million requests.
func (src source[T, R]) check(j job, pg *api.ListPage[T]) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", errBadPage, fmt.Sprintf(format, args...))
	}
	if pg == nil {
		return bad("no page")
	}
	if len(pg.Inquiries) > j.req.PageSize {
		return bad("%d rows for pageSize %d", len(pg.Inquiries), j.req.PageSize)
	}
	// Without inquiryAt a row can be placed in no time range: fail loudly rather than drop it.
	for _, item := range pg.Inquiries {
		if id, at := src.inquiry(item); at.IsZero() {
			return bad("inquiry %d has no inquiryAt", id)
		}
	}
	// A missing or null content reads as no rows: none where the totals put some (on a later page, only
	// while they are page 1's, else the listing shifted: see readAgain) would lose them.
	pn := pg.Pagination
	if len(pg.Inquiries) == 0 && pn.TotalElements > (j.req.PageNum-1)*j.req.PageSize &&
		(j.req.PageNum == 1 || pn.TotalElements == j.pass.page1.TotalElements) {
		return bad("no rows on page %d but totalElements %d for pageSize %d", j.req.PageNum, pn.TotalElements, j.req.PageSize)
	}
	if j.req.PageNum > 1 {
		return nil
	}
	switch {
	case pn.TotalPages < 0 || pn.TotalElements < 0:
		return bad("negative totalPages %d or totalElements %d", pn.TotalPages, pn.TotalElements)
	case pn.TotalPages == 0 && len(pg.Inquiries) > 0: // a missing pagination block: later pages would be lost
		return bad("%d rows but totalPages 0", len(pg.Inquiries))
	// Coupang's totalPages is ceil(totalElements / countPerPage), and its pages are no bigger than
	// pageSize: fewer pages than that would end the listing early, more would ask for nothing.
	case pn.TotalPages < pn.TotalElements/j.req.PageSize+min(1, pn.TotalElements%j.req.PageSize) ||
		pn.TotalPages > pn.TotalElements/j.req.PageSize+1 || pn.TotalPages > maxPagesPerRequest:
		return bad("totalPages %d for totalElements %d and pageSize %d", pn.TotalPages, pn.TotalElements, j.req.PageSize)
	}
	return nil
}

// describe names a request for error messages.
func describe(r api.ListRequest) string {
	s := "no dates"
	if !r.InquiryStartAt.IsZero() {
		s = r.InquiryStartAt.Format(api.DateLayout) + ".." + r.InquiryEndAt.Format(api.DateLayout)
	}
	if r.VendorItemID != 0 {
		s += fmt.Sprintf(", vendorItemId %d", r.VendorItemID)
	}
	if r.OrderID != 0 {
		s += fmt.Sprintf(", orderId %d", r.OrderID)
	}
	return s + fmt.Sprintf(", status %s, page %d", r.PartnerCounselingStatus, r.PageNum)
}

// pair is a row's identity: an inquiry and one of its option IDs (0 for none).
type pair struct{ inquiry, option int64 }

// deduper remembers the pairs streamed per window until it and both its neighbours are complete:
// windows are disjoint dates, so duplicates (IN fan-outs, rows shifting between pages) come from one
// window, or from a neighbour for an inquiry near midnight that Coupang dates differently.
type deduper struct {
	seen []map[pair]bool // per window; nil once forgotten
	left []int           // per window, the pages not yet streamed as far as known
}

// first reports whether id is new for window w and its neighbours, and records it under w.
func (d *deduper) first(w int, id pair) bool {
	if slices.ContainsFunc(d.seen[max(0, w-1):min(len(d.seen), w+2)], func(seen map[pair]bool) bool { return seen[id] }) {
		return false
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
