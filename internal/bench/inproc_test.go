package bench

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"golang.org/x/time/rate"
)

// plan is a scenario's query and what any correct plugin measures running it, worked out from the
// sandbox's data without the plugin or the list endpoint.
type plan struct {
	q              inprocess.Query
	sql            string // the query's conditions as SQL, for the log
	rows, requests int    // the rows expected and the fewest requests
	lo, hi         time.Time
	inner          []inprocess.Qual // join: the reply table's quals, `inquiry_id =` first
}

// got is what one run measured.
type got struct {
	requests, n429, rows int
	tokens               int // SDK limiter tokens spent without a request (a join's inner scans)
	wall, firstRow       time.Duration
	mem                  uint64      // peak heap bytes above the pre-run level
	latest               []time.Time // "latest": the rows' inquiry_at, in order
}

// inProcess runs s through the in-process plugin at s.rate (then, with s.baseline, the hand-written
// script on the same data) and reports the figures.
func (s scenario) inProcess(b *testing.B, srv *sandbox.Server, base string) {
	// Rows stream as they are read, as under the Steampipe CLI (the FDW and SQLite hold them).
	opts := []inprocess.Option{inprocess.WithStreamedRows()}
	if !s.budgetAlone() {
		opts = append(opts, inprocess.WithRateLimiter(inprocess.Limiter{
			Name: coupang.RateLimiterName, FillRate: float32(s.rate), BucketSize: 1, Scope: []string{"connection"}}))
	}
	r, err := inprocess.New(b.Context(), "bench", srv.ConnectionHCL(base), opts...)
	if err != nil {
		b.Fatal(err)
	}
	p := s.plan(b, srv)
	var m got
	timed(b, func() (err error) { m, err = s.query(b.Context(), r, srv, p); return err })
	b.Logf("%s; rate %g rps, sandbox 429 above %g rps; %s: %s", s.title, s.rate, s.sandboxLimit(), s.table, p.sql)
	s.report(b, p, m)
	if s.kind == "latest" {
		newest5(b, srv, m.latest)
	}
	if s.baseline {
		time.Sleep(1100 * time.Millisecond) // let the sandbox's 1-second rate window empty
		s.compare(b, srv, base, m)
	}
}

// report reports an in-process run's figures. Counts off their expectation fail the benchmark; a
// timing target missed is logged, as a busy machine misses it.
func (s scenario) report(b *testing.B, p plan, m got) {
	check(b, p, m)
	tokens := p.requests + m.tokens
	bound := max(time.Duration(float64(tokens)/s.rate*float64(time.Second)), 2*s.latency)
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(m.wall.Seconds()/bound.Seconds(), "wall/bound")
	b.ReportMetric(float64(m.mem)/(1<<20), "peak-heap-MB")
	if s.limit == 10 && m.requests-m.n429 != 1 {
		b.Errorf("limit 10 made %d requests (%d answered 429), want 1", m.requests, m.n429)
	}
	if float64(tokens)/s.rate >= 2*s.latency.Seconds() {
		target(b, m.wall.Seconds() <= 1.15*bound.Seconds(), "wall <= 1.15 x bound (rate binds: %d tokens / %g rps >= 2 x latency)", tokens, s.rate)
	} else {
		target(b, m.wall <= 3*s.latency, "wall <= 3 x latency (latency binds: %d tokens / %g rps < 2 x latency)", tokens, s.rate)
	}
	if m.tokens > 0 {
		b.ReportMetric(float64(m.tokens), "inner-scans") // SDK tokens without a request
	}
	if s.kind == "ids" {
		b.ReportMetric(m.firstRow.Seconds(), "first-row-s")
		target(b, m.firstRow <= time.Second, "first row <= 1 s")
	}
}

