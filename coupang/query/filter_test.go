package query

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewFilter builds the exact filter without planning: a range thousands of windows long with a
// long IN list is fine, contradictions report ok=false, bad input errors as in Build.
func TestNewFilter(t *testing.T) {
	ids := make([]int64, 3000)
	for i := range ids {
		ids[i] = int64(3000 - i)
	}
	since := time.Date(2015, 1, 1, 0, 0, 0, 0, api.KST)
	f, ok, err := NewFilter(Quals{Limit: -1, VendorItemID: [][]int64{ids}, InquiryAt: []Bound{{Op: OpGt, Value: since}},
		PartnerCounselingStatus: []string{api.StatusAnswer}})
	require.NoError(t, err)
	require.True(t, ok)

	inq := api.Inquiry{InquiryID: 1, VendorItemIDs: []int64{99999, 7, 5}, InquiryAt: since.Add(time.Second)}
	row := f.RowOf(inq)
	assert.Equal(t, int64(7), row.VendorItemID, "the first of the inquiry's option IDs the quals ask for")
	assert.Equal(t, api.StatusAnswer, row.PartnerCounselingStatus)
	assert.True(t, f.Match(row))
	inq.InquiryAt = since
	assert.False(t, f.Match(f.RowOf(inq)), "> is strict")

	_, ok, err = NewFilter(Quals{OrderID: []int64{1, 2}})
	require.NoError(t, err)
	assert.False(t, ok, "two different order IDs select nothing")

	_, _, err = NewFilter(Quals{PartnerCounselingStatus: []string{"FOO"}})
	assert.ErrorContains(t, err, "use one of NONE, ANSWER, NO_ANSWER, TRANSFER")
}
