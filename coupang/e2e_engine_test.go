package coupang_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// These tests send what Turbot's Postgres FDW sends (a date or timestamp constant as an instant
// read as if UTC, one Execute per outer value of a nested loop, a pushed LIMIT), apply Postgres'
// own recheck of the WHERE clause in the session's TimeZone to what the plugin streamed, and
// compare with the rows Postgres would return over the whole data set.

// sessionOffsets are the session TimeZones judged: UTC-12, Los Angeles (UTC-8, in November), UTC,
// Seoul and UTC+14.
var sessionOffsets = []time.Duration{-12 * time.Hour, -8 * time.Hour, 0, 9 * time.Hour, 14 * time.Hour}

// truthRows is the whole table as Postgres would see it: one row per inquiry and option ID.
func truthRows(all []sandbox.Inquiry) []map[string]any {
	var rows []map[string]any
	for _, inq := range all {
		opts := slices.Compact(slices.Sorted(slices.Values(inq.VendorItemIDs)))
		if len(opts) == 0 {
			rows = append(rows, map[string]any{"inquiry_id": inq.InquiryID, "vendor_item_id": nil, "inquiry_at": inq.InquiryAt})
		}
		for _, o := range opts {
			rows = append(rows, map[string]any{"inquiry_id": inq.InquiryID, "vendor_item_id": o, "inquiry_at": inq.InquiryAt})
		}
	}
	return rows
}

// pairs returns the rows' (inquiry_id, vendor_item_id) pairs, sorted, duplicates kept.
func pairs(rows []map[string]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%v/%v", r["inquiry_id"], r["vendor_item_id"])
	}
	slices.Sort(out)
	return out
}

// asFDWSends is a `date` constant d (a Korean calendar date) as the FDW hands it over in any
// session: midnight of that date read as UTC.
func asFDWSends(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// judge runs one scan and checks Postgres' answer in a session offset east of UTC: without a limit
// exactly the truth's rows, with one min(limit, truth) rows all in the truth.
func judge(t *testing.T, e *env, truth []map[string]any, q inprocess.Query, offset time.Duration, name string) {
	t.Helper()
	rows, err := streamed(t.Context(), e.r, q)
	require.NoError(t, err, name)
	got := recheck(rows, q.Quals, offset)
	want := recheck(truth, q.Quals, offset)
	require.NotEmpty(t, want, "%s: the case must select something", name)
	if q.Limit < 0 {
		assert.Equal(t, pairs(want), pairs(got), name)
		return
	}
	assert.Equal(t, min(int(q.Limit), len(want)), len(got), "%s: Postgres' rows under the pushed limit", name)
	for _, p := range pairs(got) {
		assert.Contains(t, pairs(want), p, name)
	}
}

// TestEngineDateBoundsInEveryTimeZone: `inquiry_at >= 'D'::date` and friends in every session
// TimeZone, with and without a pushed LIMIT, and the same bound as an exact timestamptz.
func TestEngineDateBoundsInEveryTimeZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	truth := truthRows(e.sb.Inquiries())
	today := api.KoreanDate(time.Now())
	d1, d2, d10 := today.AddDate(0, 0, -3), today.AddDate(0, 0, -1), today.AddDate(0, 0, -10)
	for _, o := range sessionOffsets {
		shapes := []struct {
			name   string
			quals  []inprocess.Qual
			limits []int64
		}{
			{"date lower", []inprocess.Qual{inquiryAt(">=", asFDWSends(d1))}, []int64{-1, 1, 10, 25}},
			{"date lower strict", []inprocess.Qual{inquiryAt(">", asFDWSends(d1))}, []int64{-1, 10}},
			{"date both", []inprocess.Qual{inquiryAt(">=", asFDWSends(d1)), inquiryAt("<", asFDWSends(d2))}, []int64{-1}},
			{"date both, wide, limited", []inprocess.Qual{inquiryAt(">=", asFDWSends(d10)), inquiryAt("<=", asFDWSends(d2))}, []int64{-1, 10}},
			{"option and date upper", []inprocess.Qual{inquiryAt("<", asFDWSends(d1)), {Column: "vendor_item_id", Operator: "=", Value: e.sb.HotVendorItemID()}}, []int64{-1, 3, 10}},
		}
		for _, s := range shapes {
			for _, limit := range s.limits {
				judge(t, e, truth, inprocess.Query{Table: inquiryTable, Quals: s.quals, Limit: limit}, o,
					fmt.Sprintf("%s, session UTC%+v, limit %d", s.name, o, limit))
			}
		}
		// An upper bound alone: the default lookback decides how far back, so Postgres' rows are a
		// subset of the truth that holds every row of the 6 days before the bound as the session meant it.
		upper := []inprocess.Qual{inquiryAt("<", asFDWSends(d1))}
		rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: inquiryTable, Quals: upper, Limit: -1})
		require.NoError(t, err)
		got, want := pairs(recheck(rows, upper, o)), pairs(recheck(truth, upper, o))
		recent := pairs(recheck(truth, append(slices.Clone(upper), inquiryAt(">=", asFDWSends(d1).AddDate(0, 0, -6))), o))
		require.NotEmpty(t, recent)
		for _, p := range got {
			assert.Contains(t, want, p, "upper date, session UTC%+v", o)
		}
		for _, p := range recent {
			assert.Contains(t, got, p, "upper date, session UTC%+v: a row of the lookback days", o)
		}
		// timestamptz arrives exact: the session's midnight of d1 as an instant, judged with no shift.
		exact := []inprocess.Qual{inquiryAt(">=", asFDWSends(d1).Add(-o))}
		for _, limit := range []int64{-1, 10} {
			judge(t, e, truth, inprocess.Query{Table: inquiryTable, Quals: exact, Limit: limit}, 0,
				fmt.Sprintf("timestamptz lower, session UTC%+v, limit %d", o, limit))
		}
	}
}

