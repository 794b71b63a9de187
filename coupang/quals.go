package coupang

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// Key column names shared by the tables.
const (
	colInquiryID                 = "inquiry_id"
	colInquiryAt                 = "inquiry_at"
	colVendorItemID              = "vendor_item_id"
	colOrderID                   = "order_id"
	colPartnerCounselingStatus   = "partner_counseling_status"
	colInquiryStatus             = "inquiry_status"
	colCSPartnerCounselingStatus = "cs_partner_counseling_status"
	colAnswerType                = "answer_type"
	colAnsweredType              = "answered_type"
)

// optionalKeyColumns declares the named key columns, all optional: inquiry_at with the time
// operators, the others with "=" (IN lists arrive as "=" with a list value).
func optionalKeyColumns(names ...string) plugin.KeyColumnSlice {
	out := plugin.OptionalColumns(names)
	if c := out.Find(colInquiryAt); c != nil {
		c.Operators = []string{"=", ">", ">=", "<", "<="}
	}
	return out
}

// convertQuals turns the key-column quals into planner input, each qual's values one set of its
// column; limit is the query's limit (< 0 for none), exact whether the values are exactly the
// caller's (WithExactQuals), now the time the query runs.
func convertQuals(m plugin.KeyColumnQualMap, limit int64, repliesLimit, exact bool, now time.Time) (query.Quals, error) {
	q := query.Quals{Limit: limit, LimitCountsReplies: repliesLimit, ExactTimes: exact}
	ints := map[string]*[][]int64{colVendorItemID: &q.VendorItemID, colOrderID: &q.OrderID, colInquiryID: &q.InquiryID}
	texts := map[string]*[][]string{
		colPartnerCounselingStatus: &q.PartnerCounselingStatus, colAnsweredType: &q.PartnerCounselingStatus, // either endpoint's listing status
		colInquiryStatus: &q.InquiryStatus, colCSPartnerCounselingStatus: &q.CSPartnerCounselingStatus, colAnswerType: &q.AnswerType,
	}
	for column, kq := range m {
		for _, qual := range kq.Quals {
			if qual == nil {
				continue
			}
			if err := fdwGarbage(column, qual.Operator, qual.Value, now); err != nil && !exact {
				return q, err
			}
			var err error
			switch {
			case column == colInquiryAt:
				var ts []time.Time
				ts, err = valuesOf[time.Time](column, qual.Value, "a timestamp")
				bounds := convert(ts, func(t time.Time) query.Bound { return query.Bound{Op: qual.Operator, Value: t} })
				if len(bounds) == 1 && qual.Value.GetListValue() == nil {
					q.InquiryAt = append(q.InquiryAt, bounds[0])
				} else {
					q.InquiryAtAny = append(q.InquiryAtAny, bounds) // a list, or a null (matches nothing)
				}
			case ints[column] != nil:
				*ints[column], err = appendSet(*ints[column], column, qual.Value, "an integer")
			case texts[column] != nil:
				*texts[column], err = appendSet(*texts[column], column, qual.Value, "text")
			default:
				err = fmt.Errorf("unexpected key column %q", column)
			}
			if err != nil {
				return q, err
			}
		}
	}
	return q, nil
}

