package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fuzzRows are rows the local filter is run on: values of every type, NULLs and missing columns.
var fuzzRows = []row{
	{},
	{
		"inquiry_id":                {Value: &proto.Column_IntValue{IntValue: 1015668177}},
		"inquiry_at":                {Value: &proto.Column_TimestampValue{TimestampValue: timestamppb.New(time.Date(2024, 5, 1, 9, 0, 0, 0, api.KST))}},
		"vendor_item_id":            {Value: &proto.Column_NullValue{}},
		"partner_counseling_status": {Value: &proto.Column_StringValue{StringValue: "TRANSFER"}},
		"item_name":                 {Value: &proto.Column_StringValue{StringValue: "스파오 \xff"}},
		"need_answer":               {Value: &proto.Column_BoolValue{BoolValue: true}},
		"vendor_item_ids":           {Value: &proto.Column_JsonValue{JsonValue: []byte("[1,2]")}},
	},
}

// FuzzParseWhere feeds arbitrary --where flags (one per line) through everything the export
// command does with them: parsing, pushdown planning, conversion to the SDK's qual values and the
// local filter. Nothing may panic; a rejected flag gets one clear, single-line error that starts
// with `bad --where` and quotes the flag; an accepted one has values of its column's type.
func FuzzParseWhere(f *testing.F) {
	for _, s := range []string{
		"inquiry_id = 1", "item_name in ('a', b)", "inquiry_at between 2024-05-01 and '2024-05-02'", "x ~ 'y",
		"inquiry_at >= '0001-01-01'\ninquiry_at < '9999-12-31 23:59:59'", "inquiry_at > 10000-01-01",
		"vendor_item_id in (" + strings.Repeat("3285906659, ", 5000) + "1)", "order_id = 99999999999999999999",
		"need_answer != TRUE", "vendor_item_ids = '[1]'", "item_name = '\x00'",
		"inquiry_at = '2024-05-01T09:00:00+09:00'", "partner_counseling_status in ()", "item_name in ((('a')))",
		"inquiry_id between 1 and", "\"item_name\" = \"it''s\"", "INQUIRY_ID = 1\nitem_name = ' 스파오 '",
		"item_name = 'a' and inquiry_id = 1", "inquiry_id = 1 -- comment", "inquiry_id == 1", "inquiry_id =",
		"inquirY_At>\xa9\"", "item_name = >\xff", "item_name = a\nb'", "item_name = $$\xff$$", "item_name = 1::text\r",
		"item_name like '%a_\\%'", "item_name not ilike 'A!%' escape '!'", "item_name like '\xff%'", "item_name like 'a' escape ''",
		"item_name ilike 'İ%' escape 'İ'", "not need_answer or need_answer is not true", "(need_answer) and need_answer is false",
		"item_name is true", "inquiry_at > now() - interval '1 day 1 day'", "inquiry_at > current_date - 1 + interval '2 hours' - 1",
		"(item_name = 'a'::text)", "inquiry_at > '2024-05-01 09:00:00,5+16'", "order_id=18700000000000000000\xf4",
	} {
		f.Add(s, int64(-1))
	}
	tbl := fixtureTable()
	f.Fuzz(func(t *testing.T, input string, limit int64) {
		flags := strings.Split(input, "\n")
		if len(flags) > 4 {
			flags = flags[:4]
		}
		where, err := parseWhere(tbl, flags, time.Now())
		if err != nil {
			checkWhereError(t, err)
			return
		}
		checkConditions(t, where)
		quals, pushed := planPushdown(tbl, where, limit)
		if pushed >= 0 && pushed != limit {
			t.Fatalf("pushed limit %d for limit %d", pushed, limit)
		}
		for _, q := range quals {
			if _, err := inprocess.QualValue(q.Value); err != nil {
				t.Fatalf("pushed qual %+v cannot be sent to the plugin: %v", q, err)
			}
		}
		for _, r := range fuzzRows {
			where.matches(r)
		}
	})
}

// checkWhereError asserts a rejection is clear: one line, valid UTF-8, naming the flag.
func checkWhereError(t *testing.T, err error) {
	msg := err.Error()
	if !strings.HasPrefix(msg, "bad --where ") {
		t.Fatalf("error %q does not say which --where is bad", msg)
	}
	if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
		t.Fatalf("error %q is not one clean line", msg)
	}
	if len(msg) < len("bad --where \"\": x") {
		t.Fatalf("error %q says nothing", msg)
	}
}

// checkConditions asserts the shape of an expression and of each condition in it.
func checkConditions(t *testing.T, e expr) {
	switch e.Op {
	case "not":
		if len(e.Args) != 1 {
			t.Fatalf("not with %d operands", len(e.Args))
		}
	case "and", "or":
	default:
		checkCondition(t, e)
	}
	for _, a := range e.Args {
		checkConditions(t, a)
	}
}

// checkCondition asserts a parsed condition's shape and value types.
func checkCondition(t *testing.T, c expr) {
	switch c.Op {
	case "is null", "is not null":
		if len(c.Values) != 0 {
			t.Fatalf("%s with %d values", c.Op, len(c.Values))
		}
	case "in":
		if len(c.Values) == 0 {
			t.Fatal("empty in list")
		}
	case "=", "<>", "<", "<=", ">", ">=":
		if len(c.Values) != 1 {
			t.Fatalf("%s with %d values", c.Op, len(c.Values))
		}
	case "like", "ilike":
		if _, ok := c.Values[0].(*regexp.Regexp); len(c.Values) != 1 || !ok || c.Column.Type != proto.ColumnType_STRING {
			t.Fatalf("%s on %s column %s with %#v", c.Op, c.Column.Type, c.Column.Name, c.Values)
		}
		return
	default:
		t.Fatalf("unknown operator %q", c.Op)
	}
	for _, v := range c.Values {
		ok := false
		switch c.Column.Type {
		case proto.ColumnType_INT:
			_, ok = v.(int64)
		case proto.ColumnType_BOOL:
			_, ok = v.(bool)
		case proto.ColumnType_TIMESTAMP:
			_, ok = v.(time.Time)
		default:
			_, ok = v.(string)
		}
		if !ok {
			t.Fatalf("value %#v for %s column %s", v, c.Column.Type, c.Column.Name)
		}
	}
}
