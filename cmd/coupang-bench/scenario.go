package main

import (
	"context"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// Tables of the plugin.
const (
	inquiryTable = "coupang_callcenter_inquiry"
	replyTable   = "coupang_callcenter_inquiry_reply"
	productTable = "coupang_product_inquiry"
)

// scenario is one measurement; run never panics on a failed measurement but records the error.
type scenario struct {
	name  string
	title string
	run   func(ctx context.Context, env *benchEnv) *result
}

// querySpec is an in-process query scenario: a data set, the network conditions, the query.
type querySpec struct {
	name, title string
	data        sandbox.Options // Seed, Days, PerDay, HotInquiries; latency and rate are set from below
	latency     time.Duration
	rate        float64 // the coupang_api limiter, requests per second
	table       string
	days        int   // inquiry_at >= today - (days-1), 0 for no time qual
	hot         bool  // vendor_item_id = the sandbox's hot option ID
	limit       int64 // -1 for none
	baseline    bool  // also run the hand-written script on the same data
}

// exportSpec is an export-binary scenario.
type exportSpec struct {
	name, title string
	days        int
	perDay      int
	latency     time.Duration
	rate        float64 // linked into the export binary (coupang_api); high: memory is the subject
}

// scenarios returns the scenario list; quick shrinks the data sets.
func scenarios(quick bool) []scenario {
	scale := func(full, small int) int {
		if quick {
			return small
		}
		return full
	}
	qs := []querySpec{
		{name: "7d", title: "7 days x 50/day, 50 ms", data: sandbox.Options{Days: 7, PerDay: 50},
			latency: 50 * time.Millisecond, rate: 4, table: inquiryTable, days: 7, limit: -1},
		{name: "7d-200ms", title: "7 days x 50/day, 200 ms", data: sandbox.Options{Days: 7, PerDay: 50},
			latency: 200 * time.Millisecond, rate: 4, table: inquiryTable, days: 7, limit: -1},
		{name: "30d", title: "30 days x 300/day, 50 ms, with baseline", data: sandbox.Options{Days: 30, PerDay: scale(300, 100)},
			latency: 50 * time.Millisecond, rate: 20, table: inquiryTable, days: 30, limit: -1, baseline: true},
		{name: "180d", title: "180 days x 1,000/day, 50 ms", data: sandbox.Options{Days: 180, PerDay: scale(1000, 200)},
			latency: 50 * time.Millisecond, rate: 60, table: inquiryTable, days: 180, limit: -1},
		{name: "180d-baseline", title: "180 days x 50/day (scaled for the baseline), 50 ms, with baseline", data: sandbox.Options{Days: 180, PerDay: scale(50, 20)},
			latency: 50 * time.Millisecond, rate: 20, table: inquiryTable, days: 180, limit: -1, baseline: true},
		{name: "hot-option", title: "one option ID with 5,000 inquiries, 50 ms", data: sandbox.Options{Days: 60, PerDay: 40, HotInquiries: scale(5000, 1000)},
			latency: 50 * time.Millisecond, rate: 20, table: inquiryTable, hot: true, limit: -1},
		{name: "limit10", title: "limit 10 over 180 days x 2,000/day, 200 ms", data: sandbox.Options{Days: 180, PerDay: scale(2000, 200)},
			latency: 200 * time.Millisecond, rate: 4, table: inquiryTable, days: 180, limit: 10},
		{name: "reply-30d", title: "reply table, 30 days x 300/day, 200 ms", data: sandbox.Options{Days: 30, PerDay: scale(300, 100)},
			latency: 200 * time.Millisecond, rate: 20, table: replyTable, days: 30, limit: -1},
		{name: "product-30d", title: "product Q&A, 30 days x about 150/day, 200 ms", data: sandbox.Options{Days: 30, PerDay: scale(300, 100)},
			latency: 200 * time.Millisecond, rate: 20, table: productTable, days: 30, limit: -1},
		{name: "product-limit10", title: "product Q&A, limit 10 over 180 days x about 500/day, 200 ms", data: sandbox.Options{Days: 180, PerDay: scale(1000, 200)},
			latency: 200 * time.Millisecond, rate: 4, table: productTable, days: 180, limit: 10},
	}
	var out []scenario
	for _, q := range qs {
		out = append(out, scenario{name: q.name, title: q.title, run: q.run})
	}
	for _, sh := range shapes(quick) {
		out = append(out, scenario{name: sh.name, title: sh.title, run: sh.run})
	}
	procs := procsSpec{name: "procs", title: "one seller, 1, 2, 4 and 8 export processes at once, 50 ms",
		days: scale(60, 14), counts: []int{1, 2, 4, 8}, latency: 50 * time.Millisecond}
	out = append(out, scenario{name: procs.name, title: procs.title, run: procs.run})
	for _, n := range []int{scale(100_000, 25_000), scale(1_000_000, 100_000)} {
		e := exportSpec{days: 180, perDay: n / 180, latency: time.Millisecond, rate: 5000}
		e.name, e.title = exportName(n), exportTitle(n)
		out = append(out, scenario{name: e.name, title: e.title, run: e.run})
	}
	return out
}
