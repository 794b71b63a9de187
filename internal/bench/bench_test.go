// Package bench measures the plugin against its limits, as Go benchmarks (test files only). Each
// scenario of BenchmarkScenarios runs once (`-benchtime 1x`; `-short` for the smaller data sets)
// against the sandbox on loopback with injected latency and a rate limit: in-process through
// internal/inprocess, or through the export binary in its own process. It reports the requests
// against the minimum, the wall time against max(requests/rate, 2 x latency), the rows, rows per
// second and peak memory, some against a hand-written baseline. A count off its expectation fails
// the benchmark; a timing target missed is logged. Figures are ratios measured in one run on one
// machine; see docs/performance.md.
package bench

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

const (
	inquiryTable = "coupang_callcenter_inquiry"
	replyTable   = "coupang_callcenter_inquiry_reply"
	productTable = "coupang_product_inquiry"
	// exportRate is the coupang_api limiter linked into the export scenarios' binary: high, as
	// memory is their subject and 1,000,000 inquiries are hours at 4 requests/second.
	exportRate = 5000
)

// scenario is one measurement. Its kind says how it runs: in-process ("": one scan of table;
// "join": a nested loop, a listing of the inquiry table then an `inquiry_id = X` scan of the reply
// table per outer row; "latest": ORDER BY inquiry_at DESC LIMIT 5; "ids": an inquiry-ID list), or
// through the export binary ("export": one process; "procs": rounds of processes of one seller).
type scenario struct {
	name, title, kind string
	data              sandbox.Options // Days, PerDay, HotInquiries
	latency           time.Duration
	rate              float64 // requests per second: the budget alone at the default (budgetAlone), else a retuned coupang_api limiter
	table             string
	days              int   // inquiry_at >= today - (days-1); 0 for no time qual
	ago               int   // join: the days end `ago` days back, and quals are on both sides
	hot               bool  // vendor_item_id = the sandbox's hot option ID
	limit             int64 // 0 for none
	ids               int   // ids: list length (all known to the sandbox)
	baseline          bool  // also run the hand-written script on the same data
	procs             []int // export processes per round
}

// BenchmarkScenarios runs every scenario as a sub-benchmark of its name. A benchmark that calls
// b.Run runs once, so its exports share the binaries built into its temporary directory.
func BenchmarkScenarios(b *testing.B) {
	ex := newExports(b.TempDir())
	for _, s := range scenarios(testing.Short()) {
		b.Run(s.name, func(b *testing.B) { s.run(b, ex) })
	}
}