// unappliedUnderLimit refuses a LIMIT that arrives with a condition the plugin does not apply, as
// each error says why. Turbot's FDW withholds such a LIMIT; its SQLite extension passes it, and hands
// an OFFSET over as a condition with operator NOOP on the first column, inquiry_id. A condition on
// sp_connection_name keeps all of a scan's rows or none: the column holds one value per connection.
func unappliedUnderLimit(d *plugin.QueryData) error {
	limit := d.QueryContext.GetLimit()
	if limit < 0 {
		return nil
	}
	const page = "read the table in a materialized CTE and filter and page that: " +
		"with r as materialized (select ... where inquiry_at >= ...) select ... from r where ... limit"
	for _, column := range slices.Sorted(maps.Keys(d.QueryContext.UnsafeQuals)) { // the same column named every run
		if column == connectionNameColumn {
			continue
		}
		kc := d.Table.List.KeyColumns.Find(column)
		for _, q := range d.QueryContext.UnsafeQuals[column].GetQuals() {
			op, offset := q.GetStringValue(), q.GetValue().GetInt64Value()
			switch {
			case column == colInquiryAt && op != query.OpEq && distinctTimes(q.GetValue()) > 1:
				return fmt.Errorf("limit %d with %s %s any or all of a list cannot be answered exactly: Turbot's FDW passes "+
					"%[2]s %[3]s all(array[...]) as it passes %[2]s %[3]s any(array[...]), so the plugin cannot tell which rows "+
					"Postgres keeps, and the scan would end after %[1]d rows; write the one bound meant as a constant, or %[4]s %[1]d",
					limit, column, op, page)
			case kc != nil && slices.Contains(kc.Operators, op):
			case op == "NOOP" && column == colInquiryID:
				if offset > 0 { // 0: an OFFSET 0, or IS NULL, which no inquiry_id meets
					return fmt.Errorf("limit %d offset %d cannot be answered through Turbot's SQLite extension: it passes the plugin the "+
						"limit but not the offset, so the scan would end after %[1]d rows and SQLite would then skip %[2]d of them; %s %[1]d offset %[2]d",
						limit, offset, page)
				}
			default:
				return fmt.Errorf("limit %d with a condition on %s cannot be answered exactly: the plugin does not apply that condition, "+
					"yet the limit reached it, so the scan would end after %[1]d rows and the engine would then drop those failing it; %[3]s %[1]d",
					limit, column, page)
			}
		}
	}
	return nil
}

// distinctTimes is the number of distinct times, NULL aside, of an inquiry_at qual's value.
func distinctTimes(v *proto.QualValue) int {
	ts, _ := valuesOf[time.Time](colInquiryAt, v, "a timestamp")
	slices.SortFunc(ts, time.Time.Compare)
	return len(slices.CompactFunc(ts, time.Time.Equal))
}

// connectionNameColumn is the SDK's column of every table that names the row's connection.
const connectionNameColumn = "sp_connection_name"

// postgresEpoch is the instant of a zero timestamp Datum.
var postgresEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fdw names the engine whose values fdwGarbage refuses, in its errors.
const fdw = "Turbot's Postgres FDW (which the Steampipe CLI runs too)"

// fdwGarbage refuses a value that Turbot's Postgres FDW hands over in place of the one written,
// where reading on would return no row, or every inquiry since 2010, without an error:
//   - for a scalar subquery, `col = (select ...)`, it reads the value before the subquery has run,
//     so the plugin gets the type's zero (0, 2000-01-01 00:00 UTC, "?"); no Coupang ID is 0 and no
//     status is "?" (for `col = any(array(select ...))` it passes an empty list, which the SDK
//     answers with no row before any plugin code runs);
//   - it converts a timestamp through nanoseconds in an int64, so 'infinity' and any time after
//     2292 wrap around to a time before 2000 (an upper bound older than Coupang's first inquiry),
//     and a time before 1708 to one between 1708 and 2292 (a lower bound more than a year ahead
//     is refused; one that lands before 2010 reads every inquiry, which is right).
//
// The planner would answer these with no windows, rightly for the values it is given: the values
// are the FDW's, so they are judged where its quals are read.
func fdwGarbage(column, op string, v *proto.QualValue, now time.Time) error {
	switch w := v.GetValue().(type) {
	case *proto.QualValue_Int64Value:
		if w.Int64Value == 0 {
			return subqueryValue(column, op, "0")
		}
	case *proto.QualValue_StringValue:
		if w.StringValue == "?" {
			return subqueryValue(column, op, "'?'")
		}
	case *proto.QualValue_TimestampValue:
		return wrappedTime(column, op, w.TimestampValue.AsTime(), now)
	}
	return nil
}

// readEveryInquiry is the advice for a query meant to read all there is.
var readEveryInquiry = fmt.Sprintf("to read every inquiry, write %s >= '%s' (Coupang has none before %[3]d)",
	colInquiryAt, query.MinDate.Format(api.DateLayout), query.MinDate.Year())

