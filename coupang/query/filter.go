package query

import (
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Filter is the exact row filter of a plan: every qual on every key column, so that no row the
// API over-delivers (rounded or widened windows, dateless option-ID listings, local-only columns)
// reaches Postgres, which may have pushed a LIMIT down and would otherwise return too few rows.
// Nil fields mean "no qual".
type Filter struct {
	// Lower is the tightest lower bound on inquiry_at (Op ">" or ">="), Upper the tightest upper
	// bound (Op "<" or "<="); "=" quals contribute to both.
	Lower *Bound
	Upper *Bound
	// VendorItemIDs is the sorted intersection of the option-ID quals; nil means any.
	VendorItemIDs []int64
	// OrderID is the order_id qual.
	OrderID *int64
	// PartnerCounselingStatus is the status rows are listed with.
	PartnerCounselingStatus string
	// InquiryStatus and CSPartnerCounselingStatus are matched locally; Coupang has no such parameter.
	InquiryStatus             *string
	CSPartnerCounselingStatus *string
}

// NewFilter returns the exact filter of the quals without planning any request, for inquiries read
// one at a time from the single-inquiry endpoint. ok is false when the quals contradict each other,
// so that no row can match; err reports an unknown status or operator, as Build does.
func NewFilter(q Quals) (f *Filter, ok bool, err error) {
	filter, empty, err := buildFilter(q)
	if err != nil {
		return nil, false, err
	}
	return &filter, !empty, nil
}

// RowOf is the row of an inquiry read on its own rather than listed: it carries the filter's
// status and, as vendor_item_id, the first of its option IDs the quals ask for.
func (f *Filter) RowOf(inq api.Inquiry) Row {
	return Row{
		Inquiry:                 inq,
		VendorItemID:            PickVendorItem(inq.VendorItemIDs, 0, f.VendorItemIDs),
		PartnerCounselingStatus: f.PartnerCounselingStatus,
	}
}

// Match reports whether a row passes every qual.
func (f *Filter) Match(r Row) bool {
	return f.matchTime(r.Inquiry.InquiryAt) &&
		f.matchVendorItem(r.VendorItemID) &&
		(f.OrderID == nil || r.Inquiry.OrderID == *f.OrderID) &&
		(f.PartnerCounselingStatus == "" || r.PartnerCounselingStatus == f.PartnerCounselingStatus) &&
		(f.InquiryStatus == nil || r.Inquiry.InquiryStatus == *f.InquiryStatus) &&
		(f.CSPartnerCounselingStatus == nil || r.Inquiry.CSPartnerCounselingStatus == *f.CSPartnerCounselingStatus)
}

// matchTime applies the inquiry_at bounds to the second (and below: comparisons are exact).
func (f *Filter) matchTime(t time.Time) bool {
	return (f.Lower == nil || f.Lower.admits(t)) && (f.Upper == nil || f.Upper.admits(t))
}

// matchVendorItem checks the row's option ID, which pickVendorItem already chose from the set
// whenever the inquiry lists any member, so this equals "any of its option IDs is in the set".
func (f *Filter) matchVendorItem(id int64) bool {
	if f.VendorItemIDs == nil {
		return true
	}
	_, found := slices.BinarySearch(f.VendorItemIDs, id)
	return found
}

// admits reports whether t satisfies the bound.
func (b Bound) admits(t time.Time) bool {
	switch b.Op {
	case OpGt:
		return t.After(b.Value)
	case OpGe:
		return !t.Before(b.Value)
	case OpLt:
		return t.Before(b.Value)
	case OpLe:
		return !t.After(b.Value)
	case OpEq:
		return t.Equal(b.Value)
	}
	return false
}

// PickVendorItem chooses a row's vendor_item_id: the option ID the request asked for (0 for none)
// when the inquiry lists it (or lists none, trusting Coupang's own filter), else the first listed
// ID in the query's set (sorted ascending; nil for none), else the first listed ID. Preferring the
// set keeps Postgres' recheck of `vendor_item_id IN (...)` true for rows we stream.
func PickVendorItem(ids []int64, requested int64, set []int64) int64 {
	if requested != 0 && (len(ids) == 0 || slices.Contains(ids, requested)) {
		return requested
	}
	for _, id := range ids {
		if _, found := slices.BinarySearch(set, id); found {
			return id
		}
	}
	if len(ids) > 0 {
		return ids[0]
	}
	return 0
}
