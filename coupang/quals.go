package coupang

import (
	"context"
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

// maxVariants bounds how many plans IN lists on the columns the planner takes one value of may
// multiply into (see expand).
const maxVariants = 256

// tableQuals is what a list function needs from the SDK's quals.
type tableQuals struct {
	// Variants are the planner inputs. Each is run in turn; together they cover the quals exactly.
	// One unless IN lists were given on columns the planner takes a single value of.
	Variants []query.Quals
	// InquiryIDs is the set of inquiry_id values asked for (reply table), valid when HasInquiryID.
	InquiryIDs   []int64
	HasInquiryID bool
	// AnswerTypes is the set of answer_type values asked for (reply table), valid when HasAnswerType.
	AnswerTypes   []string
	HasAnswerType bool
}

// convertQuals turns the key-column quals into planner input. limit is the query's limit (< 0 for
// none); repliesLimit says the limit counts replies. Lists (IN) on vendor_item_id go to the planner
// as a set. Lists on order_id, inquiry_at, partner_counseling_status (or answered_type), inquiry_status and
// cs_partner_counseling_status, which the planner takes one value of per qual, expand into one
// variant per value (their values select disjoint rows, except partner_counseling_status, whose
// value is part of the row). Quals on inquiry_id and answer_type become sets.
func convertQuals(m plugin.KeyColumnQualMap, limit int64, repliesLimit bool) (tableQuals, error) {
	base := query.Quals{Limit: limit, LimitCountsReplies: repliesLimit}
	var out tableQuals
	// choices holds, per multi-valued qual, how to apply each of its values to a variant.
	var choices [][]func(*query.Quals)
	for column, kq := range m {
		for _, q := range kq.Quals {
			if q == nil || q.Value == nil {
				continue
			}
			values := qualValues(q.Value)
			switch column {
			case colVendorItemID:
				ids, err := int64s(column, values)
				if err != nil {
					return out, err
				}
				base.VendorItemID = append(base.VendorItemID, ids)
				continue
			case colInquiryID:
				ids, err := int64s(column, values)
				if err != nil {
					return out, err
				}
				out.InquiryIDs = intersect(out.InquiryIDs, ids, out.HasInquiryID)
				out.HasInquiryID = true
				continue
			case colAnswerType:
				s, err := stringValues(column, values)
				if err != nil {
					return out, err
				}
				out.AnswerTypes = intersect(out.AnswerTypes, s, out.HasAnswerType)
				out.HasAnswerType = true
				continue
			}
			var opts []func(*query.Quals)
			for _, v := range dedupe(values) {
				apply, err := applier(column, q.Operator, v)
				if err != nil {
					return out, err
				}
				opts = append(opts, apply)
			}
			if len(opts) == 0 {
				// A list of nulls only: no row can match.
				return out, nil
			}
			choices = append(choices, opts)
		}
	}
	variants, err := expand(base, choices)
	if err != nil {
		return out, err
	}
	out.Variants = variants
	return out, nil
}

// applier returns the function adding one value of a qual on column to a variant.
func applier(column, op string, v *proto.QualValue) (func(*query.Quals), error) {
	switch column {
	case colInquiryAt:
		ts := v.GetTimestampValue()
		if ts == nil {
			return nil, fmt.Errorf("%s: expected a timestamp, got %v", column, v)
		}
		b := query.Bound{Op: op, Value: ts.AsTime()}
		return func(q *query.Quals) { q.InquiryAt = append(q.InquiryAt, b) }, nil
	case colOrderID:
		id, ok := v.GetValue().(*proto.QualValue_Int64Value)
		if !ok {
			return nil, fmt.Errorf("%s: expected an integer, got %v", column, v)
		}
		return func(q *query.Quals) { q.OrderID = append(q.OrderID, id.Int64Value) }, nil
	case colPartnerCounselingStatus, colAnsweredType, colInquiryStatus, colCSPartnerCounselingStatus:
		s, ok := v.GetValue().(*proto.QualValue_StringValue)
		if !ok {
			return nil, fmt.Errorf("%s: expected text, got %v", column, v)
		}
		switch column {
		case colPartnerCounselingStatus, colAnsweredType: // the listing status of either endpoint
			return func(q *query.Quals) { q.PartnerCounselingStatus = append(q.PartnerCounselingStatus, s.StringValue) }, nil
		case colInquiryStatus:
			return func(q *query.Quals) { q.InquiryStatus = append(q.InquiryStatus, s.StringValue) }, nil
		default:
			return func(q *query.Quals) { q.CSPartnerCounselingStatus = append(q.CSPartnerCounselingStatus, s.StringValue) }, nil
		}
	}
	return nil, fmt.Errorf("unexpected key column %q", column)
}

// expand builds the cartesian product of the multi-valued quals over base. Every variant gets its
// own copies of base's slices.
func expand(base query.Quals, choices [][]func(*query.Quals)) ([]query.Quals, error) {
	n := 1
	for _, c := range choices {
		n *= len(c)
		if n > maxVariants {
			return nil, fmt.Errorf("the IN lists of this query combine into more than %d separate listings: split the query", maxVariants)
		}
	}
	variants := []query.Quals{base}
	for _, c := range choices {
		next := make([]query.Quals, 0, len(variants)*len(c))
		for _, v := range variants {
			for _, apply := range c {
				cp := cloneQuals(v)
				apply(&cp)
				next = append(next, cp)
			}
		}
		variants = next
	}
	return variants, nil
}

func cloneQuals(q query.Quals) query.Quals {
	q.InquiryAt = slices.Clone(q.InquiryAt)
	q.VendorItemID = slices.Clone(q.VendorItemID)
	q.OrderID = slices.Clone(q.OrderID)
	q.PartnerCounselingStatus = slices.Clone(q.PartnerCounselingStatus)
	q.InquiryStatus = slices.Clone(q.InquiryStatus)
	q.CSPartnerCounselingStatus = slices.Clone(q.CSPartnerCounselingStatus)
	return q
}

// qualValues returns a qual's values: the elements of a list (IN), or the value itself. Nulls are
// dropped: `col = NULL` matches nothing.
func qualValues(v *proto.QualValue) []*proto.QualValue {
	var vs []*proto.QualValue
	if l := v.GetListValue(); l != nil {
		vs = l.Values
	} else {
		vs = []*proto.QualValue{v}
	}
	out := make([]*proto.QualValue, 0, len(vs))
	for _, x := range vs {
		if x != nil && x.Value != nil {
			out = append(out, x)
		}
	}
	return out
}

// dedupe drops repeated values (`IN (1, 1)`), which would otherwise run a variant twice.
func dedupe(vs []*proto.QualValue) []*proto.QualValue {
	var out []*proto.QualValue
	seen := map[string]bool{}
	for _, v := range vs {
		k := v.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func int64s(column string, vs []*proto.QualValue) ([]int64, error) {
	out := make([]int64, 0, len(vs))
	for _, v := range vs {
		x, ok := v.GetValue().(*proto.QualValue_Int64Value)
		if !ok {
			return nil, fmt.Errorf("%s: expected an integer, got %v", column, v)
		}
		out = append(out, x.Int64Value)
	}
	return out, nil
}

func stringValues(column string, vs []*proto.QualValue) ([]string, error) {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		x, ok := v.GetValue().(*proto.QualValue_StringValue)
		if !ok {
			return nil, fmt.Errorf("%s: expected text, got %v", column, v)
		}
		out = append(out, x.StringValue)
	}
	return out, nil
}

// intersect returns the sorted, deduplicated values of next that are also in prev (or all of next
// when !hasPrev): several `=`/IN quals on one column are ANDed.
func intersect[T int64 | string](prev, next []T, hasPrev bool) []T {
	out := append([]T{}, next...)
	slices.Sort(out)
	out = slices.Compact(out)
	if hasPrev {
		out = slices.DeleteFunc(out, func(v T) bool {
			_, found := slices.BinarySearch(prev, v)
			return !found
		})
	}
	return out
}

// originalQuals returns the query's key-column quals as Postgres sent them, or ok=false when this
// call is a redundant copy that must do nothing.
//
// When exactly one key-column qual holds a list (`vendor_item_id IN (...)`), the SDK runs the list
// function once per value, concurrently, each with a copy of QueryData whose qual is that single
// value (Table.doListForQualValues). The copies would stream their rows interleaved, so under a
// pushed LIMIT a row Postgres may reject could come before rows it surely keeps (see holdback), and
// each copy would make its own plan. So every copy rebuilds the original quals from
// QueryContext.UnsafeQuals (shared, unmodified), and only the copy given the list's first element
// runs the whole query; the others return at once. The copy is recognised by identity: the SDK
// hands each copy the list's own *proto.QualValue element.
func originalQuals(d *plugin.QueryData) (plugin.KeyColumnQualMap, bool) {
	if d.QueryContext == nil || d.QueryContext.UnsafeQuals == nil || d.Table == nil || d.Table.List == nil {
		return d.Quals, true
	}
	orig := plugin.NewKeyColumnQualValueMap(d.QueryContext.UnsafeQuals, d.Table.List.KeyColumns)
	for column, kq := range d.Quals {
		ok, isCopy := fanOutLeader(orig[column], kq)
		if isCopy {
			return orig, ok
		}
	}
	return orig, true
}

// fanOutLeader reports whether cur is a fan-out copy's single-value qual for a list qual in orig,
// and if so whether it carries the list's first element.
func fanOutLeader(orig, cur *plugin.KeyColumnQuals) (leader, isCopy bool) {
	if orig == nil || cur == nil || len(cur.Quals) != 1 {
		return false, false
	}
	v := cur.Quals[0].Value
	if v == nil || v.GetListValue() != nil {
		return false, false
	}
	for _, q := range orig.Quals {
		list := q.Value.GetListValue()
		if list == nil || len(list.Values) == 0 {
			continue
		}
		for i, x := range list.Values {
			if x == v {
				return i == 0, true
			}
		}
	}
	return false, false
}

// queryLimit is the query's limit, -1 for none.
func queryLimit(d *plugin.QueryData) int64 {
	if d.QueryContext == nil || d.QueryContext.Limit == nil {
		return -1
	}
	return *d.QueryContext.Limit
}

// limitMet reports whether the query has streamed all the rows its limit asks for. The query's
// own context is deliberately not consulted: RowsRemaining reports 0 for a cancelled context.
func limitMet(d *plugin.QueryData) bool {
	return queryLimit(d) >= 0 && d.RowsRemaining(context.Background()) <= 0
}
