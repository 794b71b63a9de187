package coupang

import (
	"fmt"
	"slices"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// Key column names shared by both tables.
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

// Operators of the inquiry_at key column; BETWEEN arrives as >= and <=.
var timeOperators = []string{"=", ">", ">=", "<", "<="}

// optionalKeyColumns declares the named key columns, all optional: inquiry_at with timeOperators,
// the others with "=" (IN lists arrive as "=" with a list value).
func optionalKeyColumns(names ...string) plugin.KeyColumnSlice {
	out := make(plugin.KeyColumnSlice, len(names))
	for i, name := range names {
		out[i] = &plugin.KeyColumn{Name: name, Require: plugin.Optional}
		if name == colInquiryAt {
			out[i].Operators = timeOperators
		}
	}
	return out
}

// convertQuals turns the key-column quals into planner input: each qual's values (one, or an IN
// list) become one set of its column. limit is the query's limit (< 0 for none); repliesLimit says
// the limit counts replies.
func convertQuals(m plugin.KeyColumnQualMap, limit int64, repliesLimit bool) (query.Quals, error) {
	q := query.Quals{Limit: limit, LimitCountsReplies: repliesLimit}
	for column, kq := range m {
		for _, qual := range kq.Quals {
			if qual == nil || qual.Value == nil {
				continue
			}
			values := qualValues(qual.Value)
			var err error
			switch column {
			case colInquiryAt:
				var bounds []query.Bound
				if bounds, err = timeBounds(column, qual.Operator, values); err == nil {
					if len(bounds) == 1 && qual.Value.GetListValue() == nil {
						q.InquiryAt = append(q.InquiryAt, bounds[0])
					} else {
						q.InquiryAtAny = append(q.InquiryAtAny, bounds) // a list, or a null (matches nothing)
					}
				}
			case colVendorItemID:
				q.VendorItemID, err = appendSet(q.VendorItemID, column, values, int64Value)
			case colOrderID:
				q.OrderID, err = appendSet(q.OrderID, column, values, int64Value)
			case colPartnerCounselingStatus, colAnsweredType: // the listing status of either endpoint
				q.PartnerCounselingStatus, err = appendSet(q.PartnerCounselingStatus, column, values, stringValue)
			case colInquiryStatus:
				q.InquiryStatus, err = appendSet(q.InquiryStatus, column, values, stringValue)
			case colCSPartnerCounselingStatus:
				q.CSPartnerCounselingStatus, err = appendSet(q.CSPartnerCounselingStatus, column, values, stringValue)
			case colInquiryID:
				q.InquiryID, err = appendSet(q.InquiryID, column, values, int64Value)
			case colAnswerType:
				q.AnswerType, err = appendSet(q.AnswerType, column, values, stringValue)
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

// timeBounds returns one bound with op per timestamp value.
func timeBounds(column, op string, vs []*proto.QualValue) ([]query.Bound, error) {
	out := make([]query.Bound, 0, len(vs))
	for _, v := range vs {
		ts := v.GetTimestampValue()
		if ts == nil {
			return nil, fmt.Errorf("%s: expected a timestamp, got %v", column, v)
		}
		out = append(out, query.Bound{Op: op, Value: ts.AsTime()})
	}
	return out, nil
}

// qualValues returns a qual's values: the elements of a list (IN), or the value itself. Nulls are
// dropped: `col = NULL` matches nothing.
func qualValues(v *proto.QualValue) []*proto.QualValue {
	vs := []*proto.QualValue{v}
	if l := v.GetListValue(); l != nil {
		vs = slices.Clone(l.Values) // the SDK's own list, shared by every scan of the query
	}
	return slices.DeleteFunc(vs, func(x *proto.QualValue) bool { return x == nil || x.Value == nil })
}

// appendSet appends a qual's values to the sets of its column, each read by value (ok false: the
// wrong type).
func appendSet[T any](sets [][]T, column string, vs []*proto.QualValue, value func(*proto.QualValue) (T, bool, string)) ([][]T, error) {
	set := make([]T, 0, len(vs))
	for _, v := range vs {
		x, ok, want := value(v)
		if !ok {
			return nil, fmt.Errorf("%s: expected %s, got %v", column, want, v)
		}
		set = append(set, x)
	}
	return append(sets, set), nil
}

func int64Value(v *proto.QualValue) (int64, bool, string) {
	_, ok := v.GetValue().(*proto.QualValue_Int64Value)
	return v.GetInt64Value(), ok, "an integer"
}

func stringValue(v *proto.QualValue) (string, bool, string) {
	_, ok := v.GetValue().(*proto.QualValue_StringValue)
	return v.GetStringValue(), ok, "text"
}

// queryLimit is the query's limit, -1 for none.
func queryLimit(d *plugin.QueryData) int64 {
	if d.QueryContext == nil || d.QueryContext.Limit == nil {
		return -1
	}
	return *d.QueryContext.Limit
}