// TestEngineExactBothBoundsUnderLimit: bounds on both sides written as timestamptz (or untyped
// literals) arrive exact, and under a pushed LIMIT the plugin, which cannot tell them from shifted
// date constants, streams the rows they keep before the other doubtful rows: `inquiry_at = T limit 1`
// returns T's row, as Postgres would.
func TestEngineExactBothBoundsUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	truth := truthRows(all)
	for _, inq := range []sandbox.Inquiry{all[len(all)/3], all[len(all)/2]} {
		T := inq.InquiryAt
		for _, s := range []struct {
			name  string
			quals []inprocess.Qual
			limit int64
		}{
			{"equality", []inprocess.Qual{inquiryAt("=", T)}, 1},
			{"four hours", []inprocess.Qual{inquiryAt(">=", T.Add(-2*time.Hour)), inquiryAt("<", T.Add(2*time.Hour))}, 2},
			{"one second", []inprocess.Qual{inquiryAt(">", T.Add(-time.Second)), inquiryAt("<=", T)}, 1},
			{"a list", []inprocess.Qual{inquiryAt("=", []any{T, all[len(all)/4].InquiryAt})}, 2},
		} {
			judge(t, e, truth, inprocess.Query{Table: inquiryTable, Quals: s.quals, Limit: s.limit}, 0,
				fmt.Sprintf("%s around inquiry %d, limit %d", s.name, inq.InquiryID, s.limit))
		}
	}
}

// myOptions are three option IDs a seller might keep in a local table: the first and second option
// of one inquiry naming several, and the second option of another, so any form that sees only an
// inquiry's first option misses rows.
func myOptions(t *testing.T, all []sandbox.Inquiry) []int64 {
	var out []int64
	for _, inq := range slices.Backward(all) {
		if len(inq.VendorItemIDs) < 2 || slices.Contains(out, inq.VendorItemIDs[1]) {
			continue
		}
		if len(out) == 0 {
			out = append(out, inq.VendorItemIDs[0], inq.VendorItemIDs[1])
		} else if !slices.Contains(out, inq.VendorItemIDs[0]) {
			out = append(out, inq.VendorItemIDs[1])
			return out
		}
	}
	t.Fatal("the data set needs two inquiries naming several options")
	return nil
}

