package query

import (
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// The session TimeZone a time bound may have been meant in. Turbot's FDW hands `date` and
// `timestamp` (without time zone) constants to the plugin as if they were UTC, whatever the
// session's TimeZone, so a bound received as v may really be v - offset for any offset from
// UTC-12 to UTC+14 (only timestamptz constants, untyped literals and now() arrive exact). The
// plugin cannot tell which, so it keeps every row some offset would keep, and Postgres, which
// rechecks every qual, drops the rest.
const (
	// ZoneEast is the largest offset east of UTC (UTC+14, Kiribati).
	ZoneEast = 14 * time.Hour
	// ZoneWest is the largest offset west of UTC (UTC-12).
	ZoneWest = 12 * time.Hour
)

// Certainty says whether Postgres keeps a row with a given inquiry_at, whatever the session
// TimeZone the bounds were meant in.
type Certainty int

const (
	// Rejected: no session TimeZone keeps the row.
	Rejected Certainty = iota
	// Maybe: some session TimeZones keep the row and others drop it.
	Maybe
	// Sure: every session TimeZone keeps the row.
	Sure
)

// Filter is the row filter of a plan: every qual on every key column, so that no row the API
// over-delivers (rounded or widened windows, dateless option-ID listings, local-only columns)
// reaches Postgres, which may have pushed a LIMIT down and would otherwise return too few rows.
// Time bounds keep every row some session TimeZone would keep (see ZoneEast). Nil fields mean
// "no qual".
type Filter struct {
	// Lower is the tightest lower bound on inquiry_at (Op ">" or ">="), Upper the tightest upper
	// bound (Op "<" or "<="), as received; "=" quals contribute to both.
	Lower *Bound
	Upper *Bound
	// VendorItemIDs is the sorted intersection of the option-ID quals; nil means any.
	VendorItemIDs []int64
	// OrderID is the order_id qual.
	OrderID *int64
	// PartnerCounselingStatus is the listing status (partnerCounselingStatus, or answeredType for
	// product Q&A) of every request and every row.
	PartnerCounselingStatus string
	// InquiryStatus and CSPartnerCounselingStatus are matched locally; Coupang has no such parameter.
	InquiryStatus             *string
	CSPartnerCounselingStatus *string
	// ExactTimes says the bounds are the instants meant (Quals.ExactTimes): no widening.
	ExactTimes bool
}

// zone is how far a bound may be from what was meant: a lower bound up to east earlier, an upper
// bound up to west later.
type zone struct{ east, west time.Duration }

// zone returns the filter's doubt about its bounds: every session TimeZone, or none.
func (f *Filter) zone() zone { return zoneOf(f.ExactTimes) }

// zoneOf is the doubt about bounds that are exact or that may be meant in any session TimeZone.
func zoneOf(exact bool) zone {
	if exact {
		return zone{}
	}
	return zone{east: ZoneEast, west: ZoneWest}
}

// Rows returns the rows of an inquiry listed (or read) with the filter's status that pass every
// qual: one per distinct option ID the inquiry names, or a single row with VendorItemID 0 when it
// names none. A row's option ID is always the inquiry's own, so every plan gives the same rows.
func (f *Filter) Rows(inq api.Inquiry) []Row {
	status := f.PartnerCounselingStatus
	if !f.matchInquiry(inq) {
		return nil
	}
	if len(inq.VendorItemIDs) == 0 {
		if f.VendorItemIDs != nil {
			return nil // vendor_item_id is null: no `=` or IN keeps it
		}
		return []Row{{Inquiry: inq, PartnerCounselingStatus: status}}
	}
	rows := make([]Row, 0, len(inq.VendorItemIDs))
	for i, id := range inq.VendorItemIDs {
		if slices.Contains(inq.VendorItemIDs[:i], id) || !f.matchVendorItem(id) {
			continue
		}
		rows = append(rows, Row{Inquiry: inq, VendorItemID: id, PartnerCounselingStatus: status})
	}
	return rows
}

// matchInquiry applies the quals on the inquiry's own columns.
func (f *Filter) matchInquiry(inq api.Inquiry) bool {
	return f.Certainty(inq.InquiryAt) != Rejected &&
		(f.OrderID == nil || inq.OrderID == *f.OrderID) &&
		(f.InquiryStatus == nil || inq.InquiryStatus == *f.InquiryStatus) &&
		(f.CSPartnerCounselingStatus == nil || inq.CSPartnerCounselingStatus == *f.CSPartnerCounselingStatus)
}

// Certainty classifies an inquiry_at under the time bounds: Sure when every session TimeZone from
// UTC-12 to UTC+14 keeps it, Maybe when only some do, Rejected when none does.
func (f *Filter) Certainty(t time.Time) Certainty {
	c, z := Sure, f.zone()
	for _, b := range []*Bound{f.Lower, f.Upper} {
		switch {
		case b == nil || b.sure(t, z):
		case b.possible(t, z):
			c = Maybe
		default:
			return Rejected
		}
	}
	return c
}

// SortMaybe puts Maybe rows in the order that loses the fewest rows under a pushed LIMIT: rows in
// doubt only because of the lower bound newest first, then the rest oldest first. Under a
// one-sided bound the rows Postgres keeps (in any session TimeZone) are then a prefix of the
// list, so streaming Sure rows first and these next returns exactly min(limit, kept) rows. With
// both bounds in doubt no single order is a prefix for every TimeZone. at reads a row's
// inquiry_at, so that the rows of either question list sort alike.
func SortMaybe[R any](f *Filter, rows []R, at func(R) time.Time) {
	lowerDoubt := func(r R) bool { return f.Lower != nil && !f.Lower.sure(at(r), f.zone()) }
	slices.SortStableFunc(rows, func(a, b R) int {
		da, db := lowerDoubt(a), lowerDoubt(b)
		switch {
		case da && !db:
			return -1
		case db && !da:
			return 1
		case da:
			return at(b).Compare(at(a)) // newest first
		}
		return at(a).Compare(at(b)) // oldest first
	})
}

// matchVendorItem checks a row's option ID against the option-ID quals.
func (f *Filter) matchVendorItem(id int64) bool {
	if f.VendorItemIDs == nil {
		return true
	}
	_, found := slices.BinarySearch(f.VendorItemIDs, id)
	return found
}

// isLower reports whether the bound is a lower bound.
func (b Bound) isLower() bool { return b.Op == OpGt || b.Op == OpGe }

// possible reports whether some session TimeZone within z keeps t: a bound received as v means
// v - offset, and t satisfies that iff t + offset satisfies v.
func (b Bound) possible(t time.Time, z zone) bool { return b.widened(z).admits(t) }

// sure reports whether every session TimeZone within z keeps t: t passes the bound narrowed as far
// as the other side's offset moves it.
func (b Bound) sure(t time.Time, z zone) bool {
	return b.widened(zone{east: -z.west, west: -z.east}).admits(t)
}

// widened is the bound moved as far as a session TimeZone within z could have meant it: earlier
// for a lower bound, later for an upper one. The API windows cover the widened bounds.
func (b Bound) widened(z zone) Bound {
	if b.isLower() {
		return Bound{Op: b.Op, Value: b.Value.Add(-z.east)}
	}
	return Bound{Op: b.Op, Value: b.Value.Add(z.west)}
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
