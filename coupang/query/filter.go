package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// The session TimeZones a bound may have been meant in: Turbot's FDW hands `date` and `timestamp`
// constants over as UTC, so v may mean v - offset for any offset from UTC-12 to UTC+14 (timestamptz
// constants, untyped literals and now() arrive exact); the plugin keeps every row some offset keeps.
const (
	ZoneEast = 14 * time.Hour // UTC+14, Kiribati
	ZoneWest = 12 * time.Hour // UTC-12
)

// Certainty says whether Postgres keeps a row with a given inquiry_at, whatever the session
// TimeZone the bounds were meant in.
type Certainty int

// No session TimeZone keeps the row, some do, or every one does.
const (
	Rejected Certainty = iota
	Maybe
	Sure
)

// Filter is every qual of a plan, so that no row the API over-delivers (whole-day windows,
// dateless option-ID listings, local-only columns) reaches Postgres, which may have pushed a
// LIMIT down and would then return too few rows. Nil fields mean "no qual".
type Filter struct {
	// Lower (">" or ">=") and Upper ("<" or "<=") are the tightest bounds on inquiry_at as
	// received; "=" quals make both.
	Lower, Upper  *Bound
	VendorItemIDs []int64 // sorted; nil means any
	OrderID       *int64
	// PartnerCounselingStatus is the listing status (answeredType for product Q&A) of all requests.
	PartnerCounselingStatus string
	// InquiryStatus and CSPartnerCounselingStatus are the values a row may have (CompareFold); nil means any.
	InquiryStatus, CSPartnerCounselingStatus []string
	ExactTimes                               bool // as in Quals: no widening
}

// NewFilter returns the filter of quals that leave at most one value per column but vendor_item_id,
// inquiry_status and cs_partner_counseling_status (see Split); inquiries read by ID use it alone.
// ok is false when the quals contradict each other; err reports an unknown status or operator.
func NewFilter(q Quals) (_ *Filter, ok bool, err error) {
	ep := cmp.Or(q.Endpoint, CallCenter)
	for _, s := range slices.Concat(q.PartnerCounselingStatus...) {
		if !slices.Contains(ep.Statuses, s) {
			return nil, false, fmt.Errorf("unknown %s %q: use one of %s", ep.StatusColumn, s, strings.Join(ep.Statuses, ", "))
		}
	}
	f := &Filter{PartnerCounselingStatus: ep.Statuses[0], ExactTimes: q.ExactTimes}
	var status *string
	empty, bounds := false, slices.Clone(q.InquiryAt)
	errs := []error{single(&status, &empty, ep.StatusColumn, q.PartnerCounselingStatus, strings.Compare)}
	for _, l := range q.InquiryAtAny {
		var b *Bound
		errs = append(errs, single(&b, &empty, "inquiry_at", [][]Bound{l}, compareBounds))
		if b != nil {
			bounds = append(bounds, *b)
		}
	}
	errs = append(errs, f.bound(bounds, &empty),
		single(&f.OrderID, &empty, "order_id", q.OrderID, cmp.Compare[int64]))
	var ok1, ok2 bool
	f.InquiryStatus, ok1 = Intersect(q.InquiryStatus, CompareFold)
	f.CSPartnerCounselingStatus, ok2 = Intersect(q.CSPartnerCounselingStatus, CompareFold)
	empty = empty || !ok1 || !ok2
	if err := cmp.Or(errs...); err != nil {
		return nil, false, err
	}
	if status != nil {
		f.PartnerCounselingStatus = *status
	}
	// Only a sendable ID names an order or option: others match nothing real and are not sent (an
	// inquiry without an order has order_id NULL, which no = keeps, though it reads as 0).
	empty = empty || f.OrderID != nil && !api.SendableID(*f.OrderID)
	ids, some := Intersect(q.VendorItemID, cmp.Compare[int64])
	f.VendorItemIDs = slices.DeleteFunc(ids, func(id int64) bool { return !api.SendableID(id) })
	return f, !empty && some && (ids == nil || len(f.VendorItemIDs) > 0), nil
}

// bound reduces the inquiry_at quals to the tightest lower and upper bound, and sets *empty when
// no session TimeZone could keep a row (each bound may be meant in its own).
func (f *Filter) bound(bs []Bound, empty *bool) error {
	tighter := func(cur *Bound, b Bound) *Bound {
		if cur == nil || !b.admits(cur.Value) {
			return &b
		}
		return cur
	}
	for _, b := range bs {
		switch b.Op {
		case OpEq:
			f.Lower, f.Upper = tighter(f.Lower, Bound{OpGe, b.Value}), tighter(f.Upper, Bound{OpLe, b.Value})
		case OpGt, OpGe:
			f.Lower = tighter(f.Lower, b)
		case OpLt, OpLe:
			f.Upper = tighter(f.Upper, b)
		default:
			return fmt.Errorf("unsupported operator %q on inquiry_at: use =, >, >=, < or <=", b.Op)
		}
	}
	if f.Lower != nil && f.Upper != nil {
		lo, hi := f.widened(*f.Lower), f.widened(*f.Upper)
		*empty = *empty || !lo.admits(hi.Value) || !hi.admits(lo.Value)
	}
	return nil
}