// check reports the figures every scenario has and fails the benchmark where a count differs from
// what any correct plugin makes.
func check(b *testing.B, p plan, m got) {
	b.Helper()
	b.ReportMetric(float64(m.requests), "requests")
	b.ReportMetric(float64(p.requests), "min-requests")
	b.ReportMetric(float64(m.n429), "429s")
	b.ReportMetric(float64(m.rows), "rows")
	b.ReportMetric(float64(p.rows), "expected-rows")
	b.ReportMetric(m.wall.Seconds(), "wall-s")
	b.ReportMetric(float64(m.rows)/m.wall.Seconds(), "rows/s")
	// A 429 is timing, not a count: arrivals trail sends by scheduling, and a busy machine can bunch
	// them into one of the sandbox's windows. Its retry is the one request above the minimum it costs.
	if m.requests-m.n429 != p.requests {
		b.Errorf("%d requests (%d answered 429 and retried), the minimum is %d", m.requests, m.n429, p.requests)
	}
	if m.rows != p.rows {
		b.Errorf("%d rows, want %d", m.rows, p.rows)
	}
	target(b, m.n429 == 0, "no answer 429 (%d)", m.n429)
}

// target logs a timing target the run missed: a figure of a busy machine, not a failure.
func target(b *testing.B, met bool, format string, args ...any) {
	b.Helper()
	if !met {
		b.Logf("target "+format+" missed", args...)
	}
}

