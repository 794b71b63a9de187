package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"golang.org/x/time/rate"
)

// runInProcess starts the sandbox in this process with s's latency and a limit a quarter above
// s.rate (so the plugin meets it only if it breaks its own limit), runs s through the in-process
// plugin with the coupang_api limiter retuned to s.rate, and, with s.baseline, the hand-written
// script on the same data.
func (s scenario) runInProcess(ctx context.Context, res *result) error {
	res.sbLimit = math.Ceil(s.rate * 1.25)
	opts := s.data
	opts.Latency, opts.RateLimit = s.latency, res.sbLimit
	srv := sandbox.New(opts)
	base, stop, err := srv.Start()
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	defer stop()
	r, err := inprocess.New(ctx, "bench", srv.ConnectionHCL(base), inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: float32(s.rate), BucketSize: 1, Scope: []string{"connection"}}))
	if err != nil {
		return err
	}
	measure := map[string]func(context.Context, *inprocess.Runner, *sandbox.Server, *result, time.Time) error{
		"": s.list, "join": s.join, "latest": s.latest, "ids": s.idList}[s.kind]
	srv.ResetLog()
	before := srv.Requests()
	stopHeap := sampleHeap(5 * time.Millisecond)
	start := time.Now()
	err = measure(ctx, r, srv, res, start)
	res.wall = time.Since(start)
	res.heap = stopHeap()
	res.requests, res.n429 = int(srv.Requests()-before), count429(srv)
	if err != nil || !s.baseline {
		return err
	}
	time.Sleep(1100 * time.Millisecond) // let the sandbox's 1-second rate window empty
	res.baseline, err = handWritten(ctx, srv, base, s.rate, rangeOf(srv, s.days))
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}

// list scans s.table over s.days (or the hot option ID) with s.limit. Expected rows and the minimum
// requests come from the sandbox's data, without the plugin or the list endpoint.
func (s scenario) list(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result, _ time.Time) error {
	res.rowUnit = map[string]string{inquiryTable: "inquiries", replyTable: "replies", productTable: "questions"}[s.table]
	var qual inprocess.Qual
	if s.hot {
		id := srv.HotVendorItemID()
		qual = inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: id}
		res.query = fmt.Sprintf("vendor_item_id = %d", id)
		res.expected = srv.VendorItemCount(id)
		res.minimum = pages(res.expected, api.MaxPageSize)
	} else {
		ws := rangeOf(srv, s.days)
		lo := ws[len(ws)-1].start
		qual = inprocess.Qual{Column: "inquiry_at", Operator: ">=", Value: lo}
		res.query = fmt.Sprintf("inquiry_at >= '%s'", lo.Format(api.DateLayout))
		times, size := srv.InquiryTimes(), api.MaxPageSize
		if s.table == productTable {
			times, size = srv.ProductInquiryTimes(), api.MaxProductPageSize
		}
		counts := countIn(times, ws)
		res.expected, res.minimum = sum(counts), minimumRequests(counts, size)
		if s.limit > 0 {
			res.query += fmt.Sprintf(" limit %d", s.limit)
			res.expected, res.minimum = min(res.expected, int(s.limit)), limitMinimum(counts, int(s.limit))
		}
		if s.table == replyTable {
			res.expected = 0
			for _, inq := range srv.Inquiries() {
				if !inq.InquiryAt.Before(lo) {
					res.expected += len(inq.Replies)
				}
			}
		}
	}
	limit := s.limit
	if limit == 0 {
		limit = -1
	}
	// The bounds are the instants meant, as the export's are (no session TimeZone to allow for), and
	// the rows counted are what the expectation counts: distinct inquiries, replies or questions,
	// while the tables have one row per inquiry and option ID. A LIMIT counts rows, so under one the
	// rows themselves are counted.
	seen, n := map[string]bool{}, 0
	err := r.Query(coupang.WithExactTimes(ctx), inprocess.Query{Table: s.table, Quals: []inprocess.Qual{qual}, Limit: limit},
		func(row map[string]*proto.Column) error {
			seen[row["inquiry_id"].String()+"/"+row["answer_id"].String()+"/"+row["inquiry_comment_id"].String()] = true
			n++
			return nil
		})
	res.rows = len(seen)
	if s.limit > 0 {
		res.rows, res.rowUnit = n, "table rows"
	}
	return err
}

