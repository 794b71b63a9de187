package coupang

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/stretchr/testify/assert"
)

// TestHoldbackUnderUpperBound: under a pushed LIMIT, rows surely kept stream at once and rows in
// doubt under an upper bound wait for the flush, oldest first, so that the rows Postgres keeps in
// any session TimeZone come before those it may drop.
func TestHoldbackUnderUpperBound(t *testing.T) {
	t.Parallel()
	bound := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	f := &query.Filter{Upper: &query.Bound{Op: query.OpLt, Value: bound}}
	var got []time.Duration
	h := &holdback[time.Time]{limited: true, at: func(t time.Time) time.Time { return t },
		emit: func(t time.Time) bool { got = append(got, t.Sub(bound)); return true }}
	emit := h.emitter(f)
	for _, d := range []time.Duration{time.Hour, -time.Hour, -20 * time.Hour} { // as listed: newest first
		assert.True(t, emit(bound.Add(d)))
	}
	assert.Equal(t, []time.Duration{-20 * time.Hour}, got, "only the sure row streams before the flush")
	h.flush()
	assert.Equal(t, []time.Duration{-20 * time.Hour, -time.Hour, time.Hour}, got)
}