// timed runs f in a b.Loop: once with -benchtime 1x, as the scenarios' figures are their own
// measurements, not ns/op. b.Loop keeps the setup before it and the checks after it off the timer,
// and runs them once even when a longer -benchtime repeats f.
func timed(b *testing.B, f func() error) {
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTimedSetsUpOnce checks that a scenario's setup and checks run once when -benchtime asks for
// more than one run of its measured part (go test's default of 1 s repeats a quick scenario).
func TestTimedSetsUpOnce(t *testing.T) {
	setups, runs := 0, 0
	r := testing.Benchmark(func(b *testing.B) {
		setups++
		timed(b, func() error { runs++; time.Sleep(100 * time.Millisecond); return nil })
	})
	if setups != 1 || runs != r.N {
		t.Errorf("%d setups for %d runs of f (N = %d), want 1 setup and N runs", setups, runs, r.N)
	}
}

// measured runs f and records in m its wall time, the requests and 429 answers the sandbox
// received meanwhile, and the peak of heapBytes (sampled every 5 ms) above its level after a GC.
// Expectations and checks stay outside it, out of the figures.
func measured(srv *sandbox.Server, m *got, f func() error) error {
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
	m.wall = time.Since(start)
	m.mem = max(<-peak, heapBytes()) - base
	m.requests, m.n429 = int(srv.Requests()-before), count429(srv.Log())
	return err
}

// query runs the query of s and counts its rows: distinct inquiries, replies or questions for a
// listing without a LIMIT (the tables have one row per inquiry and option ID; the expectation counts
// the former), the rows themselves otherwise. A join runs as Postgres's nested loop does: the outer
// listing, rechecked, then one inner scan per outer row, which sends no request (and takes a token of
// a retuned limiter).
func (s scenario) query(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, p plan) (m got, err error) {
	distinct := s.kind == "" && s.limit == 0
	if s.kind == "" {
		// The bounds are the instants meant, as the export's are (no session TimeZone to allow for).
		ctx = coupang.WithExactQuals(ctx)
	}
	seen := map[[3]int64]bool{} // inquiry, reply and comment IDs (0 where the table has none)
	var outer []int64           // join: the inquiry IDs Postgres's recheck keeps
	err = measured(srv, &m, func() error {
		start := time.Now()
		err := r.Query(ctx, p.q, func(row map[string]*proto.Column) error {
			if m.rows == 0 && s.kind == "ids" {
				m.firstRow = time.Since(start)
			}
			switch at := row["inquiry_at"].GetTimestampValue().AsTime(); {
			case s.kind == "join":
				if !at.Before(p.lo) && !at.After(p.hi) {
					outer = append(outer, row["inquiry_id"].GetIntValue())
				}
				return nil
			case distinct:
				seen[[3]int64{row["inquiry_id"].GetIntValue(), row["answer_id"].GetIntValue(), row["inquiry_comment_id"].GetIntValue()}] = true
			case s.kind == "latest":
				m.latest = append(m.latest, at)
			}
			m.rows++
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range outer {
			p.inner[0].Value = id
			if err := r.Query(ctx, inprocess.Query{Table: replyTable, Columns: []string{"answer_id"}, Quals: p.inner, Limit: -1},
				func(map[string]*proto.Column) error { m.rows++; return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if distinct {
		m.rows = len(seen)
	}
	if !s.budgetAlone() {
		m.tokens = len(outer)
	}
	return m, err
}

// budgetAlone reports whether s runs at the plugin's default rate, as Steampipe runs it: no SDK
// limiter, the machine-wide budget alone. Other rates retune a coupang_api limiter, which also
// sizes the budget, and on which the SDK takes a token before every scan.
func (s scenario) budgetAlone() bool { return s.rate == coupang.DefaultRateLimit }

// plan returns the query of s (`inquiry_id IN` the first s.ids, one repeated; the hot option ID; a
// join's outer listing; or a listing) with the rows expected and the fewest requests.
func (s scenario) plan(b *testing.B, srv *sandbox.Server) plan {
	p := plan{q: inprocess.Query{Table: s.table, Limit: -1}}
	switch {
	case s.kind == "join":
		return s.joinPlan(srv)
	case s.kind == "ids":
		all := srv.Inquiries()
		if len(all) < s.ids {
			b.Fatalf("the sandbox has %d inquiries, fewer than %d", len(all), s.ids)
		}
		ids := make([]int64, 0, s.ids+1)
		for _, inq := range all[:s.ids] {
			ids = append(ids, inq.InquiryID)
			p.rows += max(1, len(inq.VendorItemIDs))
		}
		ids = append(ids, ids[0]) // a duplicate: read once
		p.sql, p.requests = fmt.Sprintf("inquiry_id in (%d IDs, one repeated)", len(ids)), s.ids
		p.q.Columns, p.q.Quals = []string{"inquiry_id"}, []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: ids}}
	case s.hot:
		id := srv.HotVendorItemID()
		p.q.Quals = []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: id}}
		p.sql, p.rows = fmt.Sprintf("vendor_item_id = %d", id), srv.VendorItemCount(id)
		p.requests = minimumRequests([]int{p.rows}, api.MaxPageSize, 0)
	default:
		s.listing(srv, &p)
	}
	return p
}

// listing makes p a listing over s.days, with s.limit or "latest". Its minimum is each 7-day
// window's pages; the latest five's, the newest window's (which holds them).
func (s scenario) listing(srv *sandbox.Server, p *plan) {
	ws := rangeOf(srv, s.days)
	p.lo = ws[len(ws)-1].start
	p.q.Quals = []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: p.lo}}
	p.sql = fmt.Sprintf("inquiry_at >= '%s'", p.lo.Format(api.DateLayout))
	times, size := srv.InquiryTimes(), api.MaxPageSize
	if s.table == productTable {
		times, size = srv.ProductInquiryTimes(), api.MaxProductPageSize
	}
	counts := countIn(times, ws)
	p.rows, p.requests = sum(counts), minimumRequests(counts, size, 0)
	switch {
	case s.kind == "latest":
		p.q.Columns, p.q.Limit = []string{"inquiry_at"}, 5
		p.q.SortOrder = []*proto.SortColumn{{Column: "inquiry_at", Order: proto.SortOrder_Desc}}
		p.sql += " order by inquiry_at desc limit 5"
		p.requests, p.rows = minimumRequests(counts[:1], size, 0), 5
	case s.limit > 0:
		p.q.Limit = s.limit
		p.sql += fmt.Sprintf(" limit %d", s.limit)
		p.rows, p.requests = min(p.rows, int(s.limit)), minimumRequests(counts, int(s.limit), int(s.limit))
	}
	if s.table == replyTable {
		p.rows = 0
		for _, inq := range srv.Inquiries() {
			if !inq.InquiryAt.Before(p.lo) {
				p.rows += len(inq.Replies)
			}
		}
	}
}

// newest5 fails the benchmark unless got are the sandbox's five newest rows: one per inquiry and
// option ID, newest inquiry first.
func newest5(b *testing.B, srv *sandbox.Server, got []time.Time) {
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
		b.Errorf("rows %v, want the newest five %v", got, want)
	}
}

// joinPlan lists the inquiry table over the days, then scans the reply table per outer row with
// `inquiry_id = X` (and, for ago, the same time quals). The minimum is the listing's requests over
// the Korean dates any session TimeZone's reading of the bounds may need (UTC-12..UTC+14).
func (s scenario) joinPlan(srv *sandbox.Server) plan {
	today := api.KoreanDate(srv.BuiltAt())
	lo := today.AddDate(0, 0, -(s.ago + s.days - 1))
	hi := lo.AddDate(0, 0, s.days).Add(-time.Second)
	quals := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}, {Column: "inquiry_at", Operator: "<=", Value: hi}}
	p := plan{lo: lo, hi: hi, inner: []inprocess.Qual{{Column: "inquiry_id", Operator: "="}},
		q:   inprocess.Query{Table: inquiryTable, Columns: []string{"inquiry_id", "inquiry_at"}, Quals: quals, Limit: -1},
		sql: fmt.Sprintf("i.inquiry_at between '%s' and '%s'", lo.Format(time.DateTime), hi.Format(time.DateTime))}
	if s.ago > 0 {
		p.sql += " and the same on r.inquiry_at"
		p.inner = append(p.inner, quals...)
	}
	last := api.KoreanDate(hi.Add(12 * time.Hour))
	if last.After(today) {
		last = today
	}
	p.requests = minimumRequests(countIn(srv.InquiryTimes(), windows(api.KoreanDate(lo.Add(-14*time.Hour)), last)), api.MaxPageSize, 0)
	for _, inq := range srv.Inquiries() {
		if !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi) {
			p.rows += len(inq.Replies) * max(1, len(inq.VendorItemIDs)) * max(1, len(inq.VendorItemIDs))
		}
	}
	return p
}