// TestEngineOptionPlans: `vendor_item_id IN (...)` as a literal list, as one scan per value (a
// nested loop over a local table of one's own options) and as a hash join (no option pushed) give
// the same rows, each (inquiry, option) pair once, with and without a time bound.
func TestEngineOptionPlans(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	truth := truthRows(all)
	opts := myOptions(t, all)
	inOpts := inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: []any{opts[0], opts[1], opts[2]}}
	for _, bound := range [][]inprocess.Qual{nil, {{Column: "inquiry_at", Operator: ">=", Value: asFDWSends(api.KoreanDate(time.Now()).AddDate(0, 0, -20))}}} {
		for _, o := range []time.Duration{0, 9 * time.Hour, -8 * time.Hour} {
			want := pairs(recheck(truth, append(slices.Clone(bound), inOpts), o))
			require.NotEmpty(t, want)
			name := fmt.Sprintf("time bound %v, session UTC%+v", bound != nil, o)

			literal, err := streamed(t.Context(), e.r, inprocess.Query{Table: inquiryTable, Quals: append(slices.Clone(bound), inOpts), Limit: -1})
			require.NoError(t, err)
			assert.Equal(t, want, pairs(recheck(literal, append(slices.Clone(bound), inOpts), o)), "literal IN, "+name)

			var loop []map[string]any
			for _, opt := range opts {
				quals := append(slices.Clone(bound), inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: opt})
				rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1})
				require.NoError(t, err)
				loop = append(loop, recheck(rows, quals, o)...)
			}
			assert.Equal(t, want, pairs(loop), "one scan per option (nested loop), "+name)

			if bound != nil { // a hash join without a time bound reads the default lookback only
				rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: inquiryTable, Quals: bound, Limit: -1})
				require.NoError(t, err)
				assert.Equal(t, want, pairs(recheck(recheck(rows, bound, o), []inprocess.Qual{inOpts}, 0)), "hash join, "+name)
			}

			for _, limit := range []int64{1, 5} {
				judge(t, e, truth, inprocess.Query{Table: inquiryTable, Quals: append(slices.Clone(bound), inOpts), Limit: limit}, o,
					fmt.Sprintf("literal IN, limit %d, %s", limit, name))
			}
		}
	}
}

// TestEngineInquiryIDNestedLoop: a join on inquiry_id run as a nested loop sends one
// `inquiry_id = X` scan per outer row; each returns every option row of that inquiry, and an outer
// value that names no inquiry (a negative one) returns no row rather than failing the join.
func TestEngineInquiryIDNestedLoop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	truth := truthRows(all)
	var outer []int64
	for _, inq := range slices.Backward(all) {
		if len(outer) < 4 || (len(inq.VendorItemIDs) > 1 && len(outer) < 6) {
			outer = append(outer, inq.InquiryID)
		}
	}
	outer = append(outer, -3)
	for _, table := range []string{inquiryTable} {
		var got, want []map[string]any
		for _, id := range outer {
			q := []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: id}}
			rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: table, Quals: q, Limit: -1})
			require.NoError(t, err)
			got = append(got, recheck(rows, q, 0)...)
			want = append(want, recheck(truth, q, 0)...)
		}
		assert.Greater(t, len(want), len(outer), "some outer inquiry names several options")
		assert.Equal(t, pairs(want), pairs(got), table)
	}
}

// An in-process caller whose bounds are exact (the export command) says so with WithExactQuals and
// pays no request for other time zones' hours: the last 7 Korean days are one window, not two.
func TestEngineExactTimesSpendNoExtraRequest(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // its today must be the plugin's
	e := newEnv(t, smallData, "")
	q := inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{
		{Column: "inquiry_at", Operator: ">=", Value: api.KoreanDate(time.Now()).AddDate(0, 0, -6)}}}
	windows := func(ctx context.Context) map[string]bool {
		e.sb.ResetLog()
		require.NoError(t, e.r.Query(ctx, q, func(map[string]*proto.Column) error { return nil }))
		out := map[string]bool{}
		for _, rec := range e.requestsTo(listEndpoint) {
			out[queryParam(rec, "inquiryStartAt")] = true
		}
		return out
	}
	assert.Len(t, windows(coupang.WithExactQuals(context.Background())), 1)
	assert.Len(t, windows(context.Background()), 2)
}

