package coupang

import (
	"context"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// WithClientTuning returns a context under which a query that builds its connection's client first
// passes the client config to tune, so that end-to-end tests can shrink retry backoffs. A
// connection already built keeps its client.
func WithClientTuning(ctx context.Context, tune func(*api.Config)) context.Context {
	return context.WithValue(ctx, clientTuningKey{}, tune)
}

// WithMaxHeldRows returns a context whose scans hold at most n rows (maxHeldRows otherwise).
func WithMaxHeldRows(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, maxHeldRowsKey{}, n)
}

// WithReuseClock returns a context under which a query that builds its connection takes now as
// the clock that decides how long fetched rows stay reusable (snapshot), so that tests can step
// past reuseIdle. Connections already built keep theirs.
func WithReuseClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, reuseClockKey{}, now)
}

// MinFailTime is minFailTime, for tests.
const MinFailTime = minFailTime
