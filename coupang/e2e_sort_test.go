package coupang_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// newestFirst is `ORDER BY inquiry_at DESC` as the FDW pushes it down: new messages for each
// query, as the FDW sends them, so that parallel tests share no protobuf message.
func newestFirst() []*proto.SortColumn {
	return []*proto.SortColumn{{Column: "inquiry_at", Order: proto.SortOrder_Desc}}
}

// sortData is a sandbox with rows in every hour of the day, so that the newest window takes
// several pages.
var sortData = sandbox.Options{Seed: 31, Days: 200, PerDay: 12}

// times returns the inquiry_at column of rows, in stream order.
func times(rows []map[string]any) []time.Time {
	out := make([]time.Time, 0, len(rows))
	for _, r := range rows {
		out = append(out, r["inquiry_at"].(time.Time))
	}
	return out
}

// requireNewestFirst asserts rows were streamed in non-increasing inquiry_at.
func requireNewestFirst(t *testing.T, rows []map[string]any) {
	t.Helper()
	ts := times(rows)
	require.True(t, slices.IsSortedFunc(ts, func(a, b time.Time) int { return b.Compare(a) }), "rows newest first")
}

// TestLatestNReadsOnlyTheNewestWindow: `ORDER BY inquiry_at DESC LIMIT 5` over 180 days returns the
// five newest rows, newest first, for the requests of the newest window's pages alone.
func TestLatestNReadsOnlyTheNewestWindow(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // its plan's newest window must be the plugin's
	e := newEnv(t, sortData, "")
	clock := e.useStepClock()
	all := e.sb.Inquiries()
	lo := api.KoreanDate(time.Now()).AddDate(0, 0, -179)
	quals := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}}
	plan, err := query.Build(query.Quals{InquiryAt: []query.Bound{{Op: query.OpGe, Value: lo}}, Limit: -1}, time.Now(), 7)
	require.NoError(t, err)
	require.Greater(t, len(plan.Windows), 20)
	newest := pagesOf(all, plan.Windows[0].Requests[0])
	require.Greater(t, newest, 1, "the newest window must take several pages")

	// One row per inquiry and option ID: an inquiry about two options is two of the five.
	newestFive := times(truthRows(all))
	slices.SortFunc(newestFive, func(a, b time.Time) int { return b.Compare(a) })
	newestFive = newestFive[:5]
	for _, table := range []string{inquiryTable, replyTable} {
		clock.advance(time.Hour) // no reuse of the other table's pages
		rows := e.mustQuery(t, inprocess.Query{Table: table, Quals: quals, Limit: 5, SortOrder: newestFirst()})
		require.Len(t, rows, 5, table)
		requireNewestFirst(t, rows)
		if table == inquiryTable {
			for i, at := range times(rows) {
				assert.True(t, newestFive[i].Equal(at), "row %d", i)
			}
			keys := canonical(rows)
			assert.Len(t, slices.Compact(slices.Sorted(slices.Values(keys))), len(keys), "no row twice")
		}
		assert.Equal(t, newest, len(e.sb.Log()), "%s: the newest window's pages and nothing more", table)
	}
	// No condition at all: the default lookback's newest window.
	clock.advance(time.Hour)
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: 5, SortOrder: newestFirst()})
	require.Len(t, rows, 5)
	requireNewestFirst(t, rows)
	assert.Equal(t, newest, len(e.sb.Log()))
}

// TestSortedScanIsNewestFirst: without a limit, a sorted scan over several windows streams every
// row exactly once, newest first, in both tables and for an ID list.
func TestSortedScanIsNewestFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	lo, hi := threeWindows()
	want, _ := expectedIn(t, e.sb.Inquiries(), lo, hi)
	for _, table := range []string{inquiryTable, replyTable} {
		rows := within(e.mustQuery(t, inprocess.Query{Table: table, Quals: between(lo, hi), Limit: -1, SortOrder: newestFirst()}), lo, hi)
		requireNewestFirst(t, rows)
		if table == inquiryTable {
			assert.Equal(t, want, slices.Compact(ids(rows)))
			assert.Len(t, canonical(rows), len(slices.Compact(canonical(rows))), "no row twice")
		}
	}
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: want[:40]}}, Limit: -1, SortOrder: newestFirst()})
	requireNewestFirst(t, rows)
	assert.Equal(t, want[:40], slices.Compact(ids(rows)))
}

