package sandbox

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// admitAt applies the rule of Options.RateLimit to a request at now, given the admitted requests'
// times (oldest first). It returns those still in the window, with now appended when admitted.
func admitAt(admitted []time.Time, now time.Time, rate float64) ([]time.Time, bool) {
	if rate <= 0 || math.IsInf(rate, 1) {
		return admitted, true // no limit: nothing to track
	}
	window, limit := time.Second, math.Floor(rate) // a float: a rate past int's range admits all too
	if rate < 1 {
		// At most ~31 years: a longer window overflows Duration, turns negative and admits all.
		window, limit = time.Duration(min(1/rate, 1e9)*float64(time.Second)), 1
	}
	// The times are in order, so the expired ones come first.
	admitted = admitted[sort.Search(len(admitted), func(i int) bool { return now.Sub(admitted[i]) <= window }):]
	if float64(len(admitted)) >= limit {
		return admitted, false
	}
	return append(admitted, now), true
}

// MostInWindow returns the most times that fall in one closed window [t, t+w]: the figure a
// per-seller rate limit is about.
func MostInWindow(times []time.Time, w time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, time.Time.Compare)
	most, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) > w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// Arrivals returns the arrival times of the logged requests, in log order.
func Arrivals(log []RequestRecord) []time.Time {
	return mapped(log, func(r RequestRecord) time.Time { return r.Time })
}

// AwayFromMidnight returns at once when 00:00 Korean time is at least margin away, and otherwise
// sleeps until just after it. The plugin plans its windows with the real clock, and the data of a
// sandbox on the real clock end when New runs: a test that compares its own "today" with the
// plugin's, or two listings of the default lookback, calls it first, so that the Korean date does
// not change while it runs (if it takes less than margin).
func AwayFromMidnight(margin time.Duration) {
	now := time.Now()
	if wait := api.KoreanDate(now).AddDate(0, 0, 1).Sub(now); wait < margin {
		time.Sleep(wait + time.Second)
	}
}
