package coupang

import (
	"context"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/quals"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func i64(v int64) *proto.QualValue {
	return &proto.QualValue{Value: &proto.QualValue_Int64Value{Int64Value: v}}
}
func str(v string) *proto.QualValue {
	return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: v}}
}
func ts(t time.Time) *proto.QualValue {
	return &proto.QualValue{Value: &proto.QualValue_TimestampValue{TimestampValue: timestamppb.New(t)}}
}
func list(vs ...*proto.QualValue) *proto.QualValue {
	return &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: vs}}}
}

type q struct {
	col, op string
	v       *proto.QualValue
}

func qualMap(qs ...q) plugin.KeyColumnQualMap {
	m := plugin.KeyColumnQualMap{}
	for _, x := range qs {
		if m[x.col] == nil {
			m[x.col] = &plugin.KeyColumnQuals{Name: x.col}
		}
		m[x.col].Quals = append(m[x.col].Quals, &quals.Qual{Column: x.col, Operator: x.op, Value: x.v})
	}
	return m
}

func TestConvertQuals(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 1, 9, 15, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 1, 15, 14, 59, 59, 0, time.UTC)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	nextYear := now.AddDate(0, 11, 0)
	tests := []struct {
		name    string
		quals   plugin.KeyColumnQualMap
		limit   int64
		replies bool
		exact   bool // WithExactQuals
		want    query.Quals
		wantErr string
	}{
		{name: "none", limit: -1, want: query.Quals{Limit: -1}},
		{name: "between and limit", quals: qualMap(q{colInquiryAt, ">=", ts(t1)}, q{colInquiryAt, "<=", ts(t2)}), limit: 5,
			want: query.Quals{Limit: 5, InquiryAt: []query.Bound{{Op: ">=", Value: t1}, {Op: "<=", Value: t2}}}},
		{name: "inquiry_at IN list and null", quals: qualMap(q{colInquiryAt, "=", list(ts(t1), ts(t2))}, q{colInquiryAt, ">", &proto.QualValue{}}), limit: -1,
			want: query.Quals{Limit: -1, InquiryAtAny: [][]query.Bound{{{Op: "=", Value: t1}, {Op: "=", Value: t2}}, {}}}},
		{name: "a NULL without a value matches nothing", quals: qualMap(q{colOrderID, "=", nil}, q{colInquiryAt, "<", nil}), limit: -1,
			want: query.Quals{Limit: -1, OrderID: [][]int64{{}}, InquiryAtAny: [][]query.Bound{{}}}},
		{name: "option id scalar and IN list", quals: qualMap(q{colVendorItemID, "=", i64(7)}, q{colVendorItemID, "=", list(i64(7), i64(8))}), limit: -1,
			want: query.Quals{Limit: -1, VendorItemID: [][]int64{{7}, {7, 8}}}},
		{name: "statuses and order id", quals: qualMap(q{colPartnerCounselingStatus, "=", str("ANSWER")}, q{colInquiryStatus, "=", str("complete")},
			q{colCSPartnerCounselingStatus, "=", str("answered")}, q{colOrderID, "=", i64(42)}), limit: -1,
			want: query.Quals{Limit: -1, PartnerCounselingStatus: [][]string{{"ANSWER"}}, InquiryStatus: [][]string{{"complete"}},
				CSPartnerCounselingStatus: [][]string{{"answered"}}, OrderID: [][]int64{{42}}}},
		{name: "IN lists are sets, nulls dropped", quals: qualMap(q{colAnsweredType, "=", list(str("ANSWERED"), &proto.QualValue{}, str("ALL"))}, q{colOrderID, "=", list(i64(1), i64(2))}), limit: -1,
			want: query.Quals{Limit: -1, PartnerCounselingStatus: [][]string{{"ANSWERED", "ALL"}}, OrderID: [][]int64{{1, 2}}}},
		{name: "reply keys become sets", quals: qualMap(q{colInquiryID, "=", list(i64(3), i64(1), i64(3))}, q{colInquiryID, "=", i64(3)}, q{colAnswerType, "=", str("vendor")}), limit: 2, replies: true,
			want: query.Quals{Limit: 2, LimitCountsReplies: true, InquiryID: [][]int64{{3, 1, 3}, {3}}, AnswerType: [][]string{{"vendor"}}}},
		{name: "contradictory answer types are two sets", quals: qualMap(q{colAnswerType, "=", str("vendor")}, q{colAnswerType, "=", str("csAgent")}), limit: -1, replies: true,
			want: query.Quals{Limit: -1, LimitCountsReplies: true, AnswerType: [][]string{{"vendor"}, {"csAgent"}}}},
		{name: "a list may hold 0 (only a constant list is passed)", quals: qualMap(q{colVendorItemID, "=", list(i64(0), i64(7))}), limit: -1,
			want: query.Quals{Limit: -1, VendorItemID: [][]int64{{0, 7}}}},
		{name: "a second after 2000-01-01 UTC", quals: qualMap(q{colInquiryAt, ">=", ts(postgresEpoch.Add(time.Second))}), limit: -1,
			want: query.Quals{Limit: -1, InquiryAt: []query.Bound{{Op: ">=", Value: postgresEpoch.Add(time.Second)}}}},
		{name: "scalar subquery: option ID", quals: qualMap(q{colVendorItemID, "=", i64(0)}), limit: -1,
			wantErr: "vendor_item_id = 0: this is what Turbot's Postgres FDW (which the Steampipe CLI runs too) passes for a value computed by a scalar subquery, such as vendor_item_id = (select ...)"},
		{name: "scalar subquery: order ID", quals: qualMap(q{colOrderID, "=", i64(0)}), limit: -1, wantErr: "order_id = 0: this is what"},
		{name: "scalar subquery: inquiry ID", quals: qualMap(q{colInquiryID, "=", i64(0)}), limit: -1, wantErr: "inquiry_id = 0: this is what"},
		// A join or an in (select ...) sends = 0 for a 0 of the user's: the error says to leave it out.
		{name: "a 0 of a join or subquery", quals: qualMap(q{colInquiryID, "=", i64(0)}), limit: -1,
			wantErr: "If the 0 comes from a table or subquery of yours (a join, inquiry_id in (select ...)), leave it out there, as in where id <> 0"},
		{name: "scalar subquery: upper time bound", quals: qualMap(q{colInquiryAt, "<=", ts(postgresEpoch)}), limit: -1,
			wantErr: "inquiry_at <= '2000-01-01 00:00:00+00': this is what"},
		{name: "scalar subquery: status", quals: qualMap(q{colAnsweredType, "=", str("?")}), limit: -1, wantErr: "answered_type = '?': this is what"},
		{name: "infinity as the FDW wraps it", quals: qualMap(q{colInquiryAt, ">=", ts(t1)}, q{colInquiryAt, "<", ts(postgresEpoch.Add(-time.Microsecond))}), limit: -1,
			wantErr: "inquiry_at < '1999-12-31 23:59:59.999999+00': no Coupang inquiry is that old"},
		{name: "9999-12-31 as the FDW wraps it", quals: qualMap(q{colInquiryAt, "<=", ts(time.Unix(-4852202632, 0))}), limit: -1,
			wantErr: "inquiry_at <= '1816-03-29 05:56:08+00': no Coupang inquiry is that old"},
		{name: "an old lower bound reads from 2010", quals: qualMap(q{colInquiryAt, ">", ts(time.Unix(-4852202632, 0))}), limit: -1,
			want: query.Quals{Limit: -1, InquiryAt: []query.Bound{{Op: ">", Value: time.Unix(-4852202632, 0).UTC()}}}},
		{name: "1000-01-01 as the FDW wraps it", quals: qualMap(q{colInquiryAt, ">=", ts(time.Date(2169, 2, 8, 23, 9, 7, 419103000, time.UTC))}), limit: -1,
			wantErr: "inquiry_at >= '2169-02-08 23:09:07.419103+00': no Coupang inquiry is that new"},
		{name: "a lower bound 13 months ahead", quals: qualMap(q{colInquiryAt, ">", ts(now.AddDate(0, 13, 0))}), limit: -1,
			wantErr: "inquiry_at > '2028-01-01 09:00:00+00': no Coupang inquiry is that new, so this would match nothing; Turbot's Postgres FDW (which the Steampipe CLI runs too) passes such a time for any time before 1708, which it wraps around: to read every inquiry, write inquiry_at >= '2010-01-01' (Coupang has none before 2010)"},
		{name: "a lower bound within the next year", quals: qualMap(q{colInquiryAt, ">=", ts(nextYear)}), limit: -1,
			want: query.Quals{Limit: -1, InquiryAt: []query.Bound{{Op: ">=", Value: nextYear}}}},
		// The export's values are the user's own: 0 and an old time match nothing, as in Postgres.
		{name: "exact: an ID of 0", quals: qualMap(q{colInquiryID, "=", i64(0)}), limit: -1, exact: true,
			want: query.Quals{Limit: -1, ExactTimes: true, InquiryID: [][]int64{{0}}}},
		{name: "exact: a bound before 2010", quals: qualMap(q{colInquiryAt, "<", ts(postgresEpoch)}), limit: -1, exact: true,
			want: query.Quals{Limit: -1, ExactTimes: true, InquiryAt: []query.Bound{{Op: "<", Value: postgresEpoch}}}},
		{name: "wrong type", quals: qualMap(q{colOrderID, "=", str("x")}), limit: -1, wantErr: "order_id: expected an integer"},
		// SQLite passes an integer column's text as text, and compares a whole number in it as the number.
		{name: "a whole number as text", quals: qualMap(q{colVendorItemID, "=", list(str(" 452907446 "), i64(7))}, q{colOrderID, "=", str("12")}), limit: -1,
			want: query.Quals{Limit: -1, VendorItemID: [][]int64{{452907446, 7}}, OrderID: [][]int64{{12}}}},
		{name: "a decimal as text", quals: qualMap(q{colInquiryID, "=", str("1.0")}), limit: -1, wantErr: "inquiry_id: expected an integer"},
		{name: "a number as a status", quals: qualMap(q{colInquiryStatus, "=", str("1")}), limit: -1,
			want: query.Quals{Limit: -1, InquiryStatus: [][]string{{"1"}}}},
		{name: "wrong status type", quals: qualMap(q{colInquiryStatus, "=", list(i64(1))}), limit: -1, wantErr: "inquiry_status: expected text"},
		{name: "wrong time type", quals: qualMap(q{colInquiryAt, ">", i64(1)}), limit: -1, wantErr: "inquiry_at: expected a timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := convertQuals(tt.quals, tt.limit, tt.replies, tt.exact, now)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestFanOutFind checks the recognition of the SDK's per-value copies of an IN qual: only the
// copy holding the list's first element leads.
func TestFanOutFind(t *testing.T) {
	t.Parallel()
	a, b := i64(1), i64(2)
	orig := qualMap(q{colVendorItemID, "=", list(a, b)})[colVendorItemID]
	fans := &fanOuts{}
	f, leader, _ := fans.find("", orig, qualMap(q{colVendorItemID, "=", a})[colVendorItemID])
	assert.NotNil(t, f)
	assert.True(t, leader)
	f, leader, _ = fans.find("", orig, qualMap(q{colVendorItemID, "=", b})[colVendorItemID])
	assert.NotNil(t, f)
	assert.False(t, leader)
	// An equal value that is not the list's element is a plain qual, not a copy.
	f, _, _ = fans.find("", orig, qualMap(q{colVendorItemID, "=", i64(1)})[colVendorItemID])
	assert.Nil(t, f)
	// The unmodified original is not a copy.
	f, _, _ = fans.find("", orig, orig)
	assert.Nil(t, f)

	// The copies of another connection (an aggregator's children share the QueryContext) have a
	// fan-out of their own.
	fans = &fanOuts{}
	f1, _, _ := fans.find("c1", orig, qualMap(q{colVendorItemID, "=", a})[colVendorItemID])
	f2, leader, _ := fans.find("c2", orig, qualMap(q{colVendorItemID, "=", a})[colVendorItemID])
	require.NotNil(t, f2)
	assert.NotSame(t, f1, f2)
	assert.True(t, leader)

	// Each copy learns whether its value is the first of its kind; after the last copy the list
	// is no longer indexed.
	fans = &fanOuts{}
	x, y, z := i64(1), i64(2), i64(2)
	three := qualMap(q{colVendorItemID, "=", list(x, y, z)})[colVendorItemID]
	var firsts []bool
	for _, v := range []*proto.QualValue{z, x, y} {
		f, _, first := fans.find("", three, qualMap(q{colVendorItemID, "=", v})[colVendorItemID])
		require.NotNil(t, f)
		firsts = append(firsts, first)
	}
	assert.Equal(t, []bool{false, true, true}, firsts)
	fans.lists.Range(func(k, _ any) bool {
		t.Errorf("a list is still indexed after its last copy: %v", k)
		return true
	})
}

// TestFanOutWait: the leader running a list whole spends the limiter tokens its other copies left,
// waits for those still to come, and waits on the limiter itself only once every copy has passed
// and their tokens are spent.
func TestFanOutWait(t *testing.T) {
	t.Parallel()
	a, b, c := i64(1), i64(2), i64(3)
	orig := qualMap(q{colVendorItemID, "=", list(a, b, c)})[colVendorItemID]
	fans := &fanOuts{}
	f, _, _ := fans.find("", orig, qualMap(q{colVendorItemID, "=", a})[colVendorItemID])
	f.whole.Store(true)
	limiterWaits := 0
	wait := f.wait(func(context.Context) error { limiterWaits++; return nil })

	f.pass()
	require.NoError(t, wait(t.Context()), "a token left by a copy")
	require.Len(t, f.tokens, 0)
	done := make(chan error)
	go func() { done <- wait(t.Context()) }()
	f.pass() // the last copy: the waiting request takes its token
	require.NoError(t, <-done)
	assert.Zero(t, limiterWaits, "the copies' tokens served both requests")
	require.NoError(t, wait(t.Context()))
	assert.Equal(t, 1, limiterWaits, "every copy passed and its token is spent: the limiter")

	newFan := func() *fanOut {
		g := &fanOut{first: map[*proto.QualValue]bool{a: true, b: true, c: true}, tokens: make(chan struct{}, 1), allPassed: make(chan struct{})}
		g.whole.Store(true)
		return g
	}
	g := newFan()
	g.pass()
	g.pass() // the bucket holds one: this token is lost
	assert.Len(t, g.tokens, 1)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, newFan().wait(nil)(ctx), context.Canceled, "copies yet to pass: the wait ends with the query")
	assert.Nil(t, (*fanOut)(nil).wait(nil), "no fan-out: the limiter as it is")
}

// TestCheckInquiryIDs: an ID list may need up to query.MaxRequests single-inquiry calls, no more.
func TestCheckInquiryIDs(t *testing.T) {
	t.Parallel()
	assert.NoError(t, checkInquiryIDs(query.MaxRequests))
	err := checkInquiryIDs(query.MaxRequests + 1)
	require.ErrorIs(t, err, query.ErrPlanTooLarge)
	assert.ErrorContains(t, err, "split the inquiry_id list")
}
