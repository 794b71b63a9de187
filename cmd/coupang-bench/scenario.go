package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

const (
	inquiryTable = "coupang_callcenter_inquiry"
	replyTable   = "coupang_callcenter_inquiry_reply"
	productTable = "coupang_product_inquiry"
)

// scenario is one measurement. Its kind says how it runs: in-process ("": one scan of table;
// "join": a nested loop, a listing of the inquiry table then an `inquiry_id = X` scan of the reply
// table per outer row; "latest": ORDER BY inquiry_at DESC LIMIT 5; "ids": an inquiry-ID list), or
// through the export binary ("export": one process; "procs": rounds of processes of one seller).
type scenario struct {
	name, title, kind string
	data              sandbox.Options // Days, PerDay, HotInquiries
	latency           time.Duration
	rate              float64 // the coupang_api limiter, requests per second
	table             string
	days              int   // inquiry_at >= today - (days-1); 0 for no time qual
	ago               int   // join: the days end `ago` days back, and quals are on both sides
	hot               bool  // vendor_item_id = the sandbox's hot option ID
	limit             int64 // 0 for none
	ids               int   // ids: list length (all known to the sandbox)
	baseline          bool  // also run the hand-written script on the same data
	procs             []int // export processes per round
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
		// The limiter is linked into the export binary and high: memory is the subject.
		ss = append(ss, scenario{name: fmt.Sprintf("export-%dk", n/1000), kind: "export", table: inquiryTable,
			title: fmt.Sprintf("export of ~%d inquiries to CSV (export binary in its own process)", n),
			data:  o{Days: 180, PerDay: n / 180}, latency: ms, rate: 5000, days: 180, procs: []int{1}})
	}
	return ss
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
