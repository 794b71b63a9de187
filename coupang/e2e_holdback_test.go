package coupang_test

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeldRowsDoNotShrinkPages: under a LIMIT, rows a time bound keeps in some session TimeZones
// only are held back until the fetch ends, so it reads on past them. Bounds whose widened range
// is whole Korean days (a lower bound at 14:00 and an upper one at 12:00 Korean time) made the
// planner shrink the pages to the limit: `limit 5` over two days of such rows read them 5 at a
// time, 5 requests where the listing without the limit took 1.
func TestHeldRowsDoNotShrinkPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	day := api.KoreanDate(time.Now()).AddDate(0, 0, -5)
	quals := []inprocess.Qual{inquiryAt(">=", day.Add(14*time.Hour)), inquiryAt("<", day.AddDate(0, 0, 1).Add(12*time.Hour))}
	all := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1})
	listing := len(e.sb.Log())
	require.Greater(t, len(all), 5)
	rows := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: 5})
	assert.Len(t, rows, 5)
	assert.LessOrEqual(t, len(e.sb.Log()), listing, "the limit costs no more requests than the whole listing")
	for _, rec := range e.sb.Log() {
		assert.Equal(t, "30", queryParam(rec, "pageSize"))
	}
}