// TestEngineFDWGarbageIsRefused: values the FDW sends in place of the ones written. For
// `col = (select ...)` it reads the subquery's value before the subquery runs and sends the type's
// zero; for 'infinity' or a time after 2292 it sends a wrapped-around time before 2000. Read on,
// they would give no row (an option ID, an upper time bound) or every inquiry since 2010, silently;
// the plugin refuses them unsent.
func TestEngineFDWGarbageIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	since := asFDWSends(api.KoreanDate(time.Now()).AddDate(0, 0, -5))
	for _, c := range []struct {
		table string
		quals []inprocess.Qual
	}{
		{inquiryTable, []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: int64(0)}}},
		{inquiryTable, []inprocess.Qual{{Column: "order_id", Operator: "=", Value: int64(0)}}},
		{inquiryTable, []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: int64(0)}}},
		{inquiryTable, []inprocess.Qual{{Column: "inquiry_at", Operator: "<=", Value: epoch}}},
		{inquiryTable, []inprocess.Qual{{Column: "partner_counseling_status", Operator: "=", Value: "?"}}},
		{replyTable, []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: epoch}}},
		{productTable, []inprocess.Qual{{Column: "inquiry_at", Operator: "<", Value: epoch}}},
		{productTable, []inprocess.Qual{{Column: "answered_type", Operator: "=", Value: "?"}}},
		// inquiry_at between D and 'infinity'; inquiry_at < '9999-12-31' (as the FDW sent them)
		{inquiryTable, []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: since}, {Column: "inquiry_at", Operator: "<=", Value: epoch.Add(-time.Microsecond)}}},
		{replyTable, []inprocess.Qual{{Column: "inquiry_at", Operator: "<", Value: time.Unix(-4852202632, 0)}}},
		// inquiry_at >= '1000-01-01' (as the FDW sends it: 2169)
		{productTable, []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: time.Date(2169, 2, 8, 23, 9, 7, 419103000, time.UTC)}}},
	} {
		last := c.quals[len(c.quals)-1]
		name := fmt.Sprintf("%s: %s %s %v", c.table, last.Column, last.Operator, last.Value)
		_, err := e.query(t, inprocess.Query{Table: c.table, Quals: c.quals, Limit: -1})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), last.Column+" "+last.Operator, name)
		assert.Contains(t, err.Error(), "Turbot's Postgres FDW", name)
		assert.Empty(t, e.sb.Log(), "%s: no request sent", name)
	}
	// The same columns with real values, and a list holding 0 (the FDW passes only constant lists).
	opt := myOptions(t, e.sb.Inquiries())[0]
	rows, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1,
		Quals: []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: []any{int64(0), opt}}}})
	require.NoError(t, err)
	assert.NotEmpty(t, rows)
	rows, err = e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{
		{Column: "inquiry_at", Operator: ">=", Value: since}, {Column: "inquiry_at", Operator: "<", Value: time.Date(2292, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	require.NoError(t, err)
	assert.NotEmpty(t, rows)
}

// TestEngineWrappedLimitIsNoLimit: the FDW adds LIMIT and OFFSET in a 32-bit int, so `limit
// 2147483647 offset 1` reaches the plugin as -2147483648 and `limit 3000000000` as -1294967296.
// Postgres still applies its own limit, so the plugin must stream every row, as for no limit.
func TestEngineWrappedLimitIsNoLimit(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // listings of the default lookback, compared
	e := newEnv(t, smallData, "")
	for _, table := range []string{inquiryTable, replyTable, productTable} {
		all, err := e.query(t, inprocess.Query{Table: table, Limit: -1})
		require.NoError(t, err)
		require.NotEmpty(t, all, table)
		for _, limit := range []int64{-2147483648, -1294967296} {
			rows, err := e.query(t, inprocess.Query{Table: table, Limit: limit})
			require.NoError(t, err)
			assert.Len(t, rows, len(all), "%s, limit %d", table, limit)
		}
	}
}

// TestEngineLimitWithUnappliedConditionIsRefused: Turbot's SQLite extension passes a LIMIT along with
// conditions the plugin does not apply, and sends `limit 5 offset 3` as limit 5 and a condition
// `inquiry_id NOOP 3`; SQLite would then skip or drop some of the 5 rows the scan ends after.
func TestEngineLimitWithUnappliedConditionIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	for _, table := range []string{inquiryTable, replyTable, productTable} {
		for _, c := range []struct {
			qual inprocess.Qual
			want string
		}{
			{inprocess.Qual{Column: "inquiry_id", Operator: "NOOP", Value: int64(3)}, "limit 5 offset 3"},
			{inprocess.Qual{Column: "content", Operator: "=", Value: "x"}, "limit 5 with a condition on content"},
			{inprocess.Qual{Column: "inquiry_id", Operator: ">", Value: int64(7)}, "limit 5 with a condition on inquiry_id"},
		} {
			_, err := e.query(t, inprocess.Query{Table: table, Quals: []inprocess.Qual{c.qual}, Limit: 5})
			require.Error(t, err, table)
			assert.Contains(t, err.Error(), c.want, table)
			assert.Contains(t, err.Error(), "materialized", table)
			assert.Empty(t, e.sb.Log(), "%s: no request sent", table)
			_, err = e.query(t, inprocess.Query{Table: table, Quals: []inprocess.Qual{c.qual}, Limit: -1})
			assert.NoError(t, err, "%s: %v without a limit", table, c.qual)
		}
		// Two such conditions: the error names the same column on every run, the first by name.
		for range 10 {
			_, err := e.query(t, inprocess.Query{Table: table, Limit: 5, Quals: []inprocess.Qual{
				{Column: "inquiry_id", Operator: ">", Value: int64(7)}, {Column: "content", Operator: "=", Value: "x"}}})
			require.ErrorContains(t, err, "limit 5 with a condition on content", table)
		}
		// A condition on sp_connection_name, which Turbot's FDW passes with a LIMIT, keeps every row of
		// the connection's scan or none.
		for name, want := range map[string]int{"coupang": 5, "coupang_other": 0} {
			rows, err := e.query(t, inprocess.Query{Table: table, Limit: 5,
				Quals: []inprocess.Qual{{Column: "sp_connection_name", Operator: "=", Value: name}}})
			require.NoError(t, err, table)
			assert.Len(t, rows, want, "%s, sp_connection_name = %s", table, name)
		}
		// offset 0 skips nothing (streamed: SQLite does not recheck a NOOP condition)
		rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: table, Limit: 5,
			Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "NOOP", Value: int64(0)}}})
		require.NoError(t, err, table)
		assert.Len(t, rows, 5, table)
	}
}

