package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// shapeSpec is a scenario of several scans or a pushed sort, as Postgres sends them: a nested-loop
// join (one listing, then one `inquiry_id = X` scan of the other table per outer row), "the latest
// N" (ORDER BY inquiry_at DESC LIMIT N pushed down) or an inquiry-ID list.
type shapeSpec struct {
	name, title string
	data        sandbox.Options
	latency     time.Duration
	rate        float64
	kind        string // "join", "latest" or "ids"
	days        int    // join: inquiry_at >= today-(days-1); latest: the lower bound
	ago         int    // join: only the Korean day `ago` days back, quals on both sides
	ids         int    // ids: list length (all known to the sandbox)
}

// shapes are the scenarios of joins, the latest N and ID lists.
func shapes(quick bool) []shapeSpec {
	scale := func(full, small int) int {
		if quick {
			return small
		}
		return full
	}
	return []shapeSpec{
		{name: "join-3d", title: "inquiry ⋈ reply on inquiry_id, 3 days, nested loop, 50 ms", data: sandbox.Options{Days: 30, PerDay: 27},
			latency: 50 * time.Millisecond, rate: 4, kind: "join", days: 3},
		{name: "join-12d-ago", title: "inquiry ⋈ reply, the day 12 days ago, quals on both sides, nested loop, 50 ms", data: sandbox.Options{Days: 30, PerDay: 37},
			latency: 50 * time.Millisecond, rate: 4, kind: "join", ago: 12},
		{name: "latest5-180d", title: "order by inquiry_at desc limit 5 over 180 days x 200/day, 200 ms", data: sandbox.Options{Days: 180, PerDay: scale(200, 50)},
			latency: 200 * time.Millisecond, rate: 4, kind: "latest", days: 180},
		{name: "ids-101", title: "inquiry_id in (101 IDs), 50 ms", data: sandbox.Options{Days: 30, PerDay: 40},
			latency: 50 * time.Millisecond, rate: 4, kind: "ids", ids: 101},
		{name: "ids-2001", title: "inquiry_id in (2,001 IDs), 50 ms", data: sandbox.Options{Days: 60, PerDay: 40},
			latency: 50 * time.Millisecond, rate: 4, kind: "ids", ids: scale(2001, 401)},
	}
}

// run starts the sandbox, runs the shape through the in-process plugin and records the figures.
func (s shapeSpec) run(ctx context.Context, _ *benchEnv) *result {
	res := &result{name: s.name, title: s.title, table: inquiryTable, latency: s.latency, rate: s.rate,
		sbLimit: sandboxLimit(s.rate), limit: -1, rowUnit: "rows"}
	opts := s.data
	opts.Latency, opts.RateLimit = s.latency, res.sbLimit
	srv := sandbox.New(opts)
	base, stop, err := srv.Start()
	if err != nil {
		return res.fail("start sandbox: %v", err)
	}
	defer stop()
	r, err := newBenchRunner(ctx, srv, base, s.rate)
	if err != nil {
		return res.fail("%v", err)
	}
	srv.ResetLog()
	heap := startHeapSampler(5 * time.Millisecond)
	start := time.Now()
	switch s.kind {
	case "join":
		err = s.join(ctx, r, srv, res)
	case "latest":
		err = s.latest(ctx, r, srv, res)
	default:
		err = s.idList(ctx, r, srv, res, start)
	}
	res.wall = time.Since(start)
	res.heapPeak = heap.done()
	res.requests = int(srv.Requests())
	res.n429 = count429(srv)
	if err != nil {
		return res.fail("%v", err)
	}
	return res
}

// join lists the inquiry table over the range, then scans the reply table once per outer row with
// `inquiry_id = X` (and, for ago, the same time quals), as Postgres's nested loop does. The
// minimum is the listing's requests; every inner scan costs one SDK token but no request.
func (s shapeSpec) join(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result) error {
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
	w := window{kstDay(lo.Add(-14 * time.Hour)), kstDay(hi.Add(12 * time.Hour))}
	if w.end.After(today) {
		w.end = today
	}
	res.minimum = minimumRequests(countIn(srv.InquiryTimes(), windows(w.start, w.end)), api.MaxPageSize)
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
	res.notes = append(res.notes, fmt.Sprintf("%d outer rows, %d inner scans", len(outer), len(outer)))
	return nil
}

// latest runs ORDER BY inquiry_at DESC LIMIT 5 pushed down, over `days` days. The minimum is the
// pages of the newest window, which holds the five newest rows.
func (s shapeSpec) latest(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result) error {
	ws := rangeOf(srv, s.days)
	lo := ws[len(ws)-1].start
	res.query = fmt.Sprintf("inquiry_at >= '%s' order by inquiry_at desc limit 5", lo.Format(api.DateLayout))
	counts := countIn(srv.InquiryTimes(), ws[:1])
	res.minimum, res.expected, res.limit = pages(counts[0], api.MaxPageSize), 5, 5
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
	newest = newest[:5]
	if err == nil && !slices.EqualFunc(got, newest, time.Time.Equal) {
		err = fmt.Errorf("rows %v, want the newest five %v", got, newest)
	}
	return err
}

// idList runs `inquiry_id IN (...)` over the first ids inquiries, one duplicate added; the
// minimum is one request per distinct ID. It records when the first row arrived.
func (s shapeSpec) idList(ctx context.Context, r *inprocess.Runner, srv *sandbox.Server, res *result, start time.Time) error {
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
	err := r.Query(ctx, inprocess.Query{Table: inquiryTable, Columns: []string{"inquiry_id"},
		Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: ids}}, Limit: -1},
		func(map[string]*proto.Column) error {
			if res.rows == 0 {
				res.firstRow = time.Since(start)
			}
			res.rows++
			return nil
		})
	return err
}
