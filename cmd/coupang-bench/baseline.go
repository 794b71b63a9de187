package main

import (
	"context"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// baselinePageSize is the API's default page size, which a hand-written script keeps.
const baselinePageSize = 10

// handWritten is what a seller would write with our API client: the same 7-day windows, one after
// the other, pages 1..totalPages at the default page size of 10, one request at a time, paced to
// the same rate. It reads totalPages (the best a script can do), so it makes no wasted request
// beyond its smaller pages.
func handWritten(ctx context.Context, srv *sandbox.Server, base string, rate float64, ws []window) (*baselineResult, error) {
	pace := &pacer{every: time.Duration(float64(time.Second) / rate)}
	client, err := api.New(api.Config{BaseURL: base, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey()})
	if err != nil {
		return nil, err
	}
	client = client.WithWait(pace.wait)
	srv.ResetLog()
	before := srv.Requests()
	res := &baselineResult{}
	start := time.Now()
	for _, w := range ws {
		n, err := listWindow(ctx, client, w)
		if err != nil {
			return nil, err
		}
		res.rows += n
	}
	res.wall = time.Since(start)
	res.requests = int(srv.Requests() - before)
	res.n429 = count429(srv)
	return res, nil
}

// listWindow reads one window's pages and returns its row count.
func listWindow(ctx context.Context, c *api.Client, w window) (int, error) {
	rows := 0
	for page := 1; ; page++ {
		pg, err := c.ListInquiries(ctx, api.ListRequest{InquiryStartAt: w.start, InquiryEndAt: w.end,
			PartnerCounselingStatus: api.StatusNone, PageNum: page, PageSize: baselinePageSize})
		if err != nil {
			return rows, err
		}
		rows += len(pg.Inquiries)
		if page >= pg.Pagination.TotalPages {
			return rows, nil
		}
	}
}

// pacer spaces calls at least every apart, like a script sleeping between requests.
type pacer struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
}

// wait blocks until the next call is allowed.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := now
	if p.next.After(now) {
		at = p.next
	}
	p.next = at.Add(p.every)
	p.mu.Unlock()
	t := time.NewTimer(at.Sub(now))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
