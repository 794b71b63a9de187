package query

import "slices"

// pair is a row's identity: an inquiry and one of its option IDs (0 for none).
type pair struct{ inquiry, option int64 }

// deduper remembers which (inquiry, option) pairs were streamed, per window, and forgets a window's IDs once
// the window and both its neighbours are complete.
//
// Why that is enough: windows are disjoint Korean date ranges (widening only reaches outside the
// planned range), and an inquiry has one inquiryAt, so Coupang returns it in exactly one window.
// Duplicates therefore come from the same window (IN fan-outs listing one inquiry under several
// of its option IDs, rows shifting between pages while new inquiries arrive). Keeping the neighbours' sets
// also covers an inquiry near midnight that Coupang might date differently from us. Memory is thus
// bounded by about three windows' rows, not by the whole range, so a long export stays flat.
type deduper struct {
	seen []map[pair]struct{} // per window; nil once forgotten
	done []bool
}

// newDeduper tracks n windows.
func newDeduper(n int) *deduper {
	return &deduper{seen: make([]map[pair]struct{}, n), done: make([]bool, n)}
}

// first reports whether the pair id is new for window w and its neighbours, and records it under w.
func (d *deduper) first(w int, id pair) bool {
	for i := max(0, w-1); i <= min(len(d.seen)-1, w+1); i++ {
		if _, dup := d.seen[i][id]; dup {
			return false
		}
	}
	if d.seen[w] == nil {
		d.seen[w] = make(map[pair]struct{})
	}
	d.seen[w][id] = struct{}{}
	return true
}

// windowDone marks window w complete and forgets every set no longer needed: a window's, once it
// and both its neighbours are complete.
func (d *deduper) windowDone(w int) {
	d.done[w] = true
	for i := max(0, w-1); i <= min(len(d.seen)-1, w+1); i++ {
		if !slices.Contains(d.done[max(0, i-1):min(len(d.done), i+2)], false) {
			d.seen[i] = nil
		}
	}
}
