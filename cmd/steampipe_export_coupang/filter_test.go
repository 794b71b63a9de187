package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func intCol(n int64) *proto.Column { return &proto.Column{Value: &proto.Column_IntValue{IntValue: n}} }
func strCol(s string) *proto.Column {
	return &proto.Column{Value: &proto.Column_StringValue{StringValue: s}}
}
func boolCol(b bool) *proto.Column {
	return &proto.Column{Value: &proto.Column_BoolValue{BoolValue: b}}
}
func jsonCol(s string) *proto.Column {
	return &proto.Column{Value: &proto.Column_JsonValue{JsonValue: []byte(s)}}
}
func nullCol() *proto.Column { return &proto.Column{Value: &proto.Column_NullValue{}} }
func tsCol(t time.Time) *proto.Column {
	return &proto.Column{Value: &proto.Column_TimestampValue{TimestampValue: timestamppb.New(t)}}
}

// matchCase is a --where and whether it keeps the row.
type matchCase struct {
	where string
	want  bool
}

// assertMatches asserts each --where keeps r, or not, as its case says.
func assertMatches(t *testing.T, r row, tests []matchCase) {
	t.Helper()
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			e, err := parseWhere(tbl, []string{tt.where}, time.Now())
			require.NoError(t, err)
			assert.Equal(t, tt.want, e.matches(r))
		})
	}
}

func TestConditionMatches(t *testing.T) {
	t.Parallel()
	r := row{
		"inquiry_id":                intCol(10),
		"inquiry_at":                tsCol(kstTime("2024-05-01 12:00:00")),
		"item_name":                 strCol("무선 이어폰"),
		"need_answer":               boolCol(true),
		"answered_at":               nullCol(),
		"partner_counseling_status": strCol("TRANSFER"),
	}
	assertMatches(t, r, []matchCase{
		{"inquiry_id = 10", true},
		{"inquiry_id = 11", false},
		{"inquiry_id != 11", true},
		{"inquiry_id != 10", false},
		{"inquiry_id < 11", true},
		{"inquiry_id < 10", false},
		{"inquiry_id <= 10", true},
		{"inquiry_id > 9", true},
		{"inquiry_id > 10", false},
		{"inquiry_id >= 10", true},
		{"inquiry_id in (1, 10)", true},
		{"inquiry_id in (1, 2)", false},
		{"inquiry_id between 10 and 10", true},
		{"inquiry_id between 11 and 20", false},
		{"inquiry_id between 20 and 1", false},
		{"inquiry_at = '2024-05-01 12:00:00'", true},
		{"inquiry_at = '2024-05-01T03:00:00Z'", true},
		{"inquiry_at >= 2024-05-01", true},
		{"inquiry_at < 2024-05-01 12:00:00", false},
		{"inquiry_at between 2024-05-01 and 2024-05-01 12:00:00", true},
		{"inquiry_at between 2024-05-01 and 2024-05-01 11:59:59", false},
		{"item_name = '무선 이어폰'", true},
		{"item_name > '무'", true},
		{"need_answer = true", true},
		// A value first is the column compared the other way round, as in Postgres.
		{"'2024-05-01 12:00:00' <= inquiry_at", true},
		{"'2024-05-01 12:00:00' < inquiry_at", false},
		{"9 < inquiry_id and +10 >= inquiry_id and 10 = inquiry_id and 11 != inquiry_id", true},
		{"'무선' < item_name", true},
		{"now() - interval '1 day' > inquiry_at", true},
		{"current_date < inquiry_at", false},
		{"'true' = need_answer", true},
		{"need_answer != true", false},
		{"partner_counseling_status in ('ANSWER', 'TRANSFER')", true},
		// like and ilike match the whole value: % any text, _ one character.
		{"item_name like '무선%'", true},
		{"item_name like '%이어폰'", true},
		{"item_name like '무선'", false},
		{"item_name like '무선_이어폰'", true},
		{"item_name like '무선__이어폰'", false},
		{"item_name not like '%이어%'", false},
		{"item_name not like '%헤드셋%'", true},
		{"partner_counseling_status like 'transfer'", false},
		{"partner_counseling_status ilike 'transfer'", true},
		{"partner_counseling_status not ilike 'trans%'", false},
		// NULL matches nothing, not even !=.
		{"answered_at != 2024-05-01", false},
		{"answered_at < 2030-01-01", false},
		// A missing cell is NULL.
		{"order_id = 1", false},
		{"order_id != 1", false},
	})
}

