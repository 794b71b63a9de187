package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qualString describes a pushed qual for comparison, like "inquiry_at >= 2024-05-01T00:00:00+09:00".
func qualString(q inprocess.Qual) string {
	return q.Column + " " + q.Operator + " " + qualValueString(q.Value)
}

func qualValueString(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return "'" + x + "'"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case time.Time:
		return formatTimestamp(x)
	case []any:
		s := "("
		for i, e := range x {
			if i > 0 {
				s += ", "
			}
			s += qualValueString(e)
		}
		return s + ")"
	}
	return "?"
}

func TestPlanPushdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		wheres []string
		limit  int64
		quals  []string
		limitP int64
	}{
		{"no conditions passes the limit", nil, 5, nil, 5},
		{"no limit", nil, -1, nil, -1},
		{"key column equality", []string{"vendor_item_id = 7"}, 5, []string{"vendor_item_id = 7"}, 5},
		{"a value first is the column compared the other way round", []string{"'2024-05-01' <= inquiry_at and 7 = vendor_item_id", "'2024-06-01 10:00' > inquiry_at"}, 5,
			[]string{"inquiry_at >= 2024-05-01T00:00:00+09:00", "vendor_item_id = 7", "inquiry_at < 2024-06-01T10:00:00+09:00"}, 5},
		{"get key column", []string{"inquiry_id = 9"}, 1, []string{"inquiry_id = 9"}, 1},
		{"every time operator", []string{"inquiry_at > 2024-05-01", "inquiry_at <= 2024-05-07", "inquiry_at = 2024-05-03", "inquiry_at < 2024-06-01", "inquiry_at >= 2024-04-01"}, 3,
			[]string{"inquiry_at > 2024-05-01T00:00:00+09:00", "inquiry_at <= 2024-05-07T00:00:00+09:00", "inquiry_at = 2024-05-03T00:00:00+09:00",
				"inquiry_at < 2024-06-01T00:00:00+09:00", "inquiry_at >= 2024-04-01T00:00:00+09:00"}, 3},
		{"between becomes >= and <=", []string{"inquiry_at between 2024-05-01 and 2024-05-30"}, 10,
			[]string{"inquiry_at >= 2024-05-01T00:00:00+09:00", "inquiry_at <= 2024-05-30T00:00:00+09:00"}, 10},
		{"in becomes a list qual", []string{"vendor_item_id in (1, 2)"}, 10, []string{"vendor_item_id = (1, 2)"}, 10},
		{"status", []string{"partner_counseling_status = 'TRANSFER'"}, 2, []string{"partner_counseling_status = 'TRANSFER'"}, 2},
		{"!= on a key column stays local", []string{"vendor_item_id != 7"}, 5, nil, -1},
		{"operator the key column lacks stays local", []string{"vendor_item_id > 7"}, 5, nil, -1},
		{"between on an = only key column stays local", []string{"order_id between 1 and 2"}, 5, nil, -1},
		{"non-key column keeps the limit local", []string{"vendor_item_id = 7", "item_name = 'x'"}, 5, []string{"vendor_item_id = 7"}, -1},
		{"non-key column without limit", []string{"need_answer = true"}, -1, nil, -1},
		// Only conditions ANDed at the top reach the plugin; a condition under or / not restricts no
		// row by itself, and its presence keeps the limit local.
		{"and at the top is pushed", []string{"vendor_item_id = 7 and inquiry_at >= 2024-05-01"}, 5, []string{"vendor_item_id = 7", "inquiry_at >= 2024-05-01T00:00:00+09:00"}, 5},
		// Steampipe's FDW sends an or of = and in on one column as one list, limit included.
		{"or of = on one key column is a list", []string{"vendor_item_id = 7 or vendor_item_id = 8"}, 5, []string{"vendor_item_id = (7, 8)"}, 5},
		{"or of in and = on one key column is a list", []string{"(order_id in (1, 2) or order_id = 3)"}, 5, []string{"order_id = (1, 2, 3)"}, 5},
		{"or over two columns stays local", []string{"vendor_item_id = 7 or order_id = 8"}, 5, nil, -1},
		{"or with another operator stays local", []string{"inquiry_at = 2024-05-01 or inquiry_at > 2024-05-07"}, 5, nil, -1},
		{"or on a non-key column stays local", []string{"item_name = 'a' or item_name = 'b'"}, 5, nil, -1},
		{"or beside a pushed condition", []string{"inquiry_at >= 2024-05-01", "vendor_item_id = 7 or order_id = 8"}, 5, []string{"inquiry_at >= 2024-05-01T00:00:00+09:00"}, -1},
		{"not stays local", []string{"not vendor_item_id = 7"}, 5, nil, -1},
		{"is null stays local", []string{"answered_at is null"}, 5, nil, -1},
		{"parenthesised and is pushed", []string{"(vendor_item_id = 7 and (order_id = 8))"}, 5, []string{"vendor_item_id = 7", "order_id = 8"}, 5},
		// Postgres moves not onto the comparisons and takes conditions common to every or arm out
		// of it before the FDW picks the quals: such a bound reaches the plugin too.
		{"not of a bound is a bound", []string{"inquiry_at < 2024-05-17 and not inquiry_at < 2024-05-01"}, 5,
			[]string{"inquiry_at < 2024-05-17T00:00:00+09:00", "inquiry_at >= 2024-05-01T00:00:00+09:00"}, 5},
		{"not of an or is an and", []string{"not (inquiry_at < 2024-05-01 or inquiry_at >= 2024-05-17)"}, 5,
			[]string{"inquiry_at >= 2024-05-01T00:00:00+09:00", "inquiry_at < 2024-05-17T00:00:00+09:00"}, 5},
		{"not not", []string{"not not vendor_item_id = 7", "not (not (order_id = 8))"}, 5, []string{"vendor_item_id = 7", "order_id = 8"}, 5},
		{"not != is =", []string{"not vendor_item_id != 7", "not partner_counseling_status <> 'NONE'"}, 5,
			[]string{"vendor_item_id = 7", "partner_counseling_status = 'NONE'"}, 5},
		{"not <= and not > on time", []string{"not inquiry_at <= 2024-05-01", "not inquiry_at > 2024-05-07"}, -1,
			[]string{"inquiry_at > 2024-05-01T00:00:00+09:00", "inquiry_at <= 2024-05-07T00:00:00+09:00"}, -1},
		{"not in stays local", []string{"not vendor_item_id in (1, 2)", "vendor_item_id not in (3)"}, 5, nil, -1},
		{"not between stays local", []string{"inquiry_at not between 2024-05-01 and 2024-05-07"}, 5, nil, -1},
		{"not of an and stays local", []string{"not (vendor_item_id = 7 and order_id = 8)"}, 5, nil, -1},
		{"not is null stays local", []string{"not answered_at is null"}, 5, nil, -1},
		{"a condition of every or arm is pushed", []string{"(inquiry_at >= 2024-05-01 and item_name = 'a') or (item_name = 'b' and inquiry_at >= 2024-05-01)"}, 5,
			[]string{"inquiry_at >= 2024-05-01T00:00:00+09:00"}, -1},
		{"conditions of every arm under not", []string{"not ((vendor_item_id != 7 or item_name = 'a') and (vendor_item_id != 7 or order_id = 8))"}, 5,
			[]string{"vendor_item_id = 7"}, -1},
		{"an arm that is the common conditions alone absorbs the or", []string{"(vendor_item_id = 7 and order_id = 8) or vendor_item_id = 7"}, 5,
			[]string{"vendor_item_id = 7"}, 5},
		{"or arms with nothing in common stay local", []string{"(vendor_item_id = 7 and order_id = 8) or (vendor_item_id = 9 and order_id = 8) or order_id = 10"}, 5, nil, -1},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			where, err := parseWhere(tbl, tt.wheres, time.Now())
			require.NoError(t, err)
			quals, limit := planPushdown(tbl, where, tt.limit)
			var got []string
			for _, q := range quals {
				got = append(got, qualString(q))
			}
			assert.Equal(t, tt.quals, got)
			assert.Equal(t, tt.limitP, limit)
		})
	}
}
