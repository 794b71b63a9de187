package coupang_test

import (
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFoldedStatusListUnderLimit: a list that mixes Coupang's spelling of a status with another
// case of a second status keeps, under a plain =, only the rows of the first; under a pushed LIMIT
// the rows only the case-blind match keeps must not use up the limit before them.
func TestFoldedStatusListUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	const limit = 5
	for _, c := range []struct{ table, column, exact, folded string }{
		{inquiryTable, "inquiry_status", "progress", "COMPLETE"},
		{inquiryTable, "cs_partner_counseling_status", "requestAnswer", "ANSWERED"},
		{replyTable, "answer_type", "csAgent", "VENDOR"},
	} {
		q := inprocess.Query{Table: c.table, Limit: -1,
			Quals: []inprocess.Qual{{Column: c.column, Operator: "=", Value: []any{c.exact, c.folded}}}}
		all := e.mustQuery(t, q)
		require.Greater(t, len(all), limit, "%s: enough rows of %s", c.column, c.exact)
		q.Limit = limit
		assert.Len(t, e.mustQuery(t, q), limit, "%s in (%q, %q) limit %d", c.column, c.exact, c.folded, limit)
	}
}
