package query

import (
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewFilter builds the filter without planning: a range thousands of windows long with a long IN
// list is fine, contradictions report ok=false, bad input errors as in Build.
func TestNewFilter(t *testing.T) {
	t.Parallel()
	ids := make([]int64, 3000)
	for i := range ids {
		ids[i] = int64(3000 - i)
	}
	since := time.Date(2015, 1, 1, 0, 0, 0, 0, api.KST)
	f, ok, err := NewFilter(Quals{Limit: -1, VendorItemID: [][]int64{ids}, InquiryAt: []Bound{{Op: OpGt, Value: since}},
		PartnerCounselingStatus: [][]string{{api.StatusAnswer}}})
	require.NoError(t, err)
	require.True(t, ok)

	inq := api.Inquiry{InquiryID: 1, VendorItemIDs: []int64{99999, 7, 5, 7}, InquiryAt: since.Add(ZoneWest + time.Second)}
	rows := f.Rows(inq)
	require.Len(t, rows, 2, "one row per distinct option ID the quals keep")
	assert.Equal(t, []int64{7, 5}, []int64{rows[0].VendorItemID, rows[1].VendorItemID})
	assert.Equal(t, api.StatusAnswer, rows[0].PartnerCounselingStatus)
	assert.Equal(t, Sure, f.Certainty(inq.InquiryAt))
	inq.InquiryAt = since.Add(-ZoneEast)
	assert.Empty(t, f.Rows(inq), "> is strict, even 14 hours earlier")
	inq.InquiryAt = since.Add(-ZoneEast + time.Second)
	assert.Len(t, f.Rows(inq), 2, "a session at UTC+14 keeps it")
	assert.Equal(t, Maybe, f.Certainty(inq.InquiryAt))
	assert.Empty(t, f.Rows(api.Inquiry{InquiryAt: inq.InquiryAt}), "no option ID: null never equals")

	_, ok, err = NewFilter(Quals{OrderID: [][]int64{{1}, {2}}})
	require.NoError(t, err)
	assert.False(t, ok, "two different order IDs select nothing")
	_, ok, err = NewFilter(Quals{VendorItemID: [][]int64{{-1, 1e18}}})
	require.NoError(t, err)
	assert.False(t, ok, "option IDs that are never sent select nothing, so an inquiry read by ID is not read")

	_, _, err = NewFilter(Quals{PartnerCounselingStatus: [][]string{{"FOO"}}})
	assert.ErrorContains(t, err, "use one of NONE, ANSWER, NO_ANSWER, TRANSFER")
}

// An inquiry naming no option is one row with no option ID; without option-ID quals every option
// is a row.
func TestFilterRowsPerOption(t *testing.T) {
	t.Parallel()
	f, ok, err := NewFilter(Quals{Limit: -1})
	require.NoError(t, err)
	require.True(t, ok)
	at := kst("2026-01-10 10:00:00")
	assert.Equal(t, []Row{{Inquiry: api.Inquiry{InquiryAt: at}, PartnerCounselingStatus: api.StatusNone}},
		f.Rows(api.Inquiry{InquiryAt: at}))
	assert.Len(t, f.Rows(api.Inquiry{InquiryAt: at, VendorItemIDs: []int64{3, 1, 2}}), 3)
}

// Rows drops an inquiry that fails any qual Coupang may not have applied: the order ID (not sent
// when it is not positive), inquiry_status and cs_partner_counseling_status (never sent).
func TestFilterRowsChecksEveryQual(t *testing.T) {
	t.Parallel()
	inq := api.Inquiry{InquiryID: 1, InquiryAt: kst("2026-01-10 10:00:00"), OrderID: 9000, InquiryStatus: "progress", CSPartnerCounselingStatus: "requestAnswer"}
	cases := []struct {
		name string
		q    Quals
		keep bool
	}{
		{"no quals", Quals{}, true},
		{"same order ID", Quals{OrderID: [][]int64{{9000}}}, true},
		{"other order ID", Quals{OrderID: [][]int64{{9001}}}, false},
		{"same inquiry_status", Quals{InquiryStatus: [][]string{{"progress"}}}, true},
		{"other inquiry_status", Quals{InquiryStatus: [][]string{{"complete"}}}, false},
		{"same cs_partner_counseling_status", Quals{CSPartnerCounselingStatus: [][]string{{"requestAnswer"}}}, true},
		{"other cs_partner_counseling_status", Quals{CSPartnerCounselingStatus: [][]string{{"answered"}}}, false},
		// Kept for Postgres to recheck: under a case-insensitive collation it keeps them.
		{"inquiry_status in another case", Quals{InquiryStatus: [][]string{{"PROGRESS"}}}, true},
		{"cs_partner_counseling_status in another case", Quals{CSPartnerCounselingStatus: [][]string{{"REQUESTANSWER"}}}, true},
		{"inquiry_status in two cases", Quals{InquiryStatus: [][]string{{"progress"}, {"Progress"}}}, true},
		// and under SQLite's collate rtrim, trailing spaces aside.
		{"inquiry_status with trailing spaces", Quals{InquiryStatus: [][]string{{"progress  "}}}, true},
		{"inquiry_status with a leading space", Quals{InquiryStatus: [][]string{{" progress"}}}, false},
	}
	for _, c := range cases {
		f, ok, err := NewFilter(c.q)
		require.NoError(t, err, c.name)
		require.True(t, ok, c.name)
		assert.Equal(t, c.keep, len(f.Rows(inq)) == 1, c.name)
	}
	// No order has an ID of 0 or less, or of 19 digits: such a qual matches nothing, not the inquiries
	// without an order.
	for _, id := range []int64{0, -2, 1e18} {
		_, ok, err := NewFilter(Quals{OrderID: [][]int64{{id}}})
		require.NoError(t, err)
		assert.False(t, ok, "order ID %d", id)
	}
}

// A bound that may have been meant in any session TimeZone from UTC-12 to UTC+14: a `date` given
// in Seoul arrives as UTC midnight, nine hours late.
func TestCertainty(t *testing.T) {
	t.Parallel()
	v := utc("2026-11-20T00:00:00Z")
	lower := &Filter{Lower: &Bound{OpGe, v}}
	upper := &Filter{Upper: &Bound{OpLt, v}}
	cases := []struct {
		f    *Filter
		at   time.Time
		want Certainty
	}{
		{lower, v.Add(ZoneWest), Sure},
		{lower, v.Add(ZoneWest - time.Second), Maybe},
		{lower, v.Add(-9 * time.Hour), Maybe}, // Seoul's midnight
		{lower, v.Add(-ZoneEast), Maybe},
		{lower, v.Add(-ZoneEast - time.Second), Rejected},
		{upper, v.Add(-ZoneEast - time.Second), Sure},
		{upper, v.Add(-ZoneEast), Maybe},
		{upper, v.Add(ZoneWest - time.Second), Maybe},
		{upper, v.Add(ZoneWest), Rejected},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.f.Certainty(c.at), "%+v at %v", *c.f, c.at)
	}
}