// scenarios returns the scenario list; quick shrinks the data sets.
func scenarios(quick bool) []scenario {
	scale := func(full, small int) int {
		if quick {
			return small
		}
		return full
	}
	const ms = time.Millisecond
	type o = sandbox.Options
	ss := []scenario{
		{name: "7d", title: "7 days x 50/day, 50 ms", data: o{Days: 7, PerDay: 50},
			latency: 50 * ms, rate: 4, table: inquiryTable, days: 7},
		{name: "7d-200ms", title: "7 days x 50/day, 200 ms", data: o{Days: 7, PerDay: 50},
			latency: 200 * ms, rate: 4, table: inquiryTable, days: 7},
		{name: "30d", title: "30 days x 300/day, 50 ms, with baseline", data: o{Days: 30, PerDay: scale(300, 100)},
			latency: 50 * ms, rate: 20, table: inquiryTable, days: 30, baseline: true},
		{name: "180d", title: "180 days x 1,000/day, 50 ms", data: o{Days: 180, PerDay: scale(1000, 200)},
			latency: 50 * ms, rate: 60, table: inquiryTable, days: 180},
		{name: "180d-baseline", title: "180 days x 50/day (scaled for the baseline), 50 ms, with baseline", data: o{Days: 180, PerDay: scale(50, 20)},
			latency: 50 * ms, rate: 20, table: inquiryTable, days: 180, baseline: true},
		{name: "hot-option", title: "one option ID with 5,000 inquiries, 50 ms", data: o{Days: 60, PerDay: 40, HotInquiries: scale(5000, 1000)},
			latency: 50 * ms, rate: 20, table: inquiryTable, hot: true},
		{name: "limit10", title: "limit 10 over 180 days x 2,000/day, 200 ms", data: o{Days: 180, PerDay: scale(2000, 200)},
			latency: 200 * ms, rate: 4, table: inquiryTable, days: 180, limit: 10},
		{name: "reply-30d", title: "reply table, 30 days x 300/day, 200 ms", data: o{Days: 30, PerDay: scale(300, 100)},
			latency: 200 * ms, rate: 20, table: replyTable, days: 30},
		{name: "product-30d", title: "product Q&A, 30 days x about 150/day, 200 ms", data: o{Days: 30, PerDay: scale(300, 100)},
			latency: 200 * ms, rate: 20, table: productTable, days: 30},
		{name: "product-limit10", title: "product Q&A, limit 10 over 180 days x about 500/day, 200 ms", data: o{Days: 180, PerDay: scale(1000, 200)},
			latency: 200 * ms, rate: 4, table: productTable, days: 180, limit: 10},
		{name: "join-3d", title: "inquiry ⋈ reply on inquiry_id, 3 days, nested loop, 50 ms", kind: "join", table: inquiryTable, data: o{Days: 30, PerDay: 27},
			latency: 50 * ms, rate: 4, days: 3},
		{name: "join-12d-ago", title: "inquiry ⋈ reply, the day 12 days ago, quals on both sides, nested loop, 50 ms", kind: "join", table: inquiryTable, data: o{Days: 30, PerDay: 37},
			latency: 50 * ms, rate: 4, days: 1, ago: 12},
		{name: "latest5-180d", title: "order by inquiry_at desc limit 5 over 180 days x 200/day, 200 ms", kind: "latest", table: inquiryTable, data: o{Days: 180, PerDay: scale(200, 50)},
			latency: 200 * ms, rate: 4, days: 180},
		{name: "ids-101", title: "inquiry_id in (101 IDs), 50 ms", kind: "ids", table: inquiryTable, data: o{Days: 30, PerDay: 40},
			latency: 50 * ms, rate: 4, ids: 101},
		{name: "ids-2001", title: "inquiry_id in (2,001 IDs), 50 ms", kind: "ids", table: inquiryTable, data: o{Days: 60, PerDay: 40},
			latency: 50 * ms, rate: 4, ids: scale(2001, 401)},
		// The release build's default coupang_api limiter (4 requests/second) is the shared budget.
		{name: "procs", title: "one seller, 1, 2, 4 and 8 export processes at once, 50 ms", kind: "procs", table: inquiryTable,
			data: o{Days: scale(60, 14)}, latency: 50 * ms, rate: 4, days: scale(60, 14), procs: []int{1, 2, 4, 8}},
	}
	for _, n := range []int{scale(100_000, 25_000), scale(1_000_000, 100_000)} {
		ss = append(ss, scenario{name: fmt.Sprintf("export-%dk", n/1000), kind: "export", table: inquiryTable,
			title: fmt.Sprintf("export of ~%d inquiries to CSV (export binary in its own process)", n),
			data:  o{Days: 180, PerDay: n / 180}, latency: ms, rate: exportRate, days: 180})
	}
	return ss
}

// sandboxLimit is the sandbox's rate limit (429 above it; 0 for none): a quarter above s.rate
// in-process, so the plugin meets it only if it breaks its own limit; s.rate, the seller's budget,
// for "procs"; none for "export".
func (s scenario) sandboxLimit() float64 {
	switch s.kind {
	case "procs":
		return s.rate
	case "export":
		return 0
	}
	return math.Ceil(s.rate * 1.25)
}

// run starts the sandbox and runs s against it.
func (s scenario) run(b *testing.B, ex *exports) {
	opts := s.data
	opts.Latency, opts.RateLimit = s.latency, s.sandboxLimit()
	srv := sandbox.New(opts)
	base, stop, err := srv.Start()
	if err != nil {
		b.Fatalf("start sandbox: %v", err)
	}
	b.Cleanup(stop)
	switch s.kind {
	case "export":
		s.export(b, ex, srv, base)
	case "procs":
		s.rounds(b, ex, srv, base)
	default:
		s.inProcess(b, srv, base)
	}
}

