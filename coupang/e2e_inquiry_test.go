package coupang_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var smallData = sandbox.Options{Seed: 7, Days: 40, PerDay: 8, HotInquiries: 45}

// TestInquiryTableMatchesSandbox runs the contract's query shapes and compares every result with
// the sandbox's data computed independently, and every request count with the minimum.
func TestInquiryTableMatchesSandbox(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // its expected windows and default lookback are the plugin's
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	now := time.Now()
	hot := e.sb.HotVendorItemID()
	// An ordinary option ID with several inquiries, and a second one for IN lists.
	var opt, opt2 int64
	for _, id := range e.sb.VendorItemIDs() {
		if id != hot && e.sb.VendorItemCount(id) >= 3 {
			if opt == 0 {
				opt = id
			} else if opt2 == 0 {
				opt2 = id
			}
		}
	}
	require.NotZero(t, opt2)
	lo30 := now.Add(-30 * 24 * time.Hour)
	lo10 := now.Add(-10 * 24 * time.Hour)
	// A recent inquiry with an order, for order_id (default 7-day lookback).
	var order int64
	for _, inq := range slices.Backward(all) {
		if inq.OrderID != 0 && now.Sub(inq.InquiryAt) < 3*24*time.Hour {
			order = inq.OrderID
			break
		}
	}
	require.NotZero(t, order)

	inRange := func(inq sandbox.Inquiry, lo, hi time.Time) bool {
		return !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi)
	}
	type tc struct {
		name   string
		quals  []inprocess.Qual
		qq     query.Quals // the same quals for the planner, to compute the minimum request count
		keep   func(sandbox.Inquiry) bool
		option int64 // the option ID vendor_item_id must equal, if any
	}
	cases := []tc{
		{name: "30-day BETWEEN", quals: between(lo30, now),
			qq:   query.Quals{InquiryAt: []query.Bound{{Op: ">=", Value: lo30}, {Op: "<=", Value: now}}},
			keep: func(i sandbox.Inquiry) bool { return inRange(i, lo30, now) }},
		{name: "option ID alone (paged, no dates)", quals: []inprocess.Qual{{Column: "vendor_item_id", Operator: "=", Value: hot}},
			qq:   query.Quals{VendorItemID: [][]int64{{hot}}},
			keep: func(i sandbox.Inquiry) bool { return slices.Contains(i.VendorItemIDs, hot) }, option: hot},
		{name: "option ID with a range", quals: append(between(lo10, now), inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: hot}),
			qq:   query.Quals{VendorItemID: [][]int64{{hot}}, InquiryAt: []query.Bound{{Op: ">=", Value: lo10}, {Op: "<=", Value: now}}},
			keep: func(i sandbox.Inquiry) bool { return slices.Contains(i.VendorItemIDs, hot) && inRange(i, lo10, now) }, option: hot},
		{name: "IN list of option IDs", quals: append(between(lo30, now), inprocess.Qual{Column: "vendor_item_id", Operator: "=", Value: []any{opt, opt2}}),
			qq: query.Quals{VendorItemID: [][]int64{{opt, opt2}}, InquiryAt: []query.Bound{{Op: ">=", Value: lo30}, {Op: "<=", Value: now}}},
			keep: func(i sandbox.Inquiry) bool {
				return (slices.Contains(i.VendorItemIDs, opt) || slices.Contains(i.VendorItemIDs, opt2)) && inRange(i, lo30, now)
			}},
		{name: "order ID", quals: []inprocess.Qual{{Column: "order_id", Operator: "=", Value: order}},
			qq: query.Quals{OrderID: [][]int64{{order}}},
			keep: func(i sandbox.Inquiry) bool {
				return i.OrderID == order && !api.KoreanDate(i.InquiryAt).Before(api.KoreanDate(now).AddDate(0, 0, -6))
			}},
	}
	for _, status := range api.PartnerCounselingStatuses {
		cases = append(cases, tc{name: "status " + status,
			quals: append(between(lo10, now), inprocess.Qual{Column: "partner_counseling_status", Operator: "=", Value: status}),
			qq:    query.Quals{PartnerCounselingStatus: [][]string{{status}}, InquiryAt: []query.Bound{{Op: ">=", Value: lo10}, {Op: "<=", Value: now}}},
			keep:  func(i sandbox.Inquiry) bool { return sandbox.MatchesStatus(i, status) && inRange(i, lo10, now) }})
	}
	index := byID(all)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: c.quals, Limit: -1})
			want := expectIDs(all, c.keep)
			require.NotEmpty(t, want, "the case must select something")
			assert.Equal(t, want, ids(rows))
			assert.Len(t, e.sb.Log(), minRequests(t, all, c.qq), "requests")
			e.requireAllOK(t)
			for _, row := range rows {
				inq := index[row["inquiry_id"].(int64)]
				// Timestamps are the sandbox's Korean times as instants.
				assert.True(t, inq.InquiryAt.Equal(row["inquiry_at"].(time.Time)), "inquiry_at of %d", inq.InquiryID)
				if c.option != 0 {
					assert.Equal(t, c.option, row["vendor_item_id"])
				} else {
					assert.Contains(t, inq.VendorItemIDs, row["vendor_item_id"])
				}
				assert.Equal(t, e.sb.VendorID(), row["vendor_id"])
			}
		})
	}
}

