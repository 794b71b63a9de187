package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func kstTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, api.KST)
	if err != nil {
		panic(err)
	}
	return t
}

// parseCondition parses a --where that holds one comparison.
func parseCondition(tbl *table, src string) (expr, error) {
	e, err := parseWhere(tbl, []string{src}, time.Now())
	if err != nil {
		return expr{}, err
	}
	if len(e.Args) != 1 || len(e.Args[0].Args) != 0 {
		return expr{}, fmt.Errorf("%q is not one comparison", src)
	}
	return e.Args[0], nil
}

func TestParseCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		column string
		op     string
		values []any
	}{
		{"inquiry_id = 42", "inquiry_id", "=", []any{int64(42)}},
		{"inquiry_id=42", "inquiry_id", "=", []any{int64(42)}},
		{"  INQUIRY_ID  =  '42'  ", "inquiry_id", "=", []any{int64(42)}},
		{"inquiry_id != 42", "inquiry_id", "<>", []any{int64(42)}},
		{"inquiry_id <> 42", "inquiry_id", "<>", []any{int64(42)}},
		{"inquiry_id < -3", "inquiry_id", "<", []any{int64(-3)}},
		{"inquiry_id <= 3", "inquiry_id", "<=", []any{int64(3)}},
		{"inquiry_id > 3", "inquiry_id", ">", []any{int64(3)}},
		{"inquiry_id >= 3", "inquiry_id", ">=", []any{int64(3)}},
		{"item_name = 'it''s'", "item_name", "=", []any{"it's"}},
		{`item_name = "say ""hi"""`, "item_name", "=", []any{`say "hi"`}},
		{"item_name = 'a, b (c) and d'", "item_name", "=", []any{"a, b (c) and d"}},
		{"item_name = 무선", "item_name", "=", []any{"무선"}},
		{"item_name = 무선_이어폰2$", "item_name", "=", []any{"무선_이어폰2$"}},
		{"item_name = ''", "item_name", "=", []any{""}},
		{"partner_counseling_status = TRANSFER", "partner_counseling_status", "=", []any{"TRANSFER"}},
		{"need_answer = true", "need_answer", "=", []any{true}},
		{"need_answer != 'f'", "need_answer", "<>", []any{false}},
		{"need_answer = on", "need_answer", "=", []any{true}},
		{"need_answer in (true, 'off')", "need_answer", "in", []any{true, false}},
		{"vendor_item_id in (1, 2,3)", "vendor_item_id", "in", []any{int64(1), int64(2), int64(3)}},
		{"vendor_item_id IN ('1')", "vendor_item_id", "in", []any{int64(1)}},
		{"item_name in ('a,b', \"c)\", d)", "item_name", "in", []any{"a,b", "c)", "d"}},
		{"item_name = 'null'", "item_name", "=", []any{"null"}},
		{"item_name in ('item_name', nullable)", "item_name", "in", []any{"item_name", "nullable"}},
		{"inquiry_at >= 2024-05-01", "inquiry_at", ">=", []any{kstTime("2024-05-01 00:00:00")}},
		{"inquiry_at >= '2024-05-01 10:20:30'", "inquiry_at", ">=", []any{kstTime("2024-05-01 10:20:30")}},
		{"inquiry_at >= 2024-05-01 10:20:30", "inquiry_at", ">=", []any{kstTime("2024-05-01 10:20:30")}},
		{"inquiry_at < 2024-05-01T10:20:30", "inquiry_at", "<", []any{kstTime("2024-05-01 10:20:30")}},
		{"inquiry_at < '2024-05-01T01:20:30Z'", "inquiry_at", "<", []any{kstTime("2024-05-01 10:20:30")}},
		{"inquiry_at = '2024-05-01T10:20:30+09:00'", "inquiry_at", "=", []any{kstTime("2024-05-01 10:20:30")}},
		{"inquiry_at in ('2024-05-01', '2024-05-02 12:00:00')", "inquiry_at", "in",
			[]any{kstTime("2024-05-01 00:00:00"), kstTime("2024-05-02 12:00:00")}},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			c, err := parseCondition(tbl, tt.src)
			require.NoError(t, err)
			assert.Equal(t, tt.column, c.Column.Name)
			assert.Equal(t, tt.op, c.Op)
			require.Len(t, c.Values, len(tt.values))
			for i, want := range tt.values {
				if wt, ok := want.(time.Time); ok {
					got, ok := c.Values[i].(time.Time)
					require.True(t, ok, "value %d is %T", i, c.Values[i])
					assert.True(t, wt.Equal(got), "want %s, got %s", wt, got)
					continue
				}
				assert.Equal(t, want, c.Values[i])
			}
		})
	}
}

