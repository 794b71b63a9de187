package coupang

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// scan is what one list call of either table works with: the connection, its client bound to the
// query's rate limiter, and the planner input converted from the query's key-column quals.
type scan struct {
	conn   *connection
	client *api.Client
	quals  tableQuals
}

// newScan prepares a list call of table; limitCountsReplies says the query's limit counts reply
// rows. ok is false, with no error, when this call is a redundant copy of an IN-list fan-out that
// must return at once (see originalQuals).
func newScan(ctx context.Context, d *plugin.QueryData, table string, limitCountsReplies bool) (_ *scan, ok bool, _ error) {
	keyQuals, run := originalQuals(d)
	if !run {
		return nil, false, nil
	}
	conn, client, err := queryClient(ctx, d)
	if err != nil {
		return nil, false, err
	}
	tq, err := convertQuals(keyQuals, queryLimit(d), limitCountsReplies)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", table, err)
	}
	return &scan{conn: conn, client: client, quals: tq}, true, nil
}

// run plans and fetches the scan's variants, handing every row to emit until it returns false.
func (s *scan) run(ctx context.Context, d *plugin.QueryData, emit func(query.Row) bool) error {
	return runVariants(ctx, d, s.conn.config.LookbackDays, s.quals.Variants, func(ctx context.Context, p *query.Plan, emit func(query.Row) bool) error {
		return query.Fetch(ctx, s.client, p, emit)
	}, emit)
}

// runProducts is run for the product Q&A tables: the same variants, planned for the product Q&A
// endpoint and fetched through the same fetcher and rate limiter.
func (s *scan) runProducts(ctx context.Context, d *plugin.QueryData, emit func(query.ProductRow) bool) error {
	for i := range s.quals.Variants {
		s.quals.Variants[i].Endpoint = query.ProductQnA
	}
	return runVariants(ctx, d, s.conn.config.LookbackDays, s.quals.Variants, func(ctx context.Context, p *query.Plan, emit func(query.ProductRow) bool) error {
		return query.FetchProductInquiries(ctx, s.client, p, emit)
	}, emit)
}

// replyStreamer returns the emit function of the reply table: it streams the replies of one
// inquiry that pass answer_type, and reports whether the query wants more (its limit counts
// replies, so it is checked before every reply).
func (s *scan) replyStreamer(ctx context.Context, d *plugin.QueryData) func(query.Row) bool {
	return func(r query.Row) bool {
		for _, rep := range r.Inquiry.Replies {
			if s.quals.HasAnswerType && !slices.Contains(s.quals.AnswerTypes, rep.AnswerType) {
				continue
			}
			if d.RowsRemaining(ctx) <= 0 {
				return false
			}
			d.StreamListItem(ctx, newReplyTableRow(r, rep, s.conn.config.VendorID))
		}
		return d.RowsRemaining(ctx) > 0
	}
}

// runVariants runs the plan of each variant in turn through fetch and hands every row to emit
// until emit returns false. With a limit, each variant asks only for what the previous ones left.
func runVariants[R any](ctx context.Context, d *plugin.QueryData, lookbackDays int, variants []query.Quals,
	fetch func(context.Context, *query.Plan, func(R) bool) error, emit func(R) bool) error {
	now := time.Now()
	for _, v := range variants {
		if v.Limit >= 0 {
			v.Limit = max(d.RowsRemaining(ctx), 0)
			if v.Limit == 0 {
				return nil
			}
		}
		plan, err := query.Build(v, now, lookbackDays)
		if err != nil {
			return err
		}
		stopped := false
		err = fetch(ctx, plan, func(r R) bool {
			if !emit(r) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
		if stopped {
			return nil
		}
	}
	return nil
}

// listRepliesByInquiryID reads each asked-for inquiry from the single-inquiry endpoint and applies
// the other key-column quals exactly, with the planner's own filter (and no planned windows, which
// these reads do not need), so that no streamed row is one Postgres would drop. Each inquiry is
// read once, whatever the number of variants.
func listRepliesByInquiryID(ctx context.Context, client *api.Client, variants []query.Quals, ids []int64, emit func(query.Row) bool) error {
	filters, err := variantFilters(variants)
	if err != nil || len(filters) == 0 {
		return err // or the quals select nothing: no request
	}
	for _, id := range ids {
		inq, err := client.GetInquiry(ctx, id)
		if api.KindOf(err) == api.KindNotFound {
			continue
		}
		if err != nil {
			return fmt.Errorf("get inquiry %d: %w", id, err)
		}
		for _, f := range filters {
			row := f.RowOf(*inq)
			if !inquiryHasStatus(*inq, row.PartnerCounselingStatus) || !f.Match(row) {
				continue
			}
			if !emit(row) {
				return nil
			}
		}
	}
	return nil
}

// variantFilters returns the exact filter of every variant whose quals can match a row.
func variantFilters(variants []query.Quals) ([]*query.Filter, error) {
	var filters []*query.Filter
	for _, v := range variants {
		f, ok, err := query.NewFilter(v)
		if err != nil {
			return nil, err
		}
		if ok {
			filters = append(filters, f)
		}
	}
	return filters, nil
}

// fetchError wraps a fetch failure for the user. A failure after the query already has all the
// rows its limit asks for is dropped: the result is complete, and the fetcher was only finishing
// a request in flight. Every other failure is also logged at ERROR: the SDK can, rarely, lose a
// list error on its way to Steampipe (see FetchTracker), and the log is then the user's record.
func fetchError(ctx context.Context, d *plugin.QueryData, table string, err error) error {
	if err == nil || limitMet(d) {
		return nil
	}
	err = fmt.Errorf("%s: %w", table, err)
	plugin.Logger(ctx).Error("coupang query failed", "table", table, "error", err.Error())
	return err
}