// TestEngineLimitWithUnappliedConditionOnAListLeaksNothing: an IN list that the SDK fans out into
// one scan per value, under such a limit, is refused by one copy: the SDK (v5.14.1) leaves the
// goroutine of every later error blocked for good.
func TestEngineLimitWithUnappliedConditionOnAListLeaksNothing(t *testing.T) {
	// Not parallel: it counts the process's goroutines, which parallel tests would add to.
	e := newEnv(t, smallData, "")
	baseline := len(ownGoroutines())
	options := e.sb.VendorItemIDs()[:3]
	for range 3 {
		_, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: 5, Quals: []inprocess.Qual{
			{Column: "vendor_item_id", Operator: "=", Value: options}, {Column: "content", Operator: "=", Value: "x"}}})
		require.ErrorContains(t, err, "limit 5 with a condition on content")
		assert.Empty(t, e.sb.Log(), "no request sent")
	}
	requireNoLeak(t, baseline)
}

// TestEngineTimeListStreamsEachRowOnce: `inquiry_at in (t1, t2)` and `inquiry_at > any(array[t1,
// t2])` arrive as one list qual, which the plugin reads as one listing per value; a row that more
// than one value admits (each widened for the FDW's time shift) must still be streamed once, in
// the listing, sorted and inquiry_id paths alike, and on the child and product tables.
func TestEngineTimeListStreamsEachRowOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	truth := truthRows(all)
	near, older := []any{all[len(all)-1].InquiryAt, all[len(all)-2].InquiryAt}, []any{all[len(all)-30].InquiryAt, all[len(all)-20].InquiryAt}
	for _, quals := range [][]inprocess.Qual{
		{{Column: "inquiry_at", Operator: "=", Value: near}},
		{{Column: "inquiry_at", Operator: ">", Value: older}},
		{{Column: "inquiry_at", Operator: ">", Value: older}, {Column: "inquiry_id", Operator: "=", Value: all[len(all)-1].InquiryID}},
	} {
		want := pairs(recheck(truth, quals, 0))
		require.NotEmpty(t, want)
		assertInquiriesOnceInBothOrders(t, e, quals, want)
		// A reply is one row per option of its inquiry.
		for table, id := range map[string][]string{replyTable: {"answer_id", "vendor_item_id"}, productTable: {"inquiry_id"}} {
			assertStreamedOnce(t, e, table, quals[:1], id...)
		}
	}
}