// TestInquiryExactTimeBounds checks bounds to the second: >= t keeps the inquiry at t, > t drops it.
func TestInquiryExactTimeBounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	// Bounds on two real inquiries' times, so both operators have something to keep.
	at := all[len(all)-20].InquiryAt
	hi := all[len(all)-10].InquiryAt.Add(time.Second)
	for _, op := range []string{">=", ">"} {
		rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{
			{Column: "inquiry_at", Operator: op, Value: at}, {Column: "inquiry_at", Operator: "<", Value: hi}}})
		want := expectIDs(all, func(i sandbox.Inquiry) bool {
			return (i.InquiryAt.After(at) || (op == ">=" && i.InquiryAt.Equal(at))) && i.InquiryAt.Before(hi)
		})
		require.NotEmpty(t, want)
		assert.Equal(t, want, ids(rows), op)
	}
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_at", Operator: "=", Value: at}}})
	assert.Equal(t, expectIDs(all, func(i sandbox.Inquiry) bool { return i.InquiryAt.Equal(at) }), ids(rows))

	// inquiry_at = X is pushed down: an instant older than the default lookback is found too.
	old := all[len(all)/2].InquiryAt
	require.True(t, old.Before(time.Now().AddDate(0, 0, -query.DefaultLookbackDays-1)), "older than the default lookback")
	rows = e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_at", Operator: "=", Value: old}}})
	require.NotEmpty(t, rows)
	assert.Equal(t, expectIDs(all, func(i sandbox.Inquiry) bool { return i.InquiryAt.Equal(old) }), ids(rows))
}

// TestInquiryLimitAndEmpty checks that limit 5 makes exactly one request and that key quals
// selecting nothing make none.
func TestInquiryLimitAndEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: 5})
	assert.Len(t, rows, 5)
	reqs := e.requestsTo(listEndpoint)
	require.Len(t, reqs, 1)
	assert.Equal(t, "5", queryParam(reqs[0], "pageSize"))

	now := time.Now()
	for name, quals := range map[string][]inprocess.Qual{
		"inverted range":       between(now, now.Add(-48*time.Hour)),
		"future range":         between(now.Add(72*time.Hour), now.Add(96*time.Hour)),
		"contradictory orders": {{Column: "order_id", Operator: "=", Value: int64(1)}, {Column: "order_id", Operator: "=", Value: int64(2)}},
	} {
		rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1})
		assert.Empty(t, rows, name)
		assert.Empty(t, e.sb.Log(), name+": no request")
	}
	contradictoryTypes := []inprocess.Qual{{Column: "answer_type", Operator: "=", Value: "vendor"}, {Column: "answer_type", Operator: "=", Value: "csAgent"}}
	rows = e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: contradictoryTypes, Limit: -1})
	assert.Empty(t, rows, "contradictory answer types")
	assert.Empty(t, e.sb.Log(), "contradictory answer types: no request")
}