// TestBooleanTests: a BOOLEAN column alone, under not, and with is [not] true or false keep the
// rows Postgres keeps for true, false and NULL (is never gives NULL; the column alone and not do).
func TestBooleanTests(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		where string
		keeps [3]bool // of true, false, NULL
	}{
		{"need_answer", [3]bool{true, false, false}},
		{"not need_answer", [3]bool{false, true, false}},
		{"need_answer is true", [3]bool{true, false, false}},
		{"need_answer IS NOT TRUE", [3]bool{false, true, true}},
		{"need_answer is false", [3]bool{false, true, false}},
		{"need_answer is not false", [3]bool{true, false, true}},
		{"not (need_answer is not true) or need_answer", [3]bool{true, false, false}},
		{"(need_answer) and inquiry_id = 10", [3]bool{true, false, false}},
		{"need_answer or inquiry_id = 11", [3]bool{true, false, false}},
	} {
		for i, cell := range []*proto.Column{boolCol(true), boolCol(false), nullCol()} {
			assertMatches(t, row{"inquiry_id": intCol(10), "need_answer": cell}, []matchCase{{tt.where, tt.keeps[i]}})
		}
	}
}

// TestLikeMatches: like reads its pattern as Postgres does: _ matches a line break too, \ or the
// escape character makes the next character itself, and regular-expression characters are text.
func TestLikeMatches(t *testing.T) {
	t.Parallel()
	r := row{"item_name": strCol("50% 할인_쿠폰 (A+)\nThanks"), "partner_counseling_status": nullCol()}
	assertMatches(t, r, []matchCase{
		{`item_name like '50\% 할인\_쿠폰 (A+)_Thanks'`, true},
		{`item_name like '50\% 할인\_쿠폰 (A+)Thanks'`, false},
		{`item_name like '5\0%'`, true}, // an escaped ordinary character is itself
		{`item_name like '50!% 할인!_쿠폰%' escape '!'`, true},
		{`item_name like '50!% 할인!_쿠폰X%' escape '!'`, false},
		{`item_name like '50\%%' escape ''`, false}, // no escape: \ is itself
		{"item_name like '%(A+)%' and item_name ilike '%THANKS'", true},
		{"item_name ilike '%a+%' and item_name ilike '%thanks'", true},
		// ilike compares lower cases, as Postgres' lower() in a UTF-8 database: İ lowers to i, while ſ
		// (already lower case) is not s, nor the Kelvin sign's k a match for K beyond its lower case.
		{"item_name ilike '%THANKſ'", false},
		{"item_name ilike '%İ%'", false},
		{"item_name ilike '%TTHANKS' escape 'T'", true}, // the escape applies before the lower case
		{"item_name ilike '%tthanks' escape 'T'", false},
	})
	assertMatches(t, row{"item_name": strCol("Icon 9K ſ")}, []matchCase{
		{"item_name ilike 'İcon%'", true},
		{"item_name ilike '%K%'", true}, // the Kelvin sign lowers to k
		{"item_name ilike '%S'", false},
		{"item_name ilike '%ſ'", true},
		// A NULL matches neither like nor not like.
		{"partner_counseling_status like '%'", false},
		{"partner_counseling_status not like 'x'", false},
	})
}

func TestMatchesAllAndsConditions(t *testing.T) {
	t.Parallel()
	where, err := parseWhere(fixtureTable(), []string{"inquiry_id > 5", "inquiry_id < 20"}, time.Now())
	require.NoError(t, err)
	assert.True(t, where.matches(row{"inquiry_id": intCol(10)}))
	assert.False(t, where.matches(row{"inquiry_id": intCol(30)}))
	none, err := parseWhere(fixtureTable(), nil, time.Now())
	require.NoError(t, err)
	assert.True(t, none.matches(row{}))
}
