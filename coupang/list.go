package coupang

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// scan is one list call of a table.
type scan struct {
	table    string
	conn     *connection
	client   *api.Client   // bound to the query's rate limits
	variants []query.Quals // the key-column quals, split single-valued (query.Quals.Split)
	// ids and answerTypes are the inquiry_id and answer_type values asked for, nil without such a qual.
	ids         []int64
	answerTypes []string
	fan         *fanOut // the IN-list fan-out this call is a copy of, if any
	// folded are the value sets of each qual on a column the plugin matches case- and space-blind
	// (query.CompareFold), by column: a row that fails one under a plain = goes last under a LIMIT.
	folded    map[string][][]string
	announced bool // the default-lookback notice was given
	out       *rowOutput
}

// listRows is the list function of a table: run fetches the scan's items, and rows makes each item's
// rows, streamed while the query's limit wants more. limitCountsReplies is set for the reply and
// comment tables.
func listRows[R any](state *pluginState, limitCountsReplies bool, run func(*scan, context.Context, *plugin.QueryData, func(R) bool) error,
	rows func(*scan, R) []row) plugin.HydrateFunc {
	return func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (_ any, err error) {
		start := time.Now()
		defer func() {
			if err != nil {
				time.Sleep(time.Until(start.Add(minFailTime)))
			}
		}()
		defer trackFetch(ctx, &err)
		s, err := newScan(ctx, d, state, limitCountsReplies)
		if s == nil || err != nil {
			return nil, err
		}
		// Under a pushed LIMIT the rows a plain = rejects (a status matched only case- or space-blind)
		// stream after all others, at most limit of them: the SDK counts them before the recheck.
		var late []row
		limit := d.QueryContext.GetLimit()
		err = run(s, ctx, d, func(item R) bool {
			for _, r := range rows(s, item) {
				if !s.out.wants(ctx) {
					return false
				}
				if limit >= 0 && s.foldedOnly(r) {
					if int64(len(late)) < limit {
						late = append(late, r)
					}
					continue
				}
				s.out.add(ctx, r)
			}
			return s.out.wants(ctx)
		})
		// A failure after the limit is met was a request still in flight: dropped (wants gets a fresh
		// context, as a cancelled one wants no rows). Logged at ERROR, as the SDK can lose a list error
		// (see FetchTracker).
		if err = s.fan.firstError(err); err != nil && s.out.wants(context.Background()) {
			err = fmt.Errorf("%s: %w", s.table, err)
			plugin.Logger(ctx).Error("coupang query failed", "table", s.table, "error", err.Error())
			return nil, err
		}
		for _, r := range late {
			if !s.out.wants(ctx) {
				break
			}
			s.out.add(ctx, r)
		}
		s.out.flush(ctx)
		return nil, nil
	}
}

// minFailTime is the least time a failing list function takes. The SDK (v5.14.1) hands its error
// over on a channel that its row stream may not read yet when the function fails at once; the stream
// then picks at random between the error and the end of the rows. Through the standalone FDW on a
// loaded machine, refusals lost their error 13 times in 4,800 without the wait, 7 in 9,600 with it
// (the rest is the SDK's anywhere.LocalPluginStream, which sends the end of the rows before the error).
const minFailTime = 20 * time.Millisecond

// maxHeldRows bounds the rows a scan holds (about 7 KB each: 120 MB for 17,600 rows): past it the
// scan streams them all, and then each as it comes, rather than grow a Postgres backend without end.
const maxHeldRows = 50_000

// rowOutput hands a scan's rows to the SDK: each at once, or, with hold set
// (pluginState.holdRows), all of them once the scan has read everything without error.
type rowOutput struct {
	d       *plugin.QueryData
	hold    bool
	maxHeld int
	held    []row
}

// remaining is how many more rows the query's limit wants (see plugin.QueryData.RowsRemaining).
func (o *rowOutput) remaining(ctx context.Context) int64 {
	return o.d.RowsRemaining(ctx) - int64(len(o.held))
}

// wants reports whether the scan still needs rows: it is not cancelled, and its limit, if any, is
// not met. A negative limit is none (GetLimit's -1, or a LIMIT and OFFSET past 2^31-1, which Turbot's
// FDW adds in a 32-bit int; Postgres applies its own), which RowsRemaining alone reads as met.
func (o *rowOutput) wants(ctx context.Context) bool {
	if o.d.QueryContext.GetLimit() < 0 {
		return !plugin.IsCancelled(ctx)
	}
	return o.remaining(ctx) > 0
}

func (o *rowOutput) add(ctx context.Context, r row) {
	if !o.hold {
		o.d.StreamListItem(ctx, r)
		return
	}
	if o.held = append(o.held, r); len(o.held) == o.maxHeld {
		plugin.Logger(ctx).Warn("coupang scan streams its rows before it has read them all: through the standalone FDW "+
			"and the SQLite extension a later failure may then go unreported (see 'coupang query failed' in this log)", "rows", o.maxHeld)
		o.flush(ctx)
		o.hold = false
	}
}

