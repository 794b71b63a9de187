package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// MaxSplits bounds how many single-valued Quals the IN lists of one query may multiply into.
const MaxSplits = 256

// Split returns the single-valued Quals that Build plans, one per combination of the values the
// intersected quals leave on order_id, the listing status and each inquiry_at list (disjoint rows,
// so each row comes once); none when a column is left empty. vendor_item_id and the statuses the
// filter applies keep their sets: Build makes a request per option ID, one listing serves the rest.
func (q Quals) Split() ([]Quals, error) {
	orders, ok1 := Intersect(q.OrderID, cmp.Compare[int64])
	statuses, ok2 := Intersect(q.PartnerCounselingStatus, strings.Compare)
	_, ok3 := Intersect(q.InquiryStatus, CompareFold)
	_, ok4 := Intersect(q.CSPartnerCounselingStatus, CompareFold)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, nil
	}
	base := q
	base.OrderID, base.PartnerCounselingStatus, base.InquiryAtAny = nil, nil, nil
	out := []Quals{base}
	var err error
	// by multiplies out by the n values of a column (0 when it has no qual), each set on a copy by set.
	by := func(n int, set func(c *Quals, i int)) {
		if err != nil || n == 0 {
			return
		}
		if len(out)*n > MaxSplits {
			err = fmt.Errorf("the IN lists of this query combine into more than %d separate listings: split the query", MaxSplits)
			return
		}
		var next []Quals
		for _, v := range out {
			for i := range n {
				c := v
				set(&c, i)
				next = append(next, c)
			}
		}
		out = next
	}
	by(len(orders), func(c *Quals, i int) { c.OrderID = [][]int64{{orders[i]}} })
	by(len(statuses), func(c *Quals, i int) { c.PartnerCounselingStatus = [][]string{{statuses[i]}} })
	for _, l := range q.InquiryAtAny {
		if l, _ = Intersect([][]Bound{l}, compareBounds); len(l) == 0 {
			return nil, nil // a list of nulls: no row can match
		}
		by(len(l), func(c *Quals, i int) { c.InquiryAt = append(slices.Clip(c.InquiryAt), l[i]) })
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func compareBounds(a, b Bound) int {
	return cmp.Or(a.Value.Compare(b.Value), strings.Compare(a.Op, b.Op))
}

// Intersect returns the sorted, duplicate-free values common to every set (the quals on a column
// are ANDed), nil when there is no set, and whether a value remains (or there is no set).
func Intersect[T any](sets [][]T, compare func(a, b T) int) ([]T, bool) {
	if len(sets) == 0 {
		return nil, true
	}
	out := append([]T{}, sets[0]...) // not nil: an empty intersection is no value, not no qual
	slices.SortFunc(out, compare)
	out = slices.CompactFunc(out, func(a, b T) bool { return compare(a, b) == 0 })
	for _, s := range sets[1:] {
		other := slices.SortedFunc(slices.Values(s), compare)
		out = slices.DeleteFunc(out, func(v T) bool {
			_, found := slices.BinarySearchFunc(other, v, compare)
			return !found
		})
	}
	return out, len(out) > 0
}

// CompareFold orders the values of the columns the plugin filters itself (inquiry_status,
// cs_partner_counseling_status, answer_type) ignoring case and trailing spaces: the engines pass an =
// under a case- or space-blind collation (ICU nondeterministic, SQLite nocase, rtrim) as a plain =
// and recheck it; Coupang writes each value one way, so no extra row counts against a LIMIT.
func CompareFold(a, b string) int { return strings.Compare(fold(a), fold(b)) }

// SameFold reports whether a and b are one value to CompareFold, without allocating (it runs on every
// row of a scan). Unlike CompareFold it equates Unicode fold variants (ſ and s): Coupang's values are
// ASCII, so only such a literal could match more, and the engines recheck the =.
func SameFold(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, " "), strings.TrimRight(b, " "))
}

func fold(s string) string { return strings.ToLower(strings.TrimRight(s, " ")) }

// single stores in *v the one value the quals on column leave (none when there is no qual), and
// sets *empty when none is left. More than one is an error: Split makes the Quals to plan.
func single[T any](v **T, empty *bool, column string, sets [][]T, compare func(a, b T) int) error {
	all, ok := Intersect(sets, compare)
	switch {
	case !ok:
		*empty = true
	case len(all) > 1:
		return fmt.Errorf("%s: %d values to plan at once: Split the quals first", column, len(all))
	case len(all) == 1:
		*v = &all[0]
	}
	return nil
}