// join lists the inquiry table over the range, then scans the reply table once per outer row with
// `inquiry_id = X` (and, for ago, the same time quals), as Postgres's nested loop does. The
// minimum is the listing's requests; every inner scan costs one SDK token but no request.
func (s scenario) join(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result, _ time.Time) error {
	today := kstDay(srv.BuiltAt())
	lo, hi := today.AddDate(0, 0, -(s.days-1)), today.AddDate(0, 0, 1).Add(-time.Second)
	if s.ago > 0 {
		lo, hi = today.AddDate(0, 0, -s.ago), today.AddDate(0, 0, -s.ago+1).Add(-time.Second)
	}
	quals := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}, {Column: "inquiry_at", Operator: "<=", Value: hi}}
	res.query = fmt.Sprintf("i.inquiry_at between '%s' and '%s'", lo.Format(time.DateTime), hi.Format(time.DateTime))
	if s.ago > 0 {
		res.query += " and the same on r.inquiry_at"
	}
	// The Korean dates any session TimeZone's reading of the bounds may need (UTC-12..UTC+14).
	last := kstDay(hi.Add(12 * time.Hour))
	if last.After(today) {
		last = today
	}
	res.minimum = minimumRequests(countIn(srv.InquiryTimes(), windows(kstDay(lo.Add(-14*time.Hour)), last)), api.MaxPageSize)
	var outer []int64
	err := r.Query(ctx, inprocess.Query{Table: inquiryTable, Columns: []string{"inquiry_id", "inquiry_at"}, Quals: quals, Limit: -1},
		func(cols map[string]*proto.Column) error {
			at := cols["inquiry_at"].GetTimestampValue().AsTime()
			if !at.Before(lo) && !at.After(hi) { // Postgres's recheck
				outer = append(outer, cols["inquiry_id"].GetIntValue())
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, inq := range srv.Inquiries() {
		if !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi) {
			res.expected += len(inq.Replies) * max(1, len(inq.VendorItemIDs)) * max(1, len(inq.VendorItemIDs))
		}
	}
	inner := []inprocess.Qual{{Column: "inquiry_id", Operator: "="}}
	if s.ago > 0 {
		inner = append(inner, quals...)
	}
	for _, id := range outer {
		inner[0].Value = id
		err := r.Query(ctx, inprocess.Query{Table: replyTable, Columns: []string{"answer_id"}, Quals: inner, Limit: -1},
			func(map[string]*proto.Column) error { res.rows++; return nil })
		if err != nil {
			return err
		}
	}
	res.extraTokens = len(outer)
	return nil
}

// latest runs ORDER BY inquiry_at DESC LIMIT 5 pushed down, over s.days. The minimum is the pages
// of the newest window, which holds the five newest rows.
func (s scenario) latest(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result, _ time.Time) error {
	ws := rangeOf(srv, s.days)
	lo := ws[len(ws)-1].start
	res.query = fmt.Sprintf("inquiry_at >= '%s' order by inquiry_at desc limit 5", lo.Format(api.DateLayout))
	res.minimum, res.expected, res.limit = pages(countIn(srv.InquiryTimes(), ws[:1])[0], api.MaxPageSize), 5, 5
	var got []time.Time
	err := r.Query(ctx, inprocess.Query{Table: inquiryTable, Columns: []string{"inquiry_at"}, Limit: 5,
		Quals:     []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}},
		SortOrder: []*proto.SortColumn{{Column: "inquiry_at", Order: proto.SortOrder_Desc}}},
		func(cols map[string]*proto.Column) error {
			got = append(got, cols["inquiry_at"].GetTimestampValue().AsTime())
			return nil
		})
	res.rows = len(got)
	// The five newest rows: one per inquiry and option ID, newest inquiry first.
	all := slices.Clone(srv.Inquiries())
	slices.SortFunc(all, func(a, b sandbox.Inquiry) int { return b.InquiryAt.Compare(a.InquiryAt) })
	var newest []time.Time
	for _, inq := range all {
		for range max(1, len(inq.VendorItemIDs)) {
			newest = append(newest, inq.InquiryAt)
		}
		if len(newest) >= 5 {
			break
		}
	}
	if err == nil && !slices.EqualFunc(got, newest[:5], time.Time.Equal) {
		err = fmt.Errorf("rows %v, want the newest five %v", got, newest[:5])
	}
	return err
}

