package coupang_test

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTimeRangeListUnderLimit: Turbot's FDW passes `inquiry_at < all(array[t1, t2])` as it passes
// `< any(...)` (a "<" with a list value), so under a pushed LIMIT the plugin cannot tell which rows
// Postgres keeps. Read as `any`, `inquiry_at >= t1 - 20h and inquiry_at < all(array[t1, t1 + 3
// days]) limit 1` streamed a row after t1, which Postgres drops, instead of the row before t1 it
// returns; such a list is refused under a limit.
func TestTimeRangeListUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	inq := all[len(all)/2]
	t1 := inq.InquiryAt.Add(time.Second)
	lower := inquiryAt(">=", t1.Add(-20*time.Hour))
	q := inprocess.Query{Table: inquiryTable, Limit: 1, Quals: []inprocess.Qual{lower,
		inquiryAt("<", []any{t1, t1.AddDate(0, 0, 3)})}}
	rows, err := e.query(t, q)
	if err == nil { // what Postgres keeps of them under `< all`: before t1
		kept := recheck(rows, []inprocess.Qual{lower, inquiryAt("<", t1)}, 0)
		assert.Len(t, kept, 1, "streamed %v for limit 1; Postgres keeps %v (%s)", ids(rows), ids(kept), inq.InquiryAt)
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "all(")
}