// subqueryValue is the error for the value the FDW sends for a scalar subquery.
func subqueryValue(column, op, value string) error {
	hint := ""
	switch column {
	case colVendorItemID, colInquiryID: // read without a time bound
		hint = fmt.Sprintf(", or use %s in (select ...)", column)
	case colInquiryAt:
		hint = " or now() - interval '7 days' (the FDW passes this for '-infinity' too); " + readEveryInquiry
	}
	if value == "0" { // a join or an in (select ...) hands over each value as = too, a 0 of the user's among them
		hint += fmt.Sprintf(". If the 0 comes from a table or subquery of yours (a join, %s in (select ...)), leave it out there, "+
			"as in where id <> 0: no Coupang ID is 0", column)
	}
	return fmt.Errorf("%s %s %s: this is what %s passes for a value computed by a scalar subquery, such as "+
		"%s %s (select ...), because it reads the value before the subquery runs; the plugin refuses it rather than "+
		"answer for the wrong value. Write the value itself (a constant, a prepared statement's parameter or a psql "+
		"\\gset variable)%s", column, op, value, fdw, column, op, hint)
}

// wrappedTime refuses a time bound that can match no inquiry, being too old or too new, as the FDW
// sends for the times it wraps around; 2000-01-01 UTC is a scalar subquery's.
func wrappedTime(column, op string, t, now time.Time) error {
	var tooWhat, wrapsFrom, fix string
	switch {
	case t.Equal(postgresEpoch):
		return subqueryValue(column, op, "'2000-01-01 00:00:00+00'")
	case op != query.OpGt && op != query.OpGe && t.Before(query.MinDate):
		tooWhat = fmt.Sprintf("old (none before %d)", query.MinDate.Year())
		wrapsFrom, fix = "'infinity' or any time after 2292", "leave the bound out or write a nearer one, such as '2100-01-01'"
	case op != query.OpLt && op != query.OpLe && t.After(now.AddDate(1, 0, 0)):
		tooWhat, wrapsFrom, fix = "new", "any time before 1708", readEveryInquiry
	default:
		return nil
	}
	return fmt.Errorf("%s %s '%s': no Coupang inquiry is that %s, so this would match nothing; %s passes such a time "+
		"for %s, which it wraps around: %s", column, op, t.Format("2006-01-02 15:04:05.999999-07"), tooWhat, fdw, wrapsFrom, fix)
}

// appendSet appends the values of one qual, as a set, to the sets of its column.
func appendSet[T any](sets [][]T, column string, v *proto.QualValue, want string) ([][]T, error) {
	set, err := valuesOf[T](column, v, want)
	return append(sets, set), err
}

// valuesOf reads a qual's values (the elements of an IN list, or the value itself) as Ts (int64,
// string or time.Time); want names T in the error. Nulls are dropped: `col = NULL` matches nothing. A
// nil v is the NULL Turbot's FDW passes for a NULL constant or parameter, as a nested loop's outer
// value: it has no values, so its scan sends no request.
func valuesOf[T any](column string, v *proto.QualValue, want string) ([]T, error) {
	vs := []*proto.QualValue{v}
	if l := v.GetListValue(); l != nil {
		vs = l.Values
	}
	out := make([]T, 0, len(vs))
	_, integers := any(out).([]int64)
	for _, v := range vs {
		var x any
		switch w := v.GetValue().(type) {
		case nil:
			continue
		case *proto.QualValue_ListValue: // `col in (a, b) or col = c`: Turbot's FDW lists each side's values
			inner, err := valuesOf[T](column, v, want)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		case *proto.QualValue_Int64Value:
			x = w.Int64Value
		case *proto.QualValue_StringValue:
			x = w.StringValue
			// SQLite passes an integer column's text as text; its own comparison reads a whole
			// number in it as that number (vendor_item_id = '452907446' keeps the row).
			if n, err := strconv.ParseInt(strings.TrimSpace(w.StringValue), 10, 64); err == nil && integers {
				x = n
			}
		case *proto.QualValue_TimestampValue:
			if w.TimestampValue != nil {
				x = w.TimestampValue.AsTime()
			}
		}
		t, ok := x.(T)
		if !ok {
			return nil, fmt.Errorf("%s: expected %s, got %v", column, want, v)
		}
		out = append(out, t)
	}
	return out, nil
}