// TestInquiryGet checks that inquiry_id = X reads the single-inquiry endpoint, that an unknown ID
// is no row, and that a vendor error still fails.
func TestInquiryGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	inq := all[len(all)/2]
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: inq.InquiryID}}})
	require.Len(t, rows, 1)
	assert.True(t, inq.InquiryAt.Equal(rows[0]["inquiry_at"].(time.Time)))
	assert.Equal(t, inq.ItemName, rows[0]["title"])
	log := e.sb.Log()
	require.Len(t, log, 1)
	assert.Equal(t, api.InquiryPath(inq.InquiryID), log[0].Path)

	rows = e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: int64(999)}}})
	assert.Empty(t, rows)

	bad := newEnv(t, smallData, "")
	r, err := inprocess.New(t.Context(), "wrong_vendor", strings.Replace(bad.cfg, bad.sb.VendorID(), "A99999999", 1), append(rowMode(), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err)
	_, err = runQuery(t.Context(), r, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: inq.InquiryID}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vendor_id")
}

// TestINListLimitCarriesOver: under a limit, each value of an IN list that splits the listing asks
// only for the rows the values before it left of the limit.
func TestINListLimitCarriesOver(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // two listings of the default lookback, compared
	e := newEnv(t, sandbox.Options{Seed: 7, Days: 10, PerDay: 3}, "")
	in := []inprocess.Qual{{Column: "partner_counseling_status", Operator: "=", Value: []any{api.StatusAnswer, api.StatusNoAnswer}}}
	// The data are dated relative to today: count each status's rows first, and take a limit that
	// the first listing cannot meet alone, whichever status is listed first.
	per := map[string]int{}
	for _, r := range e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: -1, Quals: in}) {
		per[r["partner_counseling_status"].(string)]++
	}
	require.Positive(t, per[api.StatusAnswer])
	require.Positive(t, per[api.StatusNoAnswer])
	limit := max(per[api.StatusAnswer], per[api.StatusNoAnswer]) + 1
	require.Less(t, limit, api.MaxPageSize, "a limit below the page size sets the page size")

	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Limit: int64(limit), Quals: in})
	assert.Len(t, rows, limit)
	reqs := e.requestsTo(listEndpoint) // e.query resets the log
	require.Len(t, reqs, 2, "one page per status")
	assert.Equal(t, strconv.Itoa(limit), queryParam(reqs[0], "pageSize"))
	first := queryParam(reqs[0], "partnerCounselingStatus")
	assert.Equal(t, strconv.Itoa(limit-per[first]), queryParam(reqs[1], "pageSize"), "what the first status left")
}

// TestUnknownStatusInAListFailsBeforeAnyRow: a listing-status IN list holding an unknown value
// fails the scan before any row streams or any request is sent, on every table, however the list
// is ordered: an error after rows can be lost by Turbot's FDW, which then returns the rows so far
// as the whole result.
func TestUnknownStatusInAListFailsBeforeAnyRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	since := inquiryAt(">=", api.KoreanDate(time.Now()).AddDate(0, 0, -5))
	for _, c := range []struct{ table, column, good, bad string }{
		{inquiryTable, "partner_counseling_status", "ANSWER", "BOGUS"},
		{inquiryTable, "partner_counseling_status", "NO_ANSWER", "ANSWERD"},
		{replyTable, "partner_counseling_status", "ANSWER", "TRANSFERED"},
		{productTable, "answered_type", "ANSWERED", "answered"},
		{commentTable, "answered_type", "ALL", "NOANSWR"},
	} {
		status := inprocess.Qual{Column: c.column, Operator: "=", Value: []any{c.good, c.bad}}
		e.sb.ResetLog()
		rows, err := streamed(t.Context(), e.r, inprocess.Query{Table: c.table, Quals: []inprocess.Qual{since, status}, Limit: -1})
		require.Error(t, err, "%s %s", c.table, c.bad)
		assert.Contains(t, err.Error(), fmt.Sprintf("unknown %s %q: use one of", c.column, c.bad))
		assert.Empty(t, rows, "%s: no row may stream before the error", c.table)
		assert.Empty(t, e.sb.Log(), "%s: no request", c.table)
	}
}
