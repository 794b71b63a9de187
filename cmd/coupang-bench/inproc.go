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

// run starts the sandbox in this process and runs s against it: through the export binary, or
// through the in-process plugin with the coupang_api limiter retuned to s.rate (then, with
// s.baseline, the hand-written script on the same data). The sandbox's limit (429 above it) is a
// quarter above s.rate in-process, so the plugin meets it only if it breaks its own limit; s.rate,
// the seller's budget, for "procs"; none for "export".
func (s scenario) run(ctx context.Context, dir string, res *result) error {
	switch s.kind {
	case "export":
	case "procs":
		res.sbLimit = s.rate
	default:
		res.sbLimit = math.Ceil(s.rate * 1.25)
	}
	opts := s.data
	opts.Latency, opts.RateLimit = s.latency, res.sbLimit
	srv := sandbox.New(opts)
	base, stop, err := srv.Start()
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	defer stop()
	if s.kind == "export" || s.kind == "procs" {
		return s.runExports(ctx, dir, srv, base, res)
	}
	r, err := inprocess.New(ctx, "bench", srv.ConnectionHCL(base), inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: float32(s.rate), BucketSize: 1, Scope: []string{"connection"}}))
	if err != nil {
		return err
	}
	measure := s.query
	if s.kind == "join" {
		measure = s.join
	}
	if err := measure(ctx, r, srv, res); err != nil || !s.baseline {
		return err
	}
	time.Sleep(1100 * time.Millisecond) // let the sandbox's 1-second rate window empty
	res.baseline = &result{}
	if err := s.handWritten(ctx, srv, base, res.baseline); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}

// measured runs f and records in res its wall time, the requests and 429 answers the sandbox
// received meanwhile, and the peak of heapBytes (sampled every 5 ms) above its level after a GC.
// Expectations and checks stay outside it, out of the figures.
func measured(srv *sandbox.Server, res *result, f func() error) error {
	runtime.GC()
	base, peak := heapBytes(), make(chan uint64)
	go func() {
		tick := time.Tick(5 * time.Millisecond)
		for p := base; ; p = max(p, heapBytes()) {
			select {
			case peak <- p:
				return
			case <-tick:
			}
		}
	}()
	srv.ResetLog()
	before := srv.Requests()
	start := time.Now()
	err := f()
	res.wall = time.Since(start)
	res.mem = max(<-peak, heapBytes()) - base
	res.requests, res.n429 = int(srv.Requests()-before), count429(srv.Log())
	return err
}

// query runs the one query of s and counts its rows: distinct inquiries, replies or questions for a
// listing without a LIMIT (the tables have one row per inquiry and option ID; the expectation counts
// the former), the rows themselves otherwise.
func (s scenario) query(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result) error {
	q, err := s.plan(srv, res)
	if err != nil {
		return err
	}
	distinct := s.kind == "" && s.limit == 0
	if s.kind == "" {
		// The bounds are the instants meant, as the export's are (no session TimeZone to allow for).
		ctx = coupang.WithExactTimes(ctx)
		res.rowUnit = "table rows"
		if distinct {
			res.rowUnit = map[string]string{inquiryTable: "inquiries", replyTable: "replies", productTable: "questions"}[s.table]
		}
	}
	seen := map[[3]int64]bool{} // inquiry, reply and comment IDs (0 where the table has none)
	var got []time.Time
	err = measured(srv, res, func() error {
		start := time.Now()
		return r.Query(ctx, q, func(row map[string]*proto.Column) error {
			if res.rows == 0 && s.kind == "ids" {
				res.firstRow = time.Since(start)
			}
			res.rows++
			switch {
			case distinct:
				seen[[3]int64{row["inquiry_id"].GetIntValue(), row["answer_id"].GetIntValue(), row["inquiry_comment_id"].GetIntValue()}] = true
			case s.kind == "latest":
				got = append(got, row["inquiry_at"].GetTimestampValue().AsTime())
			}
			return nil
		})
	})
	if distinct {
		res.rows = len(seen)
	}
	if err != nil || s.kind != "latest" {
		return err
	}
	return newest5(srv, got)
}

// plan returns the query of s (`inquiry_id IN` the first s.ids, one repeated; the hot option ID; or
// a listing) and sets in res the rows expected and the fewest requests, from the sandbox's data
// without the plugin or the list endpoint.
func (s scenario) plan(srv *sandbox.Server, res *result) (inprocess.Query, error) {
	q := inprocess.Query{Table: s.table, Limit: -1}
	switch {
	case s.kind == "ids":
		all := srv.Inquiries()
		if len(all) < s.ids {
			return q, fmt.Errorf("the sandbox has %d inquiries, fewer than %d", len(all), s.ids)
		}
		ids := make([]int64, 0, s.ids+1)
		for _, inq := range all[:s.ids] {
			ids = append(ids, inq.InquiryID)
			res.expected += max(1, len(inq.VendorItemIDs))
		}
		ids = append(ids, ids[0]) // a duplicate: read once
		res.query, res.minimum = fmt.Sprintf("inquiry_id in (%d IDs, one repeated)", len(ids)), s.ids
		q.Columns, q.Quals = []string{"inquiry_id"}, []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: ids}}
	case s.hot:
		id := srv.HotVendorItemID()
		q.Quals = []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: id}}
		res.query, res.expected = fmt.Sprintf("vendor_item_id = %d", id), srv.VendorItemCount(id)
		res.minimum = minimumRequests([]int{res.expected}, api.MaxPageSize, 0)
	default:
		s.listing(srv, &q, res)
	}
	return q, nil
}