// compare runs what a seller would write with our API client on the same data and reports how
// many times its requests and wall time are ours: the same 7-day windows one after the other, pages
// 1..totalPages (the best a script can do) at the API's default page size of 10, one request at a
// time, paced to the same rate.
func (s scenario) compare(b *testing.B, srv *sandbox.Server, base string, ours got) {
	client, err := api.New(api.Config{BaseURL: base, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey()})
	if err != nil {
		b.Fatal(err)
	}
	limiter := rate.NewLimiter(rate.Limit(s.rate), 1)
	client = client.WithReserve(func(ctx context.Context) (func(), error) { return func() {}, limiter.Wait(ctx) })
	var m got
	err = measured(srv, &m, func() error {
		for _, w := range rangeOf(srv, s.days) {
			for page, total := 1, 1; page <= total; page++ {
				pg, err := client.ListInquiries(b.Context(), api.ListRequest{InquiryStartAt: w.start, InquiryEndAt: w.end,
					PartnerCounselingStatus: api.StatusNone, PageNum: page, PageSize: 10})
				if err != nil {
					return err
				}
				m.rows += len(pg.Inquiries)
				total = pg.Pagination.TotalPages
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("baseline: %v", err)
	}
	reqX, timeX := float64(m.requests)/float64(ours.requests), m.wall.Seconds()/ours.wall.Seconds()
	b.Logf("baseline: %d requests, wall %.2fs, %d rows, %d answers 429", m.requests, m.wall.Seconds(), m.rows, m.n429)
	b.ReportMetric(float64(m.requests), "baseline-requests")
	b.ReportMetric(reqX, "baseline-requests-x")
	b.ReportMetric(timeX, "baseline-time-x")
	target(b, reqX >= 3, "baseline/ours requests >= 3")
	target(b, timeX >= 3, "baseline/ours time >= 3")
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