// TestParseBetween checks that between reads as Postgres reads it: col >= low and col <= high.
func TestParseBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src       string
		column    string
		low, high any
	}{
		{"inquiry_id between 1 and 9", "inquiry_id", int64(1), int64(9)},
		{"inquiry_id BETWEEN '1' AND '9'", "inquiry_id", int64(1), int64(9)},
		{"item_name between 'and' and 'android'", "item_name", "and", "android"},
		{"item_name between asymmetric a and b", "item_name", "a", "b"},
		{"inquiry_at between 2024-05-01 and 2024-05-30 23:59:59", "inquiry_at", kstTime("2024-05-01 00:00:00"), kstTime("2024-05-30 23:59:59")},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := parseWhere(tbl, []string{tt.src}, time.Now())
			require.NoError(t, err)
			require.Len(t, e.Args, 2)
			for i, want := range []struct {
				op    string
				value any
			}{{">=", tt.low}, {"<=", tt.high}} {
				c := e.Args[i]
				assert.Equal(t, tt.column, c.Column.Name)
				assert.Equal(t, want.op, c.Op)
				assert.Equal(t, []any{want.value}, c.Values)
				assert.Empty(t, c.Args)
			}
		})
	}
}

func TestParseConditionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want []string // substrings of the message
	}{
		{"", []string{"expected a column name"}},
		{"= 3", []string{"expected a column name"}},
		// A value first: read as the column compared the other way round, with the same checks.
		{"'a' = ", []string{"expected a comparison with a column after 'a'", "like '2024-05-01' <= inquiry_at"}},
		{"3 in (inquiry_id)", []string{"expected a comparison with a column after 3"}},
		// Two time words compare no column: read the other way round again and again, they overflowed the stack.
		{"current_date = current_date", []string{"expected a comparison with a column after current_date"}},
		{"now() < CURRENT_TIMESTAMP", []string{"expected a comparison with a column after now()"}},
		{"Current_Timestamp >= current_date - 1", []string{"expected a comparison with a column after Current_Timestamp"}},
		{"2024-05-01 <= inquiry_at", []string{"expected a comparison with a column after 2024", "in quotes"}},
		{"'x' < nope", []string{`unknown column "nope"`}},
		{"'x' < inquiry_id", []string{`bad number "x" for inquiry_id`}},
		{"1 = vendor_item_ids", []string{"vendor_item_ids is JSONB"}},
		{"'t' < need_answer", []string{"operator > is not valid for need_answer"}},
		{"now() - interval '1 day 1 day' < inquiry_at", []string{"days come twice"}},
		{"now() = item_name", []string{"now() and current_date compare with timestamp columns only"}},
		{"true = need_answer", []string{"true before a column is not read: write the column first"}},
		{"NULL = item_name", []string{"null before a column is not read"}},
		{"(need_answer) is true", []string{"is true: is null, is true and is false follow a column"}},
		{"need_answer is true is true", []string{"is true: is null, is true and is false follow a column"}},
		{"nope = 3", []string{`unknown column "nope"`, "columns are inquiry_id, inquiry_at"}},
		{"sp_connection_name = 'x'", []string{`unknown column "sp_connection_name"`}},
		{"inquiry_id ~ 3", []string{`bad operator "~"`, "use one of =, !=, <, <=, >, >=, in (v1, v2), between v1 and v2"}},
		{"inquiry_id like 3", []string{"inquiry_id is BIGINT: like compares text columns only", "with =, <, > or between"}},
		{"inquiry_at not ilike '2024%'", []string{"inquiry_at is TIMESTAMPTZ: ilike compares text columns only"}},
		{`item_name like 'a\'`, []string{`like pattern a\ ends with its escape character \`, "write it twice"}},
		{"item_name ilike 'a!' escape '!'", []string{"ilike pattern a! ends with its escape character !"}},
		{"item_name like 'a' escape '!!'", []string{"escape takes one character in single quotes"}},
		{"item_name like 'a' escape !", []string{"escape takes one character in single quotes"}},
		{"item_name like 'a' escape 'b", []string{"unterminated quote '"}},
		{"item_name like 'a\xff%'", []string{`like pattern "a\xff%" is not valid UTF-8`}},
		{"item_name like now()", []string{"now() and current_date compare with timestamp columns only"}},
		{"inquiry_id", []string{`bad operator ""`}},
		{"inquiry_id =", []string{"missing value"}},
		{"inquiry_id = abc", []string{`bad number "abc" for inquiry_id`}},
		{"inquiry_id = 1.5", []string{`bad number "1.5"`}},
		{"inquiry_id = 1 2", []string{`bad number "1 2"`}},
		{"item_name = 'a' b", []string{`unexpected "b"`, "quote values"}},
		{"item_name = 'open", []string{"unterminated quote '"}},
		{"inquiry_at > 2024-13-01", []string{`bad timestamp "2024-13-01" for inquiry_at`, "RFC 3339", "Korean time"}},
		{"inquiry_at > yesterday", []string{`bad timestamp "yesterday"`}},
		{"inquiry_at between 2024-05-01", []string{"between needs two values joined by and"}},
		{"inquiry_at between 2024-05-01 and", []string{"missing value"}},
		{"inquiry_at between 2024-05-01 and 2024-05-02 x", []string{`bad timestamp "2024-05-02 x"`}},
		{"inquiry_id in 1, 2", []string{"in needs a list in parentheses"}},
		{"inquiry_id in (1, 2", []string{"in list is not closed"}},
		{"inquiry_id in (1,)", []string{"missing value"}},
		{"inquiry_id in (1) x", []string{`unexpected "x"`}},
		{"need_answer > true", []string{"operator > is not valid for need_answer, a BOOLEAN column"}},
		{"need_answer between true and false", []string{"operator between is not valid"}},
		{"item_name is true", []string{"item_name is TEXT: is true tests BOOLEAN columns only"}},
		{"need_answer is maybe", []string{`bad operator "is"`}},
		{"need_answer need", []string{`bad operator "need"`}},
		{"need_answer = maybe", []string{`bad boolean "maybe"`}},
		{"need_answer = ''", []string{`bad boolean ""`}},
		{"vendor_item_ids = '[1]'", []string{"vendor_item_ids is JSONB"}},
		// What SQL reads as a column, NULL or another string is not taken for text.
		{"item_name = partner_counseling_status", []string{"partner_counseling_status is a column", "write 'partner_counseling_status'"}},
		{"item_name != Partner_Counseling_Status", []string{"Partner_Counseling_Status is a column"}},
		{`item_name = "partner_counseling_status"`, []string{"partner_counseling_status is a column"}},
		{"answered_at > inquiry_at", []string{"inquiry_at is a column"}},
		{"item_name != null", []string{"never true", "is null"}},
		{"item_name in ('a', NULL)", []string{"null in an in list", "keeps the rows of x in (1)", "leave null out"}},
		{"inquiry_at >= date '2026-11-20'", []string{"bad value date '2026-11-20'", "date '...'", "single quotes"}},
		{"inquiry_at >= ('2026-11-20')", []string{"bad value ('2026-11-20'):", "in parentheses is not read"}},
		{"order_id = (5)", []string{"bad value (5):", "in parentheses is not read"}},
		{"order_id in (1, (2))", []string{"bad value (2):", "in parentheses is not read"}},
		{"item_name = upper(item_name)", []string{"bad value upper(item_name):", "a call of a function"}},
		{"(item_name = lower(x) or order_id = 1)", []string{"bad value lower(x):", "a call of a function"}},
		{"inquiry_at >= date_trunc('day', now())", []string{"bad value date_trunc('day', now()):", "a call of a function"}},
		{"order_id = abs (5)", []string{"bad value abs (5):", "a call of a function"}},
		{"answered_at = null", []string{"never true"}},
		{`item_name = E'a\nb'`, []string{`bad value E'a\nb'`, "single quotes"}},
		// Found by comparing with Postgres 15: SQL reads these bare values as another string.
		{"item_name = $$complete$$", []string{"bad value $$complete$$", "dollar-quoted", "in single quotes"}},
		{"item_name in ('a', $t$b$t$)", []string{"bad value $t$b$t$", "dollar-quoted"}},
		{"item_name = $$a b$$", []string{"dollar-quoted", "in single quotes"}},
		{"item_name = $1", []string{"bad value $1", "parameter", "in single quotes"}},
		{"item_name = $", []string{"bad value $", "dollar-quoted"}},
		{"item_name = $$a\nb$$", []string{`bad value "$$a\nb$$"`, "in single quotes"}},
		{"item_name > 1::text\x00", []string{`bad value "1::text\x00"`, "cast"}},
		{"item_name = $1$a$1$", []string{"bad value $1$a$1$", "in single quotes"}},
		{"item_name > 0::text", []string{"bad value 0::text", "cast"}},
		{"item_name > current_user", []string{"current_user is a value of the session", "write 'current_user'"}},
		{"item_name = USER", []string{"USER is a value of the session", "write 'USER'"}},
		{"item_name = session_user or item_name = current_schema", []string{"session_user is a value of the session"}},
		{"item_name = a\xa9\"", []string{`bad value "a\xa9\""`, "single quotes"}},
		{"item_name = >\xff", []string{`bad value ">\xff"`, "cannot start with >"}},
		{"item_name = 'a' || 'b'", []string{`unexpected "|| 'b'"`}},
		// Found by comparing with Postgres 15: SQL reads these bare values as expressions, not as text.
		{"item_name in (select item_name)", []string{"bad value select item_name", "more than one word", "in single quotes"}},
		{"partner_counseling_status not in (select null)", []string{"bad value select null", "in single quotes"}},
		{"item_name = item_name || item_name", []string{"bad value item_name || item_name"}},
		{"item_name = item_name||item_name", []string{"bad value item_name||item_name"}},
		{"item_name = 010-****-1234", []string{"bad value 010-****-1234", "in single quotes"}},
		{"item_name = 무선 이어폰", []string{"bad value 무선 이어폰", "in single quotes"}},
		{"item_name = a,b", []string{"bad value a,b"}}, // a comma ends a bare value only in an in list
		{"item_name in ('a', d e)", []string{"bad value d e"}},
		// 갠 ends in byte 0xA0 and 녅 in 0x85, which read alone are Unicode spaces: no word starts after them.
		{"item_name = 갠or inquiry_id = 1", []string{"bad value 갠or inquiry_id = 1:"}},
		{"item_name = 녅and 2", []string{"bad value 녅and 2:"}},
		{"item_name => 'a'", []string{"bad value > 'a'", "cannot start with >"}},
		{"item_name == a", []string{"cannot start with ="}},
		{"item_name between symmetric 'b' and 'a'", []string{"between symmetric is not supported"}},
		// A cast or collation after a quoted value is named as such, also inside parentheses.
		{"item_name = 'a'::text", []string{"::text: :: is a cast"}},
		{"(item_name = 'a'::text)", []string{"::text): :: is a cast"}},
		{"item_name = 'a' collate \"C\"", []string{"compares as Postgres' C collation and takes no other"}},
		// Found by comparing with Postgres 15: its scanner reads neither \v as a space nor ſ as s nor a
		// Kelvin sign as k, and its interval input takes ASCII spaces and letters only.
		{"order_id\v=\v1", []string{`bad operator "\v=\v1"`}},
		{"need_answer\vor\vanswer_type = 'vendor'", []string{"bad operator"}},
		{"item_name iſ null", []string{`bad operator "iſ"`}},
		{"item_name li\u212ae 'a'", []string{"bad operator"}},
		{"inquiry_at >= now() - interval '3\u00a0days'", []string{"bad interval"}},
		{"inquiry_at >= now() - interval '300 mİnutes'", []string{"bad interval"}},
		{"inquiry_at >= now\u017f()", []string{"bad"}},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := parseCondition(tbl, tt.src)
			require.Error(t, err)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "bad --where "), msg)
			for _, w := range tt.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // RFC 3339 in Korean time
	}{
		{"2024-05-01", "2024-05-01T00:00:00+09:00"},
		{"2024-05-01 09:00:00", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01T09:00:00", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 09:00", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01T09:00", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 09:00:00.5", "2024-05-01T09:00:00.5+09:00"},
		{"2024-05-01 09:00:00.1234560", "2024-05-01T09:00:00.123456+09:00"},
		{"2024-04-30T15:00:00Z", "2024-05-01T00:00:00+09:00"},
		{"2024-04-30T14:59:59Z", "2024-04-30T23:59:59+09:00"},
		{"2024-05-01T00:00:00+02:00", "2024-05-01T07:00:00+09:00"},
		{"2024-05-01 00:00:00+02:00", "2024-05-01T07:00:00+09:00"},
		// Offsets as psql prints them.
		{"2024-05-01 09:00:00+09", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01T09:00:00+09", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 09:00:00.25+09", "2024-05-01T09:00:00.25+09:00"},
		{"2024-05-01 00:00:00-08", "2024-05-01T17:00:00+09:00"},
		{"2024-05-01 09:00:00+0900", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 05:30:00+05:30", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 00:00:00Z", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 09:00+09", "2024-05-01T09:00:00+09:00"},
		{"2024-05-01 09:00:00+15:59", "2024-05-01T02:01:00+09:00"},
		{"2024-05-01 09:00:00-15:59", "2024-05-02T09:59:00+09:00"},
		// Postgres' date input skips C's spaces, \v included.
		{"\v 2024-05-01\t\n", "2024-05-01T00:00:00+09:00"},
		{"0001-01-01 09:00:00", "0001-01-01T09:00:00+09:00"},
	}
	for _, tt := range tests {
		got, err := parseTimestamp(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, formatTimestamp(got), tt.in)
	}
	// Seven digits after the second would be rounded by Postgres, not by Go: refused, not misread.
	// Postgres refuses a comma before the fraction and offsets beyond 15:59, which Go reads.
	for _, bad := range []string{"", "2024-5-1", "01/05/2024", "2024-05-01 25:00:00", "now", "2024-05-01 09:00:00.0000004", "2024-05-01T00:00:00.1234567Z", "2024-05-01 00:00:00.1234567+09",
		"2024-05-01 09:00:00,5", "2024-05-01 09:00:00+16", "2024-05-01T09:00:00-16:00", "2024-05-01 09:00:00+24:00",
		// Found by comparing with Postgres 15: no year 0, no 60 minutes in an offset, no spaces but ASCII ones.
		"0000-01-01", "0000-12-31 23:59:59", "2024-05-01T09:00:00+09:60", "2024-05-01 09:00:00+0960", "2024-05-01T09:00-08:60",
		"\u00a02024-05-01", "2024-05-01\u3000", "2024-05-01 09:00:00\u0085"} {
		_, err := parseTimestamp(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseConditionsAndsEvery(t *testing.T) {
	t.Parallel()
	where, err := parseWhere(fixtureTable(), []string{"inquiry_id > 1", "item_name = x"}, time.Now())
	require.NoError(t, err)
	require.Len(t, where.Args, 2)
	_, err = parseWhere(fixtureTable(), []string{"inquiry_id > 1", "bogus = 1"}, time.Now())
	assert.ErrorContains(t, err, `unknown column "bogus"`)
}

func TestWhereExpressions(t *testing.T) {
	t.Parallel()
	now := kstTime("2026-01-15 21:00:00")
	r := row{
		"inquiry_id":  intCol(10),
		"inquiry_at":  tsCol(kstTime("2026-01-10 12:00:00")),
		"item_name":   strCol("무선 이어폰"),
		"need_answer": boolCol(true),
		"answered_at": nullCol(),
	}
	tests := []struct {
		where string
		want  bool
	}{
		{"inquiry_id = 10 and need_answer = true", true},
		{"inquiry_id = 10 AND need_answer = false", false},
		{"inquiry_id = 1 or inquiry_id = 10", true},
		{"inquiry_id = 1 or (inquiry_id = 10 and need_answer = false)", false},
		{"(inquiry_id = 1 or inquiry_id = 10) and item_name = '무선 이어폰'", true},
		{"inquiry_id = 10 and item_name != 무선", true},
		{"not inquiry_id = 10", false},
		{"not (inquiry_id = 1 or inquiry_id = 2)", true},
		{"answered_at is null", true},
		{"answered_at is not null", false},
		{"inquiry_at is not null and answered_at IS NULL", true},
		// A comparison with NULL is unknown: neither it nor its negation keeps the row, but an
		// or with a true operand does.
		{"answered_at < 2030-01-01", false},
		{"not answered_at < 2030-01-01", false},
		{"answered_at < 2030-01-01 or inquiry_id = 10", true},
		// Unknown stays unknown under and / or when no operand decides: its not keeps no row.
		{"not (answered_at < 2030-01-01 and inquiry_id = 10)", false},
		{"not answered_at < 2030-01-01 or inquiry_id = 1", false},
		{"inquiry_at >= now() - interval '7 days'", true},
		{"inquiry_at >= now() - interval '5 days'", false},
		{"inquiry_at >= now() - interval '5 days 9 hours'", true},
		{"inquiry_at >= current_date - 5", true},
		{"inquiry_at >= current_date - interval '4 days'", false},
		{"inquiry_at < current_date and inquiry_at >= current_date - interval '1 week'", true},
		{"inquiry_at between current_date - 7 and now()", true},
		{"inquiry_at between now() - interval '1 month' and current_timestamp - interval '4 days'", true},
		{"inquiry_id not in (1, 2)", true},
		{"inquiry_id NOT IN (1, 10)", false},
		{"inquiry_id not between 1 and 9", true},
		{"inquiry_id not between 10 and 11", false},
		{"not inquiry_id not in (10)", true},
		{"need_answer not in (false)", true},
		// NULL not in a list, or not between two values, is unknown: no row.
		{"answered_at not in ('2026-01-01')", false},
		{"answered_at not between '2026-01-01' and '2026-01-02'", false},
	}
	tbl := fixtureTable()
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			e, err := parseWhere(tbl, []string{tt.where}, now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, e.matches(r))
		})
	}
}

func TestWhereTimeValues(t *testing.T) {
	t.Parallel()
	now := kstTime("2026-03-31 00:30:00")
	for _, tt := range []struct{ where, want string }{
		{"inquiry_at >= now()", "2026-03-31 00:30:00"},
		{"inquiry_at >= current_date", "2026-03-31 00:00:00"},
		{"inquiry_at >= current_date - 30", "2026-03-01 00:00:00"},
		{"inquiry_at >= current_date - -1", "2026-04-01 00:00:00"}, // as Postgres reads them
		{"inquiry_at >= current_date - - 1", "2026-04-01 00:00:00"},
		{"inquiry_at >= current_date + 1", "2026-04-01 00:00:00"},
		{"inquiry_at >= now( )", "2026-03-31 00:30:00"},
		// As Postgres: a day past the end of the month is its last day, not days into the next.
		{"inquiry_at >= current_date - interval '1 month'", "2026-02-28 00:00:00"},
		{"inquiry_at >= now() + interval '90 minutes'", "2026-03-31 02:00:00"},
		{"inquiry_at >= now() - interval '1 year 2 days'", "2025-03-29 00:30:00"},
		// Months first, then days, then hours, in whatever order the interval names them.
		{"inquiry_at >= now() - interval '2 days 1 month'", "2026-02-26 00:30:00"},
		{"inquiry_at >= now() - interval '1 month -1 day'", "2026-03-01 00:30:00"},
		{"inquiry_at >= now() - interval '1 hour 1 month'", "2026-02-27 23:30:00"},
		{"inquiry_at >= current_date - 31 + interval '1 month'", "2026-03-28 00:00:00"},
		{"inquiry_at >= current_date - 30 - interval '1 year'", "2025-03-01 00:00:00"},
		{"inquiry_at >= current_date + interval '1 year 11 months'", "2028-02-29 00:00:00"},
		// Beyond the 292 years a time.Duration holds, as Postgres computes them.
		{"inquiry_at >= now() + interval '3000000 hours'", "2368-06-26 00:30:00"},
		{"inquiry_at >= now() - interval '2000000000 seconds'", "1962-11-13 20:56:40"},
		{"inquiry_at >= now() + interval '10000000000 seconds'", "2343-02-18 18:16:40"},
	} {
		c, err := parseWhere(fixtureTable(), []string{tt.where}, now)
		require.NoError(t, err, tt.where)
		got := c.Args[0].Values[0].(time.Time)
		assert.Equal(t, tt.want, got.In(api.KST).Format("2006-01-02 15:04:05"), tt.where)
	}
}

func TestWhereExpressionErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ where, want string }{
		{"inquiry_id = 1 and", "expected a column name"},
		{"(inquiry_id = 1 or inquiry_id = 2", "a parenthesis is not closed: add )"},
		{"inquiry_id = 1) ", `unexpected ")"`},
		{"inquiry_id = now()", "inquiry_id is BIGINT: now() and current_date compare with timestamp columns only"},
		{"inquiry_at > now() - interval 7", "interval needs a quoted amount"},
		{"inquiry_at > now() - interval '7 fortnights'", `bad interval "7 fortnights"`},
		{"inquiry_at > now() - interval 'seven days'", `bad interval "seven days"`},
		{"inquiry_id = 99999999999999999999", "number 99999999999999999999 is out of range for inquiry_id"},
		{"inquiry_id = 99999999999999999999x", `bad number "99999999999999999999x" for inquiry_id (BIGINT)`},
		{"inquiry_at > now() - '1 day'", "+ and - after now() take interval '7 days', or a whole number of days right after current_date"},
		// Found by comparing with Postgres 15, which refuses these: a number of days added to a
		// timestamp (only date ± integer exists), a unit given twice.
		{"inquiry_at > now() - 2", "+ and - after now() take interval '7 days', or a whole number of days right after current_date"},
		{"inquiry_at > current_date - interval '5 days' + 1", "a whole number of days right after current_date"},
		{"inquiry_at > now() - interval '1 day 1 day'", `bad interval "1 day 1 day": days come twice`},
		{"inquiry_at > now() - interval '1 hour 2 hours'", "hours come twice"},
		// Postgres 15's bounds: 64-bit microseconds, 32-bit days and months, timestamps to 294276 AD.
		{"inquiry_at > now() + interval '9223372036855 seconds'", `bad interval "9223372036855 seconds": an amount is out of range`},
		{"inquiry_at > now() + interval '3000000000 hours'", "an amount is out of range"},
		{"inquiry_at > now() - interval '2147483648 days'", "an amount is out of range"},
		{"inquiry_at > now() - interval '2147483647 days 1 week'", "an amount is out of range"},
		{"inquiry_at > now() + interval '178956971 years'", "an amount is out of range"},
		{"inquiry_at > now() + interval '2147483647 days'", "the time it gives is out of range"},
		{"inquiry_at > current_date - 100000000000", "an amount is out of range"},
		{"answered_at is maybe", `bad operator "is"`},
		{"inquiry_at > now() + interval '99999999999999999999 seconds'", "an amount is out of range"},
		{"inquiry_at > now() - interval '178956971 years'", "an amount is out of range"},
		{"inquiry_at > now() + interval '292251 years'", "the time it gives is out of range"}, // 294277
	} {
		_, err := parseWhere(fixtureTable(), []string{tt.where}, kstTime("2026-01-15 21:00:00"))
		require.Error(t, err, tt.where)
		assert.True(t, strings.HasPrefix(err.Error(), "bad --where "), err.Error())
		assert.Contains(t, err.Error(), tt.want, tt.where)
	}
}
