package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// benchEnv holds what scenarios share: the module root and built binaries.
type benchEnv struct {
	repo   string
	binDir string
}

// cleanup removes the built binaries.
func (e *benchEnv) cleanup() {
	if e.binDir != "" {
		os.RemoveAll(e.binDir)
	}
}

// sandboxLimit is the sandbox's own rate limit for a limiter rate: a quarter above it, so the
// plugin never meets it unless it breaks its own limit.
func sandboxLimit(rate float64) float64 {
	return math.Ceil(rate * 1.25)
}

// newResult fills the scenario's parameters.
func (q querySpec) newResult() *result {
	unit := "inquiries"
	switch q.table {
	case replyTable:
		unit = "replies"
	case productTable:
		unit = "questions"
	}
	return &result{name: q.name, title: q.title, table: q.table, latency: q.latency, rate: q.rate,
		sbLimit: sandboxLimit(q.rate), limit: q.limit, rowUnit: unit}
}

// run starts the sandbox in this process, runs the query through the in-process plugin with the
// coupang_api limiter retuned to q.rate, and, with q.baseline, the hand-written script on the same
// data.
func (q querySpec) run(ctx context.Context, _ *benchEnv) *result {
	res := q.newResult()
	opts := q.data
	opts.Latency, opts.RateLimit = q.latency, res.sbLimit
	srv := sandbox.New(opts)
	base, stop, err := srv.Start()
	if err != nil {
		return res.fail("start sandbox: %v", err)
	}
	defer stop()
	if err := q.expect(srv, res); err != nil {
		return res.fail("%v", err)
	}
	if err := q.measure(ctx, srv, base, res); err != nil {
		return res.fail("%v", err)
	}
	if q.baseline {
		time.Sleep(1100 * time.Millisecond) // let the sandbox's 1-second rate window empty
		b, err := handWritten(ctx, srv, base, q.rate, rangeOf(srv, q.days))
		if err != nil {
			return res.fail("baseline: %v", err)
		}
		res.baseline = b
	}
	return res
}

// expect computes the expected rows and the minimum requests from the sandbox's data, without
// the plugin or the list endpoint.
func (q querySpec) expect(srv *sandbox.Server, res *result) error {
	switch {
	case q.hot:
		n := srv.VendorItemCount(srv.HotVendorItemID())
		res.query = fmt.Sprintf("vendor_item_id = %d", srv.HotVendorItemID())
		res.expected, res.minimum = n, pages(n, api.MaxPageSize)
		return nil
	case q.days > 0:
		ws := rangeOf(srv, q.days)
		lo := ws[len(ws)-1].start
		res.query = fmt.Sprintf("inquiry_at >= '%s'", lo.Format(api.DateLayout))
		times, size := srv.InquiryTimes(), api.MaxPageSize
		if q.table == productTable {
			times, size = srv.ProductInquiryTimes(), api.MaxProductPageSize
		}
		counts := countIn(times, ws)
		res.expected, res.minimum = sum(counts), minimumRequests(counts, size)
		if q.limit >= 0 {
			res.query += fmt.Sprintf(" limit %d", q.limit)
			res.expected, res.minimum = int(min(int64(res.expected), q.limit)), limitMinimum(counts, int(q.limit))
		}
		if q.table == replyTable {
			res.expected = countReplies(srv, lo)
		}
		return nil
	}
	return fmt.Errorf("scenario %s has no query", q.name)
}

// countReplies counts the replies of inquiries at or after lo.
func countReplies(srv *sandbox.Server, lo time.Time) int {
	n := 0
	for _, inq := range srv.Inquiries() {
		if !inq.InquiryAt.Before(lo) {
			n += len(inq.Replies)
		}
	}
	return n
}

// quals returns the scenario's quals.
func (q querySpec) quals(srv *sandbox.Server) []inprocess.Qual {
	if q.hot {
		return []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: srv.HotVendorItemID()}}
	}
	ws := rangeOf(srv, q.days)
	return []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: ws[len(ws)-1].start}}
}

// measure runs the query through the in-process plugin and records requests, time, rows, memory.
func (q querySpec) measure(ctx context.Context, srv *sandbox.Server, base string, res *result) error {
	r, err := newBenchRunner(ctx, srv, base, q.rate)
	if err != nil {
		return err
	}
	srv.ResetLog()
	before := srv.Requests()
	heap := startHeapSampler(5 * time.Millisecond)
	start := time.Now()
	// The bench's bounds are the instants meant, as the export's are (no session TimeZone to allow
	// for), and it counts what the expectation counts: distinct inquiries or replies, while the
	// tables have one row per inquiry and option ID.
	seen := map[string]bool{}
	err = r.Query(coupang.WithExactTimes(ctx), inprocess.Query{Table: q.table, Quals: q.quals(srv), Limit: q.limit},
		func(row map[string]*proto.Column) error {
			key := row["inquiry_id"].String() + "/" + row["answer_id"].String() + "/" + row["inquiry_comment_id"].String()
			if !seen[key] {
				seen[key] = true
				res.rows++
			}
			return nil
		})
	res.wall = time.Since(start)
	res.heapPeak = heap.done()
	res.requests = int(srv.Requests() - before)
	res.n429 = count429(srv)
	return err
}

// newBenchRunner runs the plugin in-process against the sandbox at base, with the coupang_api
// limiter retuned to rate requests per second.
func newBenchRunner(ctx context.Context, srv *sandbox.Server, base string, rate float64) (*inprocess.Runner, error) {
	return inprocess.New(ctx, "bench", srv.ConnectionHCL(base), inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: float32(rate), BucketSize: 1, Scope: []string{"connection"}}))
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