// TestCompareMaybeGroupsLowerDoubtFirst: of two rows the bounds as written both drop, the one in
// doubt because of the lower bound comes first, though it is the older.
func TestCompareMaybeGroupsLowerDoubtFirst(t *testing.T) {
	t.Parallel()
	lo, hi := utc("2026-11-20T00:00:00Z"), utc("2026-11-22T00:00:00Z")
	f := &Filter{Lower: &Bound{OpGe, lo}, Upper: &Bound{OpLe, hi}}
	older, newer := lo.Add(-time.Hour), hi.Add(time.Hour)
	require.Equal(t, Maybe, f.Certainty(older))
	require.Equal(t, Maybe, f.Certainty(newer))
	assert.Equal(t, -1, CompareMaybe(f, older, f, newer))
	assert.Equal(t, 1, CompareMaybe(f, newer, f, older))
}

// Under a one-sided bound, Sure rows then CompareMaybe's order make the rows kept in every session
// TimeZone a prefix: a pushed LIMIT then returns exactly min(limit, kept) rows. Under bounds on both
// sides this holds for bounds that arrived exact (timestamptz), judged with no shift.
func TestSortMaybeKeepsAPrefix(t *testing.T) {
	t.Parallel()
	v := utc("2026-11-20T00:00:00Z")
	var rows []Row
	for m := -16 * 60; m <= 16*60; m += 17 {
		rows = append(rows, Row{Inquiry: api.Inquiry{InquiryID: int64(m), InquiryAt: v.Add(time.Duration(m) * time.Minute)}})
	}
	v = rows[len(rows)/2].Inquiry.InquiryAt // a row's own time, for the equality
	everyZone, exactOnly := []time.Duration{}, []time.Duration{0}
	for o := -12 * time.Hour; o <= 14*time.Hour; o += 30 * time.Minute {
		everyZone = append(everyZone, o)
	}
	for _, c := range []struct {
		bounds  []Bound
		offsets []time.Duration
	}{
		{[]Bound{{OpGe, v}}, everyZone}, {[]Bound{{OpGt, v}}, everyZone},
		{[]Bound{{OpLe, v}}, everyZone}, {[]Bound{{OpLt, v}}, everyZone},
		{[]Bound{{OpEq, v}}, exactOnly},
		{[]Bound{{OpGe, v.Add(-time.Hour)}, {OpLt, v.Add(time.Hour)}}, exactOnly},
	} {
		q := Quals{Limit: -1, InquiryAt: c.bounds}
		f, _, err := NewFilter(q)
		require.NoError(t, err)
		var sure, maybe []Row
		for _, r := range rows {
			switch f.Certainty(r.Inquiry.InquiryAt) {
			case Sure:
				sure = append(sure, r)
			case Maybe:
				maybe = append(maybe, r)
			}
		}
		require.NotEmpty(t, maybe)
		slices.SortStableFunc(maybe, func(a, b Row) int { return CompareMaybe(f, a.Inquiry.InquiryAt, f, b.Inquiry.InquiryAt) })
		ordered := append(sure, maybe...)
		fake := &fakeAPI{t: t}
		for _, o := range c.offsets {
			kept := fake.recheck(q, ordered, o)
			require.NotEmpty(t, kept, "%v", c.bounds)
			assert.Equal(t, ordered[:len(kept)], kept, "%v, session UTC%+v: the kept rows are a prefix", c.bounds, o)
		}
	}
}