// assertInquiriesOnceInBothOrders runs quals on the inquiry table unsorted and sorted newest first
// (the listing and the sorted paths): each must stream the pairs want, none twice.
func assertInquiriesOnceInBothOrders(t *testing.T, e *env, quals []inprocess.Qual, want []string) {
	t.Helper()
	for _, sorted := range []bool{false, true} {
		q := inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1}
		if sorted {
			q.SortOrder = newestFirst()
		}
		rows, err := e.query(t, q) // fails on a pair streamed twice
		require.NoError(t, err, "%v", quals)
		assert.Equal(t, want, pairs(rows), "%v, sorted %v", quals, sorted)
	}
}

// assertStreamedOnce runs quals on table and fails on two rows alike in the columns id.
func assertStreamedOnce(t *testing.T, e *env, table string, quals []inprocess.Qual, id ...string) {
	t.Helper()
	rows, err := e.query(t, inprocess.Query{Table: table, Quals: quals, Limit: -1})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, r := range rows {
		var k []any
		for _, c := range id {
			k = append(k, r[c])
		}
		key := fmt.Sprint(k...)
		assert.False(t, seen[key], "%s %v: %v streamed twice", table, quals, k)
		seen[key] = true
	}
}

// TestEngineListWithNullStreamsEachRowOnce sends an IN list holding a NULL as Turbot's FDW sends it,
// a nil element (`vendor_item_id in (A, null)`), and one holding a list (`vendor_item_id in (A, B)
// or vendor_item_id = C`), which the plugin refused. The SDK runs one copy of the scan per element;
// the NULL's copy was not recognised as one, ran the whole list as well, and every row came twice
// (through the FDW: 128 rows for 64, and the same for inquiry_id, inquiry_at and order_id lists).
func TestEngineListWithNullStreamsEachRowOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	truth := truthRows(all)
	a, b, c := all[len(all)-1], all[len(all)-40], all[len(all)-20]
	since := inquiryAt(">=", b.InquiryAt.Add(-time.Hour))
	ordered := slices.DeleteFunc(slices.Clone(all[len(all)-40:]), func(i sandbox.Inquiry) bool { return i.OrderID == 0 })
	require.GreaterOrEqual(t, len(ordered), 3, "inquiries with an order")
	for _, q := range []inprocess.Qual{
		{Column: "vendor_item_id", Operator: "=", Value: []any{a.VendorItemIDs[0], nil}},
		{Column: "vendor_item_id", Operator: "=", Value: []any{nil, a.VendorItemIDs[0], b.VendorItemIDs[0]}},
		{Column: "vendor_item_id", Operator: "=", Value: []any{a.VendorItemIDs[0], nil, nil}},
		// The NULL as the Steampipe CLI's FDW hands it over, after gRPC: an empty value.
		{Column: "vendor_item_id", Operator: "=", Value: []any{&proto.QualValue{}, a.VendorItemIDs[0]}},
		{Column: "inquiry_id", Operator: "=", Value: []any{&proto.QualValue{}, a.InquiryID}},
		{Column: "inquiry_id", Operator: "=", Value: []any{a.InquiryID, nil}},
		{Column: "inquiry_at", Operator: "=", Value: []any{a.InquiryAt, nil}},
		{Column: "vendor_item_id", Operator: "=", Value: []any{nil, nil}},
		// An or of an in list and = on one column, as the FDW sends it: a list in the list.
		{Column: "vendor_item_id", Operator: "=", Value: []any{[]any{a.VendorItemIDs[0], b.VendorItemIDs[0]}, c.VendorItemIDs[0]}},
		{Column: "vendor_item_id", Operator: "=", Value: []any{c.VendorItemIDs[0], []any{a.VendorItemIDs[0], nil}}},
		{Column: "inquiry_id", Operator: "=", Value: []any{[]any{a.InquiryID, b.InquiryID}, []any{c.InquiryID}}},
		{Column: "inquiry_id", Operator: "=", Value: []any{[]any{a.InquiryID, c.InquiryID}, a.InquiryID}},
		{Column: "inquiry_at", Operator: "=", Value: []any{[]any{a.InquiryAt, b.InquiryAt}, c.InquiryAt}},
	} {
		quals := []inprocess.Qual{q, since}
		assertInquiriesOnceInBothOrders(t, e, quals, pairs(recheck(truth, quals, 0)))
		assertStreamedOnce(t, e, replyTable, quals, "answer_id", "vendor_item_id")
	}
	// truthRows has no order_id: a nested order_id list keeps the rows of the flat one.
	o := []any{ordered[0].OrderID, ordered[1].OrderID, ordered[2].OrderID}
	want := pairs(e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1,
		Quals: []inprocess.Qual{{Column: "order_id", Operator: "=", Value: o}, since}}))
	require.GreaterOrEqual(t, len(want), 3)
	nested := []inprocess.Qual{{Column: "order_id", Operator: "=", Value: []any{[]any{o[0], o[1]}, o[2]}}, since}
	assertInquiriesOnceInBothOrders(t, e, nested, want)
	assertStreamedOnce(t, e, replyTable, nested, "answer_id", "vendor_item_id")
}

