package coupang

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/stretchr/testify/assert"
)

// TestWindowGroups: windows are fetched a date range at a time, newest first, and ranges that share
// a day are one group, since each may hold rows of that day newer than the other's.
func TestWindowGroups(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, api.KST) }
	w := func(first, last int) query.Window { return query.Window{Start: day(first), End: day(last)} }
	plan := func(ws ...query.Window) *query.Plan { return &query.Plan{Windows: ws} }
	ranges := func(groups [][]*query.Plan) (out [][][2]int) {
		for _, g := range groups {
			var rs [][2]int
			for _, p := range g {
				rs = append(rs, [2]int{p.Windows[0].Start.Day(), p.Windows[0].End.Day()})
			}
			out = append(out, rs)
		}
		return out
	}
	tests := []struct {
		name  string
		plans []*query.Plan
		want  [][][2]int
	}{
		{"one plan, newest first", []*query.Plan{plan(w(8, 14), w(1, 7))}, [][][2]int{{{8, 14}}, {{1, 7}}}},
		{"equal ranges of two plans", []*query.Plan{plan(w(8, 14), w(1, 7)), plan(w(8, 14))}, [][][2]int{{{8, 14}, {8, 14}}, {{1, 7}}}},
		{"ranges sharing a day", []*query.Plan{plan(w(5, 11)), plan(w(1, 5))}, [][][2]int{{{5, 11}, {1, 5}}}},
		{"overlapping ranges", []*query.Plan{plan(w(5, 11)), plan(w(1, 7))}, [][][2]int{{{5, 11}, {1, 7}}}},
		// The zero Window (a dateless listing) shows as {1, 1}: year 1, January 1.
		{"a dateless window", []*query.Plan{plan(w(8, 14)), plan(query.Window{})}, [][][2]int{{{8, 14}, {1, 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ranges(windowGroups(tt.plans)))
		})
	}
}

// TestEmitSortedSkipsPreviousGroup: rows come out newest first, and a row the previous group
// already streamed (an inquiry Coupang dated into both windows) is not streamed again.
func TestEmitSortedSkipsPreviousGroup(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, api.KST)
	r := func(id int64, hours int) query.Row {
		return query.Row{Inquiry: api.Inquiry{InquiryID: id, InquiryAt: at.Add(time.Duration(hours) * time.Hour)}, VendorItemID: 1}
	}
	var got []int64
	more, err := emitSorted([]query.Row{r(1, 1), r(2, 3), r(3, 2)}, nil, false, map[rowKey]bool{{3, 1, ""}: true},
		func(row query.Row) bool { got = append(got, row.Inquiry.InquiryID); return true })
	assert.NoError(t, err)
	assert.True(t, more)
	assert.Equal(t, []int64{2, 1}, got)
}