func (o *rowOutput) flush(ctx context.Context) {
	for _, r := range o.held {
		o.d.StreamListItem(ctx, r)
	}
	o.held = nil
}

// newScan prepares a list call of d's table; no scan and no error means nothing to do (a fan-out
// copy that must return at once, or contradictory answer_type quals).
func newScan(ctx context.Context, d *plugin.QueryData, state *pluginState, limitCountsReplies bool) (*scan, error) {
	table := d.Table.Name
	keyQuals, fan, run, err := state.fans.scanQuals(d, state.holdRows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	if err := cmp.Or(unappliedUnderLimit(d), unmergedSort(d)); err != nil { // every copy finds it; one reports it
		return nil, fan.firstError(fmt.Errorf("%s: %w", table, err))
	}
	if !run {
		return nil, nil
	}
	exact, _ := ctx.Value(exactQualsKey{}).(bool)
	q, err := convertQuals(keyQuals, d.QueryContext.GetLimit(), limitCountsReplies, exact, time.Now())
	maxHeld, _ := ctx.Value(maxHeldRowsKey{}).(int)
	s := &scan{table: table, fan: fan, out: &rowOutput{d: d, hold: state.holdRows, maxHeld: cmp.Or(maxHeld, maxHeldRows)}}
	s.ids, _ = query.Intersect(q.InquiryID, cmp.Compare[int64])
	s.answerTypes, _ = query.Intersect(q.AnswerType, query.CompareFold)
	s.folded = map[string][][]string{colInquiryStatus: q.InquiryStatus, colCSPartnerCounselingStatus: q.CSPartnerCounselingStatus,
		colAnswerType: q.AnswerType}
	if err == nil {
		s.variants, err = q.Split()
	}
	if err == nil && s.ids != nil {
		err = checkInquiryIDs(len(s.ids))
	}
	if err != nil {
		return nil, fan.firstError(fmt.Errorf("%s: %w", table, err))
	}
	if s.conn, s.client, err = queryClient(ctx, d, &state.conns, s.ids != nil, fan); err != nil {
		return nil, fan.firstError(err)
	}
	if s.answerTypes != nil && len(s.answerTypes) == 0 {
		return nil, nil
	}
	return s, nil
}

// foldedOnly reports whether r fails a qual on a column the plugin matches case- and space-blind
// under a plain =, which it passes only as folded (see query.CompareFold).
func (s *scan) foldedOnly(r row) bool {
	for column, sets := range s.folded {
		v, _ := r[column].(string)
		for _, set := range sets {
			if !slices.Contains(set, v) {
				return true
			}
		}
	}
	return false
}

// run fetches the call-center rows and hands each to emit until it returns false.
func (s *scan) run(ctx context.Context, d *plugin.QueryData, emit func(query.Row) bool) error {
	emit = onceEach(s, keyOf, emit)
	if sortPushed(d) {
		return s.runSorted(ctx, d, emit)
	}
	h := &holdback[query.Row]{emit: emit, at: rowAt, limited: d.QueryContext.GetLimit() >= 0}
	if s.ids != nil {
		return s.listByInquiryID(ctx, h)
	}
	return runVariants(ctx, s, h, func(ctx context.Context, p *query.Plan, emit func(query.Row) bool) error {
		return query.Fetch(ctx, s.client.ListInquiries, p, emit)
	})
}

// runProducts is run for the product Q&A tables.
func (s *scan) runProducts(ctx context.Context, d *plugin.QueryData, emit func(query.ProductRow) bool) error {
	for i := range s.variants {
		s.variants[i].Endpoint = query.ProductQnA
	}
	emit = onceEach(s, func(r query.ProductRow) rowKey { return rowKey{r.Inquiry.InquiryID, 0, r.AnsweredType} }, emit)
	h := &holdback[query.ProductRow]{emit: emit, limited: d.QueryContext.GetLimit() >= 0,
		at: func(r query.ProductRow) time.Time { return r.Inquiry.InquiryAt }}
	return runVariants(ctx, s, h, func(ctx context.Context, p *query.Plan, emit func(query.ProductRow) bool) error {
		return query.FetchProductInquiries(ctx, s.client.ListProductInquiries, p, emit)
	})
}

func rowAt(r query.Row) time.Time { return r.Inquiry.InquiryAt }

// onceEach drops an item emitted before: the variants of an inquiry_at list (one per value) can
// each admit the same row, as each value is widened for the FDW's time shift.
func onceEach[R any](s *scan, key func(R) rowKey, emit func(R) bool) func(R) bool {
	if len(s.variants) < 2 {
		return emit
	}
	seen := map[rowKey]bool{}
	return func(r R) bool {
		k := key(r)
		if seen[k] {
			return true
		}
		seen[k] = true
		return emit(r)
	}
}

// plan builds the plan of variant v, giving the default-lookback notice once per scan.
func (s *scan) plan(ctx context.Context, v query.Quals, now time.Time) (*query.Plan, error) {
	p, err := query.Build(v, now, s.conn.lookbackDays)
	if err == nil && p.Lookback != nil && !s.announced {
		s.announced = true
		notify(ctx, s.table, p.Lookback.Notice())
	}
	return p, err
}

// runVariants fetches the plan of each variant in turn into h, each asking only for what the
// previous ones left of the limit, then flushes h.
func runVariants[R any](ctx context.Context, s *scan, h *holdback[R], fetch func(context.Context, *query.Plan, func(R) bool) error) error {
	// Every variant's quals are checked before the first request: the SDK ends the row stream of the
	// standalone FDW and the SQLite extension before an error that follows rows, and they would
	// return the first variants' rows as the whole result.
	for _, v := range s.variants {
		if _, _, err := query.NewFilter(v); err != nil {
			return err
		}
	}
	now := time.Now()
	for _, v := range s.variants {
		if v.Limit >= 0 {
			v.Limit = max(s.out.remaining(ctx), 0) // 0: Build plans no request
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

// listByInquiryID reads each inquiry of s.ids from the single-inquiry endpoint into h, a new
// holdback, filtered by the variants, then flushes h.
func (s *scan) listByInquiryID(ctx context.Context, h *holdback[query.Row]) error {
	var emits []func(query.Row) bool // emits[i] hands on the rows that passed h.filters[i]
	for _, v := range s.variants {
		f, ok, err := query.NewFilter(v)
		if err != nil {
			return err
		}
		if ok {
			emits = append(emits, h.emitter(f))
		}
	}
	if len(emits) == 0 {
		return nil // no request
	}
	for _, id := range s.ids {
		if !api.SendableID(id) {
			continue // names no inquiry and is not sent: no row, as Postgres would find
		}
		inq, err := s.client.GetInquiry(ctx, id)
		if api.KindOf(err) == api.KindNotFound {
			continue
		}
		if err != nil {
			return fmt.Errorf("get inquiry %d: %w", id, err)
		}
		for i, f := range h.filters {
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

// inquiryHasStatus reports whether an inquiry read on its own would be listed under the
// partnerCounselingStatus status. Coupang does not document the rule; this is the sandbox's.
func inquiryHasStatus(inq api.Inquiry, status string) bool {
	switch status {
	case "", api.StatusNone:
		return true
	case api.StatusAnswer:
		return inq.CSPartnerCounselingStatus == "answered"
	case api.StatusNoAnswer:
		return inq.CSPartnerCounselingStatus == "requestAnswer"
	case api.StatusTransfer:
		return slices.ContainsFunc(inq.Replies, func(r api.Reply) bool {
			return r.AnswerType == "csAgent" && r.NeedAnswer && r.PartnerTransferStatus != nil && *r.PartnerTransferStatus == "requestAnswer"
		})
	}
	return false
}

// holdback orders rows for a pushed LIMIT, which the SDK counts in streamed rows whether Postgres
// keeps them or not: as a time bound may be meant in any session TimeZone (query.ZoneEast), rows
// Postgres surely keeps stream at once, the rest when the fetch is done.
type holdback[R any] struct {
	emit    func(R) bool
	at      func(R) time.Time // a row's inquiry_at
	limited bool
	stopped bool            // emit returned false
	filters []*query.Filter // of each emitter, in order
	held    []heldRow[R]
}

// heldRow is a row in doubt and the filter it passed.
type heldRow[R any] struct {
	row    R
	filter *query.Filter
}

// emitter returns the emit function for rows that passed f.
func (h *holdback[R]) emitter(f *query.Filter) func(R) bool {
	h.filters = append(h.filters, f)
	return func(r R) bool {
		if h.limited && f.Certainty(h.at(r)) != query.Sure {
			h.held = append(h.held, heldRow[R]{r, f})
			return true
		}
		h.stopped = h.stopped || !h.emit(r)
		return !h.stopped
	}
}

// flush streams the held rows of every filter together, in query.CompareMaybe's order: the rows a
// time list's other values keep as written must not wait behind one value's doubtful rows.
func (h *holdback[R]) flush() {
	slices.SortStableFunc(h.held, func(a, b heldRow[R]) int {
		return query.CompareMaybe(a.filter, h.at(a.row), b.filter, h.at(b.row))
	})
	for _, hr := range h.held {
		if h.stopped = !h.emit(hr.row); h.stopped {
			return
		}
	}
}
