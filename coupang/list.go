package coupang

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// scan is what one list call of either table works with: the connection, its client bound to the
// query's rate limiter, the query's key-column quals, and the single-valued planner inputs they
// split into (query.Quals.Split), each planned and run in turn.
type scan struct {
	table    string
	conn     *connection
	client   *api.Client
	variants []query.Quals
	// ids are the inquiry IDs asked for (nil: no inquiry_id qual), answerTypes the answer_type
	// values (nil: no qual); both sorted, duplicates once.
	ids         []int64
	answerTypes []string
	fan         *fanOut // the IN-list fan-out this call is a copy of, if any (see fanOuts.scanQuals)
	// announced says the notice of a default lookback was given (once per scan).
	announced bool
}

// listRows is the list function of a table: run fetches the scan's items (call-center or product
// Q&A), and rows makes each item's rows of the table, which are streamed while the query's limit
// wants more (it counts the table's rows: for the reply and comment tables, limitCountsReplies).
// state is the plugin instance's (pluginState).
func listRows[R any](state *pluginState, table string, limitCountsReplies bool,
	run func(*scan, context.Context, *plugin.QueryData, func(R) bool) error, rows func(*scan, R) []row) plugin.HydrateFunc {
	return func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (_ any, err error) {
		defer trackFetch(ctx)(&err)
		s, ok, err := newScan(ctx, d, state, table, limitCountsReplies)
		if !ok || err != nil {
			return nil, err
		}
		err = run(s, ctx, d, func(item R) bool {
			for _, r := range rows(s, item) {
				if d.RowsRemaining(ctx) <= 0 {
					return false
				}
				d.StreamListItem(ctx, r)
			}
			return d.RowsRemaining(ctx) > 0
		})
		return nil, fetchError(ctx, d, table, err)
	}
}

// newScan prepares a list call of table. ok is false, with no error, when this call is a copy of an
// IN-list fan-out that must return at once (see fanOuts.scanQuals).
func newScan(ctx context.Context, d *plugin.QueryData, state *pluginState, table string, limitCountsReplies bool) (_ *scan, ok bool, err error) {
	keyQuals, fan, run, err := state.fans.scanQuals(d)
	if !run || err != nil {
		if err != nil {
			err = fmt.Errorf("%s: %w", table, err)
		}
		return nil, false, err
	}
	q, err := convertQuals(keyQuals, queryLimit(d), limitCountsReplies)
	q.ExactTimes = exactTimes(ctx)
	s := &scan{table: table, fan: fan}
	s.ids, _ = query.Intersect(q.InquiryID, cmp.Compare[int64])
	s.answerTypes, _ = query.Intersect(q.AnswerType, strings.Compare)
	if err == nil {
		s.variants, err = q.Split()
	}
	if err == nil && s.ids != nil {
		err = checkInquiryIDs(len(s.ids))
	}
	if err != nil {
		return nil, false, fan.firstError(fmt.Errorf("%s: %w", table, err))
	}
	if s.conn, s.client, err = queryClient(ctx, d, &state.conns, s.ids != nil); err != nil {
		return nil, false, fan.firstError(err)
	}
	if s.answerTypes != nil && len(s.answerTypes) == 0 {
		return nil, false, nil // contradictory answer_type quals: nothing to ask Coupang for
	}
	return s, true, nil
}

// run fetches the scan's rows and hands each to emit until it returns false: from the
// single-inquiry endpoint when the query names inquiry IDs, else through the planner. Under a
// pushed limit the rows Postgres surely keeps are handed over before those it may reject (see
// holdback).
func (s *scan) run(ctx context.Context, d *plugin.QueryData, emit func(query.Row) bool) (err error) {
	defer func() { err = s.fan.firstError(err) }()
	if sortPushed(d) {
		return s.runSorted(ctx, d, emit)
	}
	h := newHoldback(d, emit, func(r query.Row) time.Time { return r.Inquiry.InquiryAt })
	if s.ids == nil {
		return runVariants(ctx, d, s, h, func(ctx context.Context, p *query.Plan, emit func(query.Row) bool) error {
			return query.Fetch(ctx, s.client, p, emit)
		})
	}
	return listByInquiryID(ctx, s.client, s.variants, s.ids, h)
}

// runProducts is run for the product Q&A tables: the same variants, planned for the product Q&A
// endpoint and fetched through the same fetcher, rate limiter, holdback and lookback notice.
func (s *scan) runProducts(ctx context.Context, d *plugin.QueryData, emit func(query.ProductRow) bool) error {
	for i := range s.variants {
		s.variants[i].Endpoint = query.ProductQnA
	}
	h := newHoldback(d, emit, func(r query.ProductRow) time.Time { return r.Inquiry.InquiryAt })
	return runVariants(ctx, d, s, h, func(ctx context.Context, p *query.Plan, emit func(query.ProductRow) bool) error {
		return query.FetchProductInquiries(ctx, s.client, p, emit)
	})
}