// listing makes q a listing over s.days, with s.limit or "latest". Its minimum is each 7-day
// window's pages; the latest five's, the newest window's (which holds them).
func (s scenario) listing(srv *sandbox.Server, q *inprocess.Query, res *result) {
	ws := rangeOf(srv, s.days)
	lo := ws[len(ws)-1].start
	q.Quals = []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}}
	res.query = fmt.Sprintf("inquiry_at >= '%s'", lo.Format(api.DateLayout))
	times, size := srv.InquiryTimes(), api.MaxPageSize
	if s.table == productTable {
		times, size = srv.ProductInquiryTimes(), api.MaxProductPageSize
	}
	counts := countIn(times, ws)
	res.expected, res.minimum = sum(counts), minimumRequests(counts, size, 0)
	switch {
	case s.kind == "latest":
		q.Columns, q.Limit = []string{"inquiry_at"}, 5
		q.SortOrder = []*proto.SortColumn{{Column: "inquiry_at", Order: proto.SortOrder_Desc}}
		res.query += " order by inquiry_at desc limit 5"
		res.minimum, res.expected = minimumRequests(counts[:1], size, 0), 5
	case s.limit > 0:
		q.Limit = s.limit
		res.query += fmt.Sprintf(" limit %d", s.limit)
		res.expected, res.minimum = min(res.expected, int(s.limit)), minimumRequests(counts, int(s.limit), int(s.limit))
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

// newest5 checks that got are the sandbox's five newest rows: one per inquiry and option ID,
// newest inquiry first.
func newest5(srv *sandbox.Server, got []time.Time) error {
	var want []time.Time
	for _, inq := range slices.Backward(srv.Inquiries()) { // Inquiries is oldest first: newest first here
		for range max(1, len(inq.VendorItemIDs)) {
			want = append(want, inq.InquiryAt)
		}
		if len(want) >= 5 {
			break
		}
	}
	if want = want[:min(5, len(want))]; !slices.EqualFunc(got, want, time.Time.Equal) {
		return fmt.Errorf("rows %v, want the newest five %v", got, want)
	}
	return nil
}

// join lists the inquiry table over the range, then scans the reply table once per outer row with
// `inquiry_id = X` (and, for ago, the same time quals), as Postgres's nested loop does. The
// minimum is the listing's requests; every inner scan costs one SDK token but no request.
func (s scenario) join(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result) error {
	today := api.KoreanDate(srv.BuiltAt())
	lo := today.AddDate(0, 0, -(s.ago + s.days - 1))
	hi := lo.AddDate(0, 0, s.days).Add(-time.Second)
	quals := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}, {Column: "inquiry_at", Operator: "<=", Value: hi}}
	res.query = fmt.Sprintf("i.inquiry_at between '%s' and '%s'", lo.Format(time.DateTime), hi.Format(time.DateTime))
	if s.ago > 0 {
		res.query += " and the same on r.inquiry_at"
	}
	// The Korean dates any session TimeZone's reading of the bounds may need (UTC-12..UTC+14).
	last := api.KoreanDate(hi.Add(12 * time.Hour))
	if last.After(today) {
		last = today
	}
	res.minimum = minimumRequests(countIn(srv.InquiryTimes(), windows(api.KoreanDate(lo.Add(-14*time.Hour)), last)), api.MaxPageSize, 0)
	for _, inq := range srv.Inquiries() {
		if !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi) {
			res.expected += len(inq.Replies) * max(1, len(inq.VendorItemIDs)) * max(1, len(inq.VendorItemIDs))
		}
	}
	inner := []inprocess.Qual{{Column: "inquiry_id", Operator: "="}}
	if s.ago > 0 {
		inner = append(inner, quals...)
	}
	var outer []int64
	err := measured(srv, res, func() error {
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
		for _, id := range outer {
			inner[0].Value = id
			if err := r.Query(ctx, inprocess.Query{Table: replyTable, Columns: []string{"answer_id"}, Quals: inner, Limit: -1},
				func(map[string]*proto.Column) error { res.rows++; return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	res.extraTokens = len(outer)
	return err
}

// handWritten is what a seller would write with our API client: the same 7-day windows one after
// the other, pages 1..totalPages (the best a script can do) at the API's default page size of 10,
// one request at a time, paced to the same rate.
func (s scenario) handWritten(ctx context.Context, srv *sandbox.Server, base string, res *result) error {
	client, err := api.New(api.Config{BaseURL: base, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey()})
	if err != nil {
		return err
	}
	client, ws := client.WithWait(rate.NewLimiter(rate.Limit(s.rate), 1).Wait), rangeOf(srv, s.days)
	return measured(srv, res, func() error {
		for _, w := range ws {
			for page, total := 1, 1; page <= total; page++ {
				pg, err := client.ListInquiries(ctx, api.ListRequest{InquiryStartAt: w.start, InquiryEndAt: w.end,
					PartnerCounselingStatus: api.StatusNone, PageNum: page, PageSize: 10})
				if err != nil {
					return err
				}
				res.rows += len(pg.Inquiries)
				total = pg.Pagination.TotalPages
			}
		}
		return nil
	})
}

// count429 counts the 429 answers in log.
func count429(log []sandbox.RequestRecord) int {
	n := 0
	for _, r := range log {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// heapBytes is the bytes of heap objects (live or not yet swept), read without stopping the world.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