// TestNullValueSendsNoRequest: a NULL compared with a key column, which Turbot's FDW sends as a qual
// with no value (a nested loop's outer row whose order_id is NULL), matches no row in Postgres, so
// the scan sends no request; it listed the whole range before, for Postgres to drop every row.
func TestNullValueSendsNoRequest(t *testing.T) {
	t.Parallel()
	null := (*proto.QualValue)(nil)
	for _, tc := range []struct{ table, column string }{
		{inquiryTable, "order_id"}, {inquiryTable, "vendor_item_id"}, {inquiryTable, "inquiry_id"}, {inquiryTable, "inquiry_at"},
		{inquiryTable, "partner_counseling_status"}, {replyTable, "inquiry_id"}, {replyTable, "answer_type"},
		{productTable, "answered_type"}, {productTable, "inquiry_at"}, {commentTable, "answered_type"},
	} {
		e := newEnv(t, smallData, "") // of its own: no other table's pages to reuse
		all := e.sb.Inquiries()
		rows := e.mustQuery(t, inprocess.Query{Table: tc.table, Limit: -1,
			Quals: []inprocess.Qual{{Column: tc.column, Operator: "=", Value: null}, inquiryAt(">=", all[len(all)-40].InquiryAt)}})
		assert.Empty(t, rows, "%s.%s = NULL", tc.table, tc.column)
		assert.Zero(t, e.sb.Requests(), "%s.%s = NULL: requests", tc.table, tc.column)
	}
}

// TestOrderIDListWithZeroUnderLimit: `order_id in (X, 0) limit 1` keeps X's inquiry. No order has
// ID 0; the 0 matched the inquiries without an order (order_id NULL, which Postgres then rejects),
// and they used up the pushed limit before X's variant ran: through the FDW, 0 rows where Postgres
// keeps 1.
func TestOrderIDListWithZeroUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	recent := all[len(all)-40:]
	i := slices.IndexFunc(recent, func(inq sandbox.Inquiry) bool { return inq.OrderID != 0 })
	require.GreaterOrEqual(t, i, 0, "an inquiry with an order")
	require.True(t, slices.ContainsFunc(recent, func(inq sandbox.Inquiry) bool { return inq.OrderID == 0 }), "inquiries without one")
	since := inquiryAt(">=", recent[0].InquiryAt)
	for _, ids := range [][]any{{recent[i].OrderID, int64(0)}, {int64(-2), int64(0), recent[i].OrderID}} {
		rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: 1,
			Quals: []inprocess.Qual{{Column: "order_id", Operator: "=", Value: ids}, since}})
		require.Len(t, rows, 1, "%v", ids)
		assert.Equal(t, recent[i].OrderID, rows[0]["order_id"], "%v: the row Postgres keeps", ids)
	}
}

// TestFoldedStatusListUnderLimit: a list that mixes Coupang's spelling of a status with another
// case of a second status keeps, under a plain =, only the rows of the first; under a pushed LIMIT
// the rows only the case-blind match keeps must not use up the limit before them.
func TestFoldedStatusListUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	const limit = 5
	for _, c := range []struct{ table, column, exact, folded string }{
		{inquiryTable, "inquiry_status", "progress", "COMPLETE"},
		{inquiryTable, "cs_partner_counseling_status", "requestAnswer", "ANSWERED"},
		{replyTable, "answer_type", "csAgent", "VENDOR"},
	} {
		q := inprocess.Query{Table: c.table, Limit: -1,
			Quals: []inprocess.Qual{{Column: c.column, Operator: "=", Value: []any{c.exact, c.folded}}}}
		all := e.mustQuery(t, q)
		require.Greater(t, len(all), limit, "%s: enough rows of %s", c.column, c.exact)
		q.Limit = limit
		assert.Len(t, e.mustQuery(t, q), limit, "%s in (%q, %q) limit %d", c.column, c.exact, c.folded, limit)
	}
}