// plan builds the plan of variant v and announces a default lookback.
func (s *scan) plan(ctx context.Context, v query.Quals, now time.Time) (*query.Plan, error) {
	p, err := query.Build(v, now, s.conn.lookbackDays)
	if err == nil && p.Lookback != nil && !s.announced {
		s.announced = true
		notify(ctx, s.table, p.Lookback.Notice())
	}
	return p, err
}

// runVariants runs the plan of each of the scan's variants in turn through fetch, handing the rows
// to h, and then flushes h. With a limit, each variant asks only for what the previous ones left.
func runVariants[R any](ctx context.Context, d *plugin.QueryData, s *scan, h *holdback[R],
	fetch func(context.Context, *query.Plan, func(R) bool) error) error {
	now := time.Now()
	for _, v := range s.variants {
		if v.Limit >= 0 {
			if v.Limit = max(d.RowsRemaining(ctx), 0); v.Limit == 0 {
				break
			}
		}
		plan, err := s.plan(ctx, v, now)
		if err == nil {
			err = fetch(ctx, plan, h.emitter(&plan.Filter))
		}
		if err != nil {
			return err
		}
		if h.stopped {
			break
		}
	}
	h.flush()
	return nil
}

// listByInquiryID reads each asked-for inquiry from the single-inquiry endpoint and hands every
// (inquiry, option ID) row that passes the other key-column quals to h, with the planner's own
// filter (and no planned windows, which these reads do not need), then flushes h.
func listByInquiryID(ctx context.Context, client *api.Client, variants []query.Quals, ids []int64, h *holdback[query.Row]) error {
	var emits []func(query.Row) bool
	var filters []*query.Filter
	for _, v := range variants {
		f, ok, err := query.NewFilter(v)
		if err != nil {
			return err
		}
		if ok {
			filters, emits = append(filters, f), append(emits, h.emitter(f))
		}
	}
	if len(filters) == 0 {
		return nil // the quals select nothing: no request
	}
	for _, id := range ids {
		inq, err := client.GetInquiry(ctx, id)
		if api.KindOf(err) == api.KindNotFound {
			continue
		}
		if err != nil {
			return fmt.Errorf("get inquiry %d: %w", id, err)
		}
		for i, f := range filters {
			if !inquiryHasStatus(*inq, f.PartnerCounselingStatus) {
				continue
			}
			for _, row := range f.Rows(*inq) {
				if !emits[i](row) {
					return nil
				}
			}
		}
	}
	h.flush()
	return nil
}

// holdback orders rows for a pushed LIMIT. The SDK ends the scan after `limit` streamed rows,
// rejected by Postgres or not, and a time bound may be meant in any session TimeZone (see
// query.ZoneEast), so rows Postgres surely keeps are streamed at once and the rest are held back
// until the fetch is done, then streamed in the order of query.Filter.SortMaybe. Without a limit
// every row is streamed at once.
type holdback[R any] struct {
	emit    func(R) bool
	at      func(R) time.Time // a row's inquiry_at
	limited bool
	stopped bool // emit returned false: the query needs no more rows
	filters []*query.Filter
	held    [][]R
}

// newHoldback returns the holdback of a query's rows; at reads a row's inquiry_at.
func newHoldback[R any](d *plugin.QueryData, emit func(R) bool, at func(R) time.Time) *holdback[R] {
	return &holdback[R]{emit: emit, at: at, limited: queryLimit(d) >= 0}
}

// emitter returns the emit function for rows that passed filter f.
func (h *holdback[R]) emitter(f *query.Filter) func(R) bool {
	i := len(h.filters)
	h.filters, h.held = append(h.filters, f), append(h.held, nil)
	return func(r R) bool {
		if h.limited && f.Certainty(h.at(r)) != query.Sure {
			h.held[i] = append(h.held[i], r)
			return true
		}
		h.stopped = h.stopped || !h.emit(r)
		return !h.stopped
	}
}

// flush streams the held rows, filter by filter.
func (h *holdback[R]) flush() {
	for i, f := range h.filters {
		query.SortMaybe(f, h.held[i], h.at)
		for _, r := range h.held[i] {
			if h.stopped = !h.emit(r); h.stopped {
				return
			}
		}
	}
}

// fetchError wraps a fetch failure for the user. A failure after the query already has all the
// rows its limit asks for is dropped: the result is complete, and the fetcher was only finishing
// a request in flight. Every other failure is also logged at ERROR: the SDK can, rarely, lose a
// list error on its way to Steampipe (see FetchTracker), and the log is then the user's record.
// The query's own context is deliberately not consulted: RowsRemaining reports 0 for a cancelled
// context.
func fetchError(ctx context.Context, d *plugin.QueryData, table string, err error) error {
	if err == nil || (queryLimit(d) >= 0 && d.RowsRemaining(context.Background()) <= 0) {
		return nil
	}
	err = fmt.Errorf("%s: %w", table, err)
	plugin.Logger(ctx).Error("coupang query failed", "table", table, "error", err.Error())
	return err
}