// widened is b as far as some session TimeZone could have meant it, which the windows cover.
func (f *Filter) widened(b Bound) Bound { return f.moved(b, -ZoneEast, ZoneWest) }

// narrowed is b as every session TimeZone means it: a row inside it is surely kept.
func (f *Filter) narrowed(b Bound) Bound { return f.moved(b, ZoneWest, -ZoneEast) }

// moved adds lower to a lower bound's instant or upper to an upper bound's; exact bounds stay.
func (f *Filter) moved(b Bound, lower, upper time.Duration) Bound {
	if f.ExactTimes {
		return b
	}
	if b.Op == OpGt || b.Op == OpGe {
		b.Value = b.Value.Add(lower)
	} else {
		b.Value = b.Value.Add(upper)
	}
	return b
}

// Certainty classifies an inquiry_at under the time bounds.
func (f *Filter) Certainty(t time.Time) Certainty {
	c := Sure
	for _, b := range []*Bound{f.Lower, f.Upper} {
		switch {
		case b == nil || f.narrowed(*b).admits(t):
		case f.widened(*b).admits(t):
			c = Maybe
		default:
			return Rejected
		}
	}
	return c
}

// Rows returns the rows of an inquiry listed (or read) with the filter's status that pass every
// qual: one per distinct option ID the inquiry names, or one with VendorItemID 0 when it names none.
// A row's option ID is always the inquiry's own, so every plan gives the same rows.
func (f *Filter) Rows(inq api.Inquiry) []Row {
	if f.Certainty(inq.InquiryAt) == Rejected || (f.OrderID != nil && inq.OrderID != *f.OrderID) ||
		!oneOf(inq.InquiryStatus, f.InquiryStatus) || !oneOf(inq.CSPartnerCounselingStatus, f.CSPartnerCounselingStatus) {
		return nil
	}
	ids := inq.VendorItemIDs
	if len(ids) == 0 {
		ids = []int64{0} // one row with vendor_item_id null, which no `=` or IN keeps
	}
	var rows []Row
	for i, id := range ids {
		_, wanted := slices.BinarySearch(f.VendorItemIDs, id)
		if (wanted || f.VendorItemIDs == nil) && !slices.Contains(ids[:i], id) {
			rows = append(rows, Row{Inquiry: inq, VendorItemID: id, PartnerCounselingStatus: f.PartnerCounselingStatus})
		}
	}
	return rows
}

// CompareMaybe orders Maybe rows (a's inquiry_at under fa, b's under fb) to lose the fewest under a
// pushed LIMIT: rows the bounds keep as written (as exact constants arrive) first, then the others;
// within each, rows in doubt on the lower bound newest first, the rest oldest first. Under a one-sided
// or exact bound, the rows Postgres keeps in any session TimeZone are then a prefix, so Sure rows and
// then these give exactly min(limit, kept); no order is a prefix for shifted bounds on both sides.
func CompareMaybe(fa *Filter, a time.Time, fb *Filter, b time.Time) int {
	wa, da := fa.doubt(a)
	wb, db := fb.doubt(b)
	switch {
	case wa && !wb:
		return -1
	case wb && !wa:
		return 1
	case da && !db:
		return -1
	case db && !da:
		return 1
	case da:
		return b.Compare(a) // newest first
	}
	return a.Compare(b) // oldest first
}

// doubt reports whether the bounds as written keep t, and whether t is in doubt because of the lower bound.
func (f *Filter) doubt(t time.Time) (asWritten, lower bool) {
	asWritten = (f.Lower == nil || f.Lower.admits(t)) && (f.Upper == nil || f.Upper.admits(t))
	return asWritten, f.Lower != nil && !f.narrowed(*f.Lower).admits(t)
}

// admitted are the results of t.Compare(v) that each operator admits.
var admitted = map[string][]int{OpEq: {0}, OpGt: {1}, OpGe: {0, 1}, OpLt: {-1}, OpLe: {-1, 0}}

func (b Bound) admits(t time.Time) bool { return slices.Contains(admitted[b.Op], t.Compare(b.Value)) }

// oneOf reports whether v is one of values to SameFold, or values is nil (no qual).
func oneOf(v string, values []string) bool {
	return values == nil || slices.ContainsFunc(values, func(s string) bool { return SameFold(v, s) })
}