// window is an inclusive range of Korean dates (midnights in api.KST).
type window struct{ start, end time.Time }

// windows tiles [lo, hi] as the contract says any correct client must: 7 inclusive days, newest
// first, a one-day remainder widened one day back (Coupang may reject start = end). Not taken from
// the planner, so that a planner making extra windows shows as requests above the minimum.
func windows(lo, hi time.Time) []window {
	var ws []window
	for end := hi; !end.Before(lo); end = end.AddDate(0, 0, -api.MaxWindowDays) {
		start := end.AddDate(0, 0, -(api.MaxWindowDays - 1))
		if start.Before(lo) {
			start = lo
		}
		if start.Equal(end) {
			start = end.AddDate(0, 0, -1)
		}
		ws = append(ws, window{start, end})
	}
	return ws
}

// rangeOf returns the windows of a `inquiry_at >= today-(days-1)` query on the sandbox's data.
func rangeOf(srv *sandbox.Server, days int) []window {
	today := api.KoreanDate(srv.BuiltAt())
	return windows(today.AddDate(0, 0, -(days-1)), today)
}

// countIn returns how many of times (sorted ascending) fall in each window's dates.
func countIn(times []time.Time, ws []window) []int {
	before := func(t time.Time) int {
		i, _ := slices.BinarySearchFunc(times, t, time.Time.Compare)
		return i
	}
	counts := make([]int, len(ws))
	for i, w := range ws {
		counts[i] = before(w.end.AddDate(0, 0, 1)) - before(w.start)
	}
	return counts
}

// minimumRequests is the fewest requests that read windows of counts rows, newest first, at
// pageSize, until limit rows are found (0 for all); an empty window still costs one.
func minimumRequests(counts []int, pageSize, limit int) int {
	total, need := 0, cmp.Or(limit, math.MaxInt)
	for _, n := range counts {
		if need <= 0 {
			break
		}
		total += max(1, (min(n, need)+pageSize-1)/pageSize)
		need -= n
	}
	return total
}

func sum(counts []int) int {
	s := 0
	for _, n := range counts {
		s += n
	}
	return s
}

// TestMinimumRequests checks the reference the scenarios hold the plugin to: the contract's 7-day
// tiling, the rows each window holds and the pages each costs.
func TestMinimumRequests(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, api.KST) }
	var got []string
	for _, w := range windows(day(2), day(30)) {
		got = append(got, w.start.Format("01-02")+".."+w.end.Format("01-02"))
	}
	// The one-day remainder, 11-02, is widened a day back.
	if want := []string{"11-24..11-30", "11-17..11-23", "11-10..11-16", "11-03..11-09", "11-01..11-02"}; !slices.Equal(got, want) {
		t.Errorf("windows(11-02, 11-30) = %v, want %v", got, want)
	}
	times := []time.Time{day(23).Add(24*time.Hour - time.Second), day(24), day(30).Add(23 * time.Hour)}
	if got := countIn(times, windows(day(17), day(30))); !slices.Equal(got, []int{2, 1}) {
		t.Errorf("countIn = %v, want [2 1]", got)
	}
	for _, c := range []struct {
		counts                []int
		pageSize, limit, want int
	}{
		{[]int{0, 30, 31}, 30, 0, 4}, // an empty window costs one request, 31 rows two
		{[]int{25, 40}, 10, 10, 1},   // the newest window holds the limit
		{[]int{5, 40}, 10, 10, 2},    // 5 rows there, then one page of the next for the other 5
	} {
		if got := minimumRequests(c.counts, c.pageSize, c.limit); got != c.want {
			t.Errorf("minimumRequests(%v, %d, %d) = %d, want %d", c.counts, c.pageSize, c.limit, got, c.want)
		}
	}
}
