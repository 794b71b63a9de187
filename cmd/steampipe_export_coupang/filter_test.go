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
	tests := []struct {
		where string
		want  bool
	}{
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
		{"need_answer != true", false},
		{"partner_counseling_status in ('ANSWER', 'TRANSFER')", true},
		// NULL matches nothing, not even !=.
		{"answered_at != 2024-05-01", false},
		{"answered_at < 2030-01-01", false},
		// A missing cell is NULL.
		{"order_id = 1", false},
		{"order_id != 1", false},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			e, err := parseWhere(tbl, []string{tt.where}, time.Now())
			require.NoError(t, err)
			assert.Equal(t, tt.want, e.matches(r))
		})
	}
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
