package coupang_test

import (
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInquiryIDListWithZero: inquiry_id in (0, X) is X's rows, as Postgres finds, also when the SDK
// reads the list one ID per scan (rows streamed as they come): the 0 of a list is the user's, not
// the value Turbot's FDW passes for a scalar subquery.
func TestInquiryIDListWithZero(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "", inprocess.WithStreamedRows())
	inq := e.sb.Inquiries()[0]
	rows, err := e.query(t, inprocess.Query{Table: inquiryTable, Limit: -1,
		Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: []any{int64(0), inq.InquiryID}}}})
	require.NoError(t, err)
	assert.Equal(t, []int64{inq.InquiryID}, ids(rows))
}
