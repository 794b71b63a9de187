package coupang_test

import (
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInquiryIDListAndEquals: `inquiry_id in (B, A) and inquiry_id = A limit n` is A's rows, also
// when the SDK reads the list one ID per scan (rows streamed as they come): the copy of B must not
// stream B's rows, which Postgres drops after the SDK has counted them against the limit, so that
// A's rows could come too late (with limit 1, none).
func TestInquiryIDListAndEquals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "", inprocess.WithStreamedRows())
	all := e.sb.Inquiries()
	a, b := all[0].InquiryID, all[1].InquiryID
	q := inprocess.Query{Table: inquiryTable, Limit: 100, Quals: []inprocess.Qual{
		{Column: "inquiry_id", Operator: "=", Value: []int64{b, a}},
		{Column: "inquiry_id", Operator: "=", Value: a},
	}}
	rows, err := streamed(e.context(t), e.r, q)
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	for _, id := range ids(rows) {
		assert.Equal(t, a, id, "a row of an inquiry the conditions exclude took a place of the limit")
	}
}
