package main

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// window is an inclusive range of Korean dates (midnights in api.KST).
type window struct{ start, end time.Time }

// windows tiles [lo, hi] as the contract says any correct client must: 7 inclusive days, newest
// first, a one-day remainder widened one day back (Coupang may reject start = end). Not taken from
// the planner, so that a planner making extra windows shows as requests above the minimum.
func windows(lo, hi time.Time) []window {
	var ws []window
	for end := hi; !end.Before(lo); end = end.AddDate(0, 0, -api.MaxWindowDays) {
		start := end.AddDate(0, 0, -(api.MaxWindowDays - 1))
		if start.Before(lo) {
			start = lo
		}
		if start.Equal(end) {
			start = end.AddDate(0, 0, -1)
		}
		ws = append(ws, window{start, end})
	}
	return ws
}

// rangeOf returns the windows of a `inquiry_at >= today-(days-1)` query on the sandbox's data.
func rangeOf(srv *sandbox.Server, days int) []window {
	today := api.KoreanDate(srv.BuiltAt())
	return windows(today.AddDate(0, 0, -(days-1)), today)
}

// countIn returns how many of times (sorted ascending) fall in each window's dates.
func countIn(times []time.Time, ws []window) []int {
	before := func(t time.Time) int {
		i, _ := slices.BinarySearchFunc(times, t, time.Time.Compare)
		return i
	}
	counts := make([]int, len(ws))
	for i, w := range ws {
		counts[i] = before(w.end.AddDate(0, 0, 1)) - before(w.start)
	}
	return counts
}

// minimumRequests is the fewest requests that read windows of counts rows, newest first, at
// pageSize, until limit rows are found (0 for all); an empty window still costs one.
func minimumRequests(counts []int, pageSize, limit int) int {
	total, need := 0, cmp.Or(limit, math.MaxInt)
	for _, n := range counts {
		if need <= 0 {
			break
		}
		total += max(1, (min(n, need)+pageSize-1)/pageSize)
		need -= n
	}
	return total
}

func sum(counts []int) int {
	s := 0
	for _, n := range counts {
		s += n
	}
	return s
}
