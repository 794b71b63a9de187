package coupang

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// The call-center tables declare inquiry_at sortable newest first, so Turbot's FDW pushes `ORDER BY
// inquiry_at DESC` and its LIMIT down and "the latest N" reads only the newest windows. Postgres adds
// no Sort node above a pushed sort: such a scan must stream its rows strictly newest first.

var errUpperDoubt = errors.New("ORDER BY inquiry_at DESC with a LIMIT and an upper bound on inquiry_at cannot be answered exactly here: " +
	"the bound reaches the plugin as an instant that may be a date or timestamp shifted by Turbot's FDW (up to 14 hours either way), " +
	"so Postgres may drop some of the newest rows after the LIMIT has counted them; add a second sort key " +
	"(ORDER BY inquiry_at DESC, inquiry_id DESC), which Postgres applies itself; a timestamptz bound does not help, as it arrives as the same kind of instant")

// sortPushed reports whether Postgres pushed an ORDER BY (only inquiry_at DESC can be).
func sortPushed(d *plugin.QueryData) bool {
	return len(d.QueryContext.SortOrder) > 0
}

// Through an aggregator the Steampipe CLI pushes the sort to the scan of every child connection,
// and the SDK streams each connection's rows as they come: Postgres would take rows sorted only
// within each seller for one sorted list.
var errUnmergedSort = errors.New("ORDER BY inquiry_at through an aggregator connection cannot be answered exactly: " +
	"Steampipe hands the sort to the scan of each of its connections, whose rows come sorted only within each connection, " +
	"and Postgres would read them as one sorted list (a wrong latest N, a group by inquiry_at split in two); " +
	"sort outside the scan, as in select * from (select ... from AGGREGATOR.TABLE where ... offset 0) s order by inquiry_at desc limit N, " +
	"or query one connection")

// unmergedSort refuses a sort pushed to an Execute of more than one connection.
func unmergedSort(d *plugin.QueryData) error {
	if sortPushed(d) && executeConnections(d) > 1 {
		return errUnmergedSort
	}
	return nil
}

// executeConnections is how many connections the SDK runs d's Execute for: more than one through an
// aggregator. SDK v5.14.1 keeps that only as the capacity of the Execute's output channel, one slot
// per connection (Plugin.execute), hence the reflection; TestAggregatorRefusesPushedSort fails if the
// SDK stops keeping it there.
func executeConnections(d *plugin.QueryData) int {
	if out := reflect.ValueOf(d).Elem().FieldByName("outputChan"); out.Kind() == reflect.Chan {
		return out.Cap()
	}
	return 1
}

// runSorted fetches the scan's rows one group of windows at a time, newest first, and hands each
// group's rows to emit sorted (Coupang promises no order within a list answer).
func (s *scan) runSorted(ctx context.Context, d *plugin.QueryData, emit func(query.Row) bool) error {
	limited := d.QueryContext.GetLimit() >= 0
	var rows []query.Row
	collect := func(r query.Row) bool { rows = append(rows, r); return true }
	if s.ids != nil {
		h := &holdback[query.Row]{emit: collect, at: rowAt}
		if err := s.listByInquiryID(ctx, h); err != nil {
			return err
		}
		_, err := emitSorted(rows, h.filters, limited, nil, emit)
		return err
	}
	var plans []*query.Plan
	now := time.Now()
	for _, v := range s.variants {
		v.Limit = -1 // every row of a window is needed to sort it
		plan, err := s.plan(ctx, v, now)
		if err != nil {
			return err
		}
		plans = append(plans, plan)
	}
	var prev map[rowKey]bool
	for _, group := range windowGroups(plans) {
		rows = nil
		var filters []*query.Filter
		for _, sub := range group {
			filters = append(filters, &sub.Filter)
			if err := query.Fetch(ctx, s.client.ListInquiries, sub, collect); err != nil {
				return err
			}
		}
		more, err := emitSorted(rows, filters, limited, prev, emit)
		if err != nil || !more {
			return err
		}
		prev = map[rowKey]bool{}
		for _, r := range rows {
			prev[keyOf(r)] = true
		}
	}
	return nil
}

// rowKey identifies a streamed row: an inquiry, one of its options and the status it was listed with
// (a product question: the question, 0 and its answeredType).
type rowKey struct {
	inquiry, option int64
	status          string
}

func keyOf(r query.Row) rowKey {
	return rowKey{r.Inquiry.InquiryID, r.VendorItemID, r.PartnerCounselingStatus}
}

// emitSorted sorts rows newest first and hands them to emit, skipping those the previous group
// streamed (Coupang may date an inquiry near midnight into either window). Under a pushed LIMIT a
// row in doubt under an upper bound fails the scan: Postgres could reject it after the LIMIT counted it.
func emitSorted(rows []query.Row, filters []*query.Filter, limited bool, prev map[rowKey]bool, emit func(query.Row) bool) (more bool, err error) {
	slices.SortStableFunc(rows, func(a, b query.Row) int {
		return cmp.Or(b.Inquiry.InquiryAt.Compare(a.Inquiry.InquiryAt), cmp.Compare(b.Inquiry.InquiryID, a.Inquiry.InquiryID),
			cmp.Compare(a.VendorItemID, b.VendorItemID))
	})
	for _, r := range rows {
		if prev[keyOf(r)] {
			continue
		}
		if limited && upperDoubt(filters, r.Inquiry.InquiryAt) {
			return false, errUpperDoubt
		}
		if !emit(r) {
			return false, nil
		}
	}
	return true, nil
}

// upperDoubt reports whether some filter's upper bound keeps t in some session TimeZones only.
func upperDoubt(filters []*query.Filter, t time.Time) bool {
	return slices.ContainsFunc(filters, func(f *query.Filter) bool {
		upper := *f // the upper bound alone, read as f reads it (ExactTimes)
		upper.Lower = nil
		return f.Upper != nil && upper.Certainty(t) == query.Maybe
	})
}

// windowGroups splits the plans into plans of one window each, grouped by date range, newest
// first. Ranges that overlap without being equal, or a dateless window, make one group of all.
func windowGroups(plans []*query.Plan) [][]*query.Plan {
	var all []*query.Plan
	for _, p := range plans {
		for _, w := range p.Windows {
			sub := *p
			sub.Windows = []query.Window{w}
			all = append(all, &sub)
		}
	}
	slices.SortStableFunc(all, func(a, b *query.Plan) int { return b.Windows[0].End.Compare(a.Windows[0].End) })
	var groups [][]*query.Plan
	for _, p := range all {
		w, n := p.Windows[0], len(groups)
		if w.Start.IsZero() {
			return [][]*query.Plan{all}
		}
		if n > 0 {
			last := groups[n-1][0].Windows[0]
			if w.Start.Equal(last.Start) && w.End.Equal(last.End) {
				groups[n-1] = append(groups[n-1], p)
				continue
			}
			if !w.End.Before(last.Start) {
				return [][]*query.Plan{all}
			}
		}
		groups = append(groups, []*query.Plan{p})
	}
	return groups
}