// idList runs `inquiry_id IN (...)` over the first s.ids inquiries, one duplicate added; the
// minimum is one request per distinct ID. It records when the first row arrived.
func (s scenario) idList(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result, start time.Time) error {
	all := srv.Inquiries()
	if len(all) < s.ids {
		return fmt.Errorf("the sandbox has %d inquiries, fewer than %d", len(all), s.ids)
	}
	ids := make([]int64, 0, s.ids+1)
	for _, inq := range all[:s.ids] {
		ids = append(ids, inq.InquiryID)
		res.expected += max(1, len(inq.VendorItemIDs))
	}
	ids = append(ids, ids[0]) // a duplicate: read once
	res.query = fmt.Sprintf("inquiry_id in (%d IDs, one repeated)", len(ids))
	res.minimum = s.ids
	return r.Query(ctx, inprocess.Query{Table: inquiryTable, Columns: []string{"inquiry_id"},
		Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: ids}}, Limit: -1},
		func(map[string]*proto.Column) error {
			if res.rows == 0 {
				res.firstRow = time.Since(start)
			}
			res.rows++
			return nil
		})
}

// handWritten is what a seller would write with our API client: the same 7-day windows, one after
// the other, pages 1..totalPages at the API's default page size of 10, one request at a time, paced
// to the same rate. It reads totalPages (the best a script can do), so it makes no wasted request
// beyond its smaller pages.
func handWritten(ctx context.Context, srv *sandbox.Server, base string, perSecond float64, ws []window) (*result, error) {
	client, err := api.New(api.Config{BaseURL: base, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey()})
	if err != nil {
		return nil, err
	}
	client = client.WithWait(rate.NewLimiter(rate.Limit(perSecond), 1).Wait)
	srv.ResetLog()
	before := srv.Requests()
	res := &result{}
	start := time.Now()
	for _, w := range ws {
		for page, total := 1, 1; page <= total; page++ {
			pg, err := client.ListInquiries(ctx, api.ListRequest{InquiryStartAt: w.start, InquiryEndAt: w.end,
				PartnerCounselingStatus: api.StatusNone, PageNum: page, PageSize: 10})
			if err != nil {
				return nil, err
			}
			res.rows += len(pg.Inquiries)
			total = pg.Pagination.TotalPages
		}
	}
	res.wall = time.Since(start)
	res.requests, res.n429 = int(srv.Requests()-before), count429(srv)
	return res, nil
}

// count429 counts the 429 answers in the sandbox's log.
func count429(srv *sandbox.Server) int {
	n := 0
	for _, rec := range srv.Log() {
		if rec.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// sampleHeap collects garbage, takes the bytes held by heap objects (live or not yet swept, read
// without stopping the world) as the baseline, and samples them every interval until the returned
// function is called; that returns the peak above the baseline.
func sampleHeap(interval time.Duration) func() uint64 {
	read := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for p := base; ; {
			select {
			case <-stop:
				peak <- max(p, read())
				return
			case <-t.C:
				p = max(p, read())
			}
		}
	}()
	return func() uint64 { close(stop); return <-peak - base }
}