// TestSortedLimitUnderUpperBoundIsRefused: under a pushed sort and limit, rows in doubt under an
// upper bound would come first and might be dropped by Postgres after counting toward the limit:
// the scan fails with a message saying how to ask, instead of returning too few rows.
func TestSortedLimitUnderUpperBoundIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	lo, hi := threeWindows()
	_, err := e.query(t, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: 5, SortOrder: newestFirst()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ORDER BY inquiry_at DESC, inquiry_id DESC")
	// Without the limit the same scan is exact (Postgres drops what it rejects, nothing is cut).
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1, SortOrder: newestFirst()})
	requireNewestFirst(t, rows)

	// An in-process caller whose bounds are exact (WithExactQuals) has no row in doubt: the limited
	// scan returns the newest rows up to the bound.
	rows, err = runQuery(coupang.WithExactQuals(t.Context()), e.r,
		inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: 5, SortOrder: newestFirst()})
	require.NoError(t, err)
	require.Len(t, rows, 5)
	requireNewestFirst(t, rows)
	var newest time.Time
	for _, inq := range e.sb.Inquiries() {
		if !inq.InquiryAt.After(hi) && inq.InquiryAt.After(newest) {
			newest = inq.InquiryAt
		}
	}
	assert.True(t, newest.Equal(rows[0]["inquiry_at"].(time.Time)), "the newest row up to the bound comes first")
}

// TestSortedLimitUnderUpperBoundRefusesOnlyRowsInDoubt: the refusal above depends on the data. An
// option whose inquiries leave the hours around the bound empty (14 before it to 12 after) has no
// row in doubt, so the same kind of scan is answered, exactly; a bound on one of its inquiries is refused.
func TestSortedLimitUnderUpperBoundRefusesOnlyRowsInDoubt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	byOption := map[int64][]time.Time{}
	for _, inq := range e.sb.Inquiries() {
		for _, id := range inq.VendorItemIDs { // an option named twice makes a gap of 0, never picked
			byOption[id] = append(byOption[id], inq.InquiryAt)
		}
	}
	today := api.KoreanDate(time.Now())
	for _, option := range slices.Sorted(maps.Keys(byOption)) { // the same option on every run
		ts := slices.SortedFunc(slices.Values(byOption[option]), time.Time.Compare)
		for i := 1; i < len(ts); i++ {
			older, newer := ts[i-1], ts[i]
			if newer.Sub(older) <= 28*time.Hour || older.Before(today.AddDate(0, 0, -20)) || !newer.Before(today) {
				continue
			}
			hi := older.Add(14*time.Hour + 30*time.Minute) // older is surely kept, newer surely dropped
			quals := append(between(older.AddDate(0, 0, -3), hi), inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: option})
			rows, err := e.query(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: 1, SortOrder: newestFirst()})
			require.NoError(t, err, "no row lies in doubt around %v", hi)
			require.Len(t, rows, 1)
			assert.True(t, older.Equal(rows[0]["inquiry_at"].(time.Time)), "the option's newest inquiry up to the bound")

			quals = append(between(older.AddDate(0, 0, -3), newer), inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: option})
			_, err = e.query(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: 1, SortOrder: newestFirst()})
			require.ErrorContains(t, err, "ORDER BY inquiry_at DESC, inquiry_id DESC", "an inquiry on the bound is in doubt")
			return
		}
	}
	t.Fatal("no option of the sandbox has a gap of more than 28 hours between two inquiries of the last 20 days")
}
