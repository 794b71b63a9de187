package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// MaxSplits bounds how many single-valued Quals the IN lists of one query may multiply into (see
// Split).
const MaxSplits = 256

// Split returns the single-valued Quals that Build plans, one per combination of the values left
// on the columns a plan takes one value of: order_id (sent per request), the listing status (sent
// per request, and part of the row), inquiry_status, cs_partner_counseling_status and each
// list on inquiry_at. The values of one column select disjoint rows, so together the plans
// return each row once. Each column's quals are intersected first, so `IN ('a', 'b') AND = 'a'`
// is planned once; none at all is returned when an intersection is empty (no row can match).
// vendor_item_id keeps its sets: Build makes one request per option ID.
func (q Quals) Split() ([]Quals, error) {
	orders, ok1 := Intersect(q.OrderID, cmp.Compare[int64])
	statuses, ok2 := Intersect(q.PartnerCounselingStatus, strings.Compare)
	inquiry, ok3 := Intersect(q.InquiryStatus, strings.Compare)
	cs, ok4 := Intersect(q.CSPartnerCounselingStatus, strings.Compare)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, nil
	}
	sizes := []int{max(len(orders), 1), max(len(statuses), 1), max(len(inquiry), 1), max(len(cs), 1)}
	lists := make([][]Bound, len(q.InquiryAtAny))
	for i, l := range q.InquiryAtAny {
		lists[i] = slices.Clone(l)
		slices.SortFunc(lists[i], compareBounds)
		lists[i] = slices.CompactFunc(lists[i], func(a, b Bound) bool { return compareBounds(a, b) == 0 })
		sizes = append(sizes, len(lists[i]))
	}
	n := 1
	for _, k := range sizes {
		if n *= k; k == 0 {
			return nil, nil // a list of nulls: no row can match
		}
		if n > MaxSplits {
			return nil, fmt.Errorf("the IN lists of this query combine into more than %d separate listings: split the query", MaxSplits)
		}
	}
	// Each choice of one bound per inquiry_at list.
	ats := [][]Bound{nil}
	for _, l := range lists {
		next := make([][]Bound, 0, len(ats)*len(l))
		for _, c := range ats {
			for _, b := range l {
				next = append(next, append(slices.Clip(c), b))
			}
		}
		ats = next
	}
	out := make([]Quals, 0, n)
	for _, o := range choices(orders) {
		for _, s := range choices(statuses) {
			for _, i := range choices(inquiry) {
				for _, c := range choices(cs) {
					for _, at := range ats {
						v := q
						v.OrderID, v.PartnerCounselingStatus, v.InquiryStatus, v.CSPartnerCounselingStatus = o, s, i, c
						v.InquiryAt, v.InquiryAtAny = slices.Concat(q.InquiryAt, at), nil
						out = append(out, v)
					}
				}
			}
		}
	}
	return out, nil
}

// compareBounds orders bounds by instant, then operator.
func compareBounds(a, b Bound) int {
	return cmp.Or(a.Value.Compare(b.Value), strings.Compare(a.Op, b.Op))
}

// choices returns the quals of a column for each of its values (a set of that one value), or no
// quals for a column without any.
func choices[T any](values []T) [][][]T {
	if values == nil {
		return [][][]T{nil}
	}
	out := make([][][]T, len(values))
	for i, v := range values {
		out[i] = [][]T{{v}}
	}
	return out
}

// Intersect returns the sorted, duplicate-free values common to every set (several quals on one
// column are ANDed), nil when there is no set, and whether a value remains (or there is no set).
func Intersect[T any](sets [][]T, compare func(a, b T) int) ([]T, bool) {
	if len(sets) == 0 {
		return nil, true
	}
	sorted := func(s []T) []T {
		s = slices.Clone(s)
		slices.SortFunc(s, compare)
		return slices.CompactFunc(s, func(a, b T) bool { return compare(a, b) == 0 })
	}
	out := sorted(sets[0])
	for _, s := range sets[1:] {
		other := sorted(s)
		out = slices.DeleteFunc(out, func(v T) bool {
			_, found := slices.BinarySearchFunc(other, v, compare)
			return !found
		})
	}
	if out == nil {
		out = []T{}
	}
	return out, len(out) > 0
}

// single returns the one value the quals on column leave (nil: no qual); empty reports that none
// is left. More than one is an error: Build plans one value, Split makes the Quals to plan.
func single[T any](column string, sets [][]T, compare func(a, b T) int) (v *T, empty bool, err error) {
	all, ok := Intersect(sets, compare)
	switch {
	case !ok:
		return nil, true, nil
	case len(all) > 1:
		return nil, false, fmt.Errorf("%s: %d values to plan at once: Split the quals first", column, len(all))
	case len(all) == 1:
		return &all[0], false, nil
	}
	return nil, false, nil
}
