package query

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 1, 9, 15, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	lower := b(">=", t1)
	tests := []struct {
		name string
		q    Quals
		want []Quals
	}{
		{name: "no sets", q: Quals{Limit: 5, InquiryAt: []Bound{lower}}, want: []Quals{{Limit: 5, InquiryAt: []Bound{lower}}}},
		{name: "empty slices are no quals", q: Quals{OrderID: [][]int64{}, PartnerCounselingStatus: [][]string{}}, want: []Quals{{}}},
		{name: "option IDs stay sets", q: Quals{Limit: -1, VendorItemID: [][]int64{{7, 8}}}, want: []Quals{{Limit: -1, VendorItemID: [][]int64{{7, 8}}}}},
		{name: "a status IN list is planned per value, duplicates once", q: Quals{PartnerCounselingStatus: [][]string{{"TRANSFER", "ANSWER", "ANSWER"}}},
			want: []Quals{{PartnerCounselingStatus: [][]string{{"ANSWER"}}}, {PartnerCounselingStatus: [][]string{{"TRANSFER"}}}}},
		{name: "quals on one column intersect first", q: Quals{OrderID: [][]int64{{1, 2, 3}, {3, 2}, {2}}},
			want: []Quals{{OrderID: [][]int64{{2}}}}},
		{name: "an empty intersection plans nothing", q: Quals{InquiryStatus: [][]string{{"progress"}, {"complete"}}}},
		// The plugin filters these itself: one listing serves every value.
		{name: "local status lists are one listing", q: Quals{InquiryStatus: [][]string{{"progress", "complete"}}, CSPartnerCounselingStatus: [][]string{{"ANSWERED", "answered"}, {"Answered"}}},
			want: []Quals{{InquiryStatus: [][]string{{"progress", "complete"}}, CSPartnerCounselingStatus: [][]string{{"ANSWERED", "answered"}, {"Answered"}}}}},
		{name: "a list of nulls plans nothing", q: Quals{OrderID: [][]int64{{}}}},
		{name: "an inquiry_at list is planned per bound", q: Quals{InquiryAt: []Bound{lower}, InquiryAtAny: [][]Bound{{b("=", t2), b("=", t1), b("=", t2)}}},
			want: []Quals{{InquiryAt: []Bound{lower, b("=", t1)}}, {InquiryAt: []Bound{lower, b("=", t2)}}}},
		{name: "an inquiry_at list of nulls plans nothing", q: Quals{InquiryAtAny: [][]Bound{{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q.Split()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// Two IN lists multiply: every combination once, each planned with one value per column.
func TestSplitCombinations(t *testing.T) {
	t.Parallel()
	got, err := Quals{OrderID: [][]int64{{1, 2}}, PartnerCounselingStatus: [][]string{{"ANSWER", "NO_ANSWER"}}}.Split()
	require.NoError(t, err)
	require.Len(t, got, 4)
	seen := map[string]bool{}
	for _, q := range got {
		f, ok, err := NewFilter(q)
		require.NoError(t, err)
		require.True(t, ok)
		seen[f.PartnerCounselingStatus+string(rune('0'+*f.OrderID))] = true
	}
	assert.Len(t, seen, 4)

	_, err = Build(Quals{Limit: -1, OrderID: [][]int64{{1, 2}}}, now, 7)
	assert.ErrorContains(t, err, "order_id: 2 values to plan at once")
}

// TestSplitCopiesAreIndependent: each combination of two inquiry_at lists keeps its own bounds,
// whatever spare capacity the bounds' slice has.
func TestSplitCopiesAreIndependent(t *testing.T) {
	t.Parallel()
	at := func(h int) Bound { return b("=", now.Add(-time.Duration(h)*time.Hour)) }
	got, err := Quals{InquiryAt: []Bound{b(">=", now.Add(-100*time.Hour)), b("<=", now)},
		InquiryAtAny: [][]Bound{{at(1), at(2)}, {at(3), at(4)}}}.Split()
	require.NoError(t, err)
	combos := map[string]bool{}
	for _, q := range got {
		require.Len(t, q.InquiryAt, 4)
		combos[fmt.Sprint(q.InquiryAt[2:])] = true
	}
	assert.Len(t, combos, 4)
}

func TestSplitTooMany(t *testing.T) {
	t.Parallel()
	var ids, others []int64
	for i := int64(1); i <= 20; i++ {
		ids, others = append(ids, i), append(others, 100+i)
	}
	// 20 order IDs x 20 inquiry_at instants: more than MaxSplits listings.
	ats := make([]Bound, 20)
	for i := range ats {
		ats[i] = b("=", now.Add(-time.Duration(i)*time.Hour))
	}
	_, err := Quals{OrderID: [][]int64{ids}, InquiryAtAny: [][]Bound{ats}}.Split()
	require.ErrorContains(t, err, "split the query")
	// 16 x 16 is exactly MaxSplits listings: still planned.
	got, err := Quals{OrderID: [][]int64{ids[:16]}, InquiryAtAny: [][]Bound{ats[:16]}}.Split()
	require.NoError(t, err)
	assert.Len(t, got, MaxSplits)
	_, err = Quals{OrderID: [][]int64{ids, others}}.Split()
	require.NoError(t, err, "disjoint lists intersect to nothing before they multiply")
	// An empty intersection on any column selects nothing, however many values the others hold.
	many := make([]int64, MaxSplits+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	got, err = Quals{OrderID: [][]int64{many}, CSPartnerCounselingStatus: [][]string{{"answered"}, {"requestAnswer"}}}.Split()
	require.NoError(t, err)
	assert.Empty(t, got)
	// An inquiry_at list of nulls too, whichever column's list the split meets first.
	got, err = Quals{OrderID: [][]int64{many}, InquiryAtAny: [][]Bound{ats, {}}}.Split()
	require.NoError(t, err)
	assert.Empty(t, got)
}
