package sandbox

import (
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

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