// TestLocalStatusListIsOneListing: the plugin filters inquiry_status and
// cs_partner_counseling_status itself, so a list of their values costs the requests of one listing,
// not one listing per value.
func TestLocalStatusListIsOneListing(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // two listings of the default lookback, compared
	e := newEnv(t, smallData, "")
	count := func(quals ...inprocess.Qual) (rows int, requests int64) {
		before := e.sb.Requests()
		rows = len(e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: quals}))
		return rows, e.sb.Requests() - before
	}
	allRows, listing := count()
	rows, requests := count(inprocess.Qual{Column: "inquiry_status", Operator: "=", Value: []any{"progress", "complete"}},
		inprocess.Qual{Column: "cs_partner_counseling_status", Operator: "=", Value: []any{"answered", "requestAnswer"}})
	assert.Equal(t, allRows, rows, "every inquiry is progress or complete, answered or requestAnswer")
	assert.Equal(t, listing, requests, "requests of the lists against one listing")
}

// TestTimeRangeListUnderLimit: Turbot's FDW passes `inquiry_at < all(array[t1, t2])` as it passes
// `< any(...)` (a "<" with a list value), so under a pushed LIMIT the plugin cannot tell which rows
// Postgres keeps. Read as `any`, `inquiry_at >= t1 - 20h and inquiry_at < all(array[t1, t1 + 3
// days]) limit 1` streamed a row after t1, which Postgres drops, instead of the row before t1 it
// returns; such a list is refused under a limit.
func TestTimeRangeListUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	inq := all[len(all)/2]
	t1 := inq.InquiryAt.Add(time.Second)
	lower := inquiryAt(">=", t1.Add(-20*time.Hour))
	q := inprocess.Query{Table: inquiryTable, Limit: 1, Quals: []inprocess.Qual{lower,
		inquiryAt("<", []any{t1, t1.AddDate(0, 0, 3)})}}
	rows, err := e.query(t, q)
	if err == nil { // what Postgres keeps of them under `< all`: before t1
		kept := recheck(rows, []inprocess.Qual{lower, inquiryAt("<", t1)}, 0)
		assert.Len(t, kept, 1, "streamed %v for limit 1; Postgres keeps %v (%s)", ids(rows), ids(kept), inq.InquiryAt)
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "all(")
}

// TestHeldRowsDoNotShrinkPages: under a LIMIT, rows a time bound keeps in some session TimeZones
// only are held back until the fetch ends, so it reads on past them. Bounds whose widened range
// is whole Korean days (a lower bound at 14:00 and an upper one at 12:00 Korean time) made the
// planner shrink the pages to the limit: `limit 5` over two days of such rows read them 5 at a
// time, 5 requests where the listing without the limit took 1.
func TestHeldRowsDoNotShrinkPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	// From 14:00 of a past day to 12:00 the next, the first such span from five days ago back that
	// holds more rows than the limit: how many a day has depends on the date.
	truth, today := truthRows(e.sb.Inquiries()), api.KoreanDate(time.Now())
	var quals []inprocess.Qual
	for back := 5; back < smallData.Days-1 && quals == nil; back++ {
		day := today.AddDate(0, 0, -back)
		span := []inprocess.Qual{inquiryAt(">=", day.Add(14*time.Hour)), inquiryAt("<", day.AddDate(0, 0, 1).Add(12*time.Hour))}
		if len(recheck(truth, span, 0)) > 5 {
			quals = span
		}
	}
	require.NotNil(t, quals, "the data must hold a span of more than 5 rows")
	all := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1})
	listing := len(e.sb.Log())
	require.Greater(t, len(all), 5)
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: 5})
	assert.Len(t, rows, 5)
	assert.LessOrEqual(t, len(e.sb.Log()), listing, "the limit costs no more requests than the whole listing")
	for _, rec := range e.sb.Log() {
		assert.Equal(t, "30", queryParam(rec, "pageSize"))
	}
}
