package coupang

import (
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// SetClientTuning lets end-to-end tests shrink the client's retry backoffs; it returns a function
// restoring the previous tuning. Clients already cached by a connection keep theirs.
func SetClientTuning(f func(*api.Config)) (restore func()) {
	prev := clientTuning
	clientTuning = f
	return func() { clientTuning = prev }
}

// SetReuseClock replaces the clock that decides how long fetched rows stay reusable (snapshot);
// it returns a function restoring the previous clock.
func SetReuseClock(now func() time.Time) (restore func()) {
	prev := reuseClock
	reuseClock = now
	return func() { reuseClock = prev }
}
