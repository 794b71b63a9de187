// Package ratelimit is the per-seller request budget shared by every process on one machine (the
// plugin, each Postgres backend of the FDW, exports, benchmarks): Coupang counts requests per
// seller, so a limiter per process would multiply the budget by the number of processes.
//
// The budget is a sliding-window log: a small state file per seller, in a shared directory, holds
// the send times of the seller's last requests. A request locks the file with flock(2) (which the
// kernel releases when a process dies), sends if the rule allows it, recording its time, or else
// unlocks and sleeps. Times are wall-clock Unix nanoseconds, the one clock all processes share.
package ratelimit

import (
	"math"
	"slices"
	"time"
)

// maxLog bounds the send times kept per seller; higher rates are kept over shorter windows.
const maxLog = 100

// Rate is a budget: at most Requests requests in any closed window of length Per, and at most Burst
// of them in any closed window of length Per*Burst/Requests (Burst 1 spaces requests evenly). The
// zero Rate is unlimited.
type Rate struct {
	Requests int
	Per      time.Duration
	Burst    int
}

// FromLimiter maps the SDK's token-bucket limiter (fill_rate per second, bucket_size) onto a Rate:
// fill_rate requests (rounded down) per second, or one per 1/fill_rate seconds below 1, with
// bucket_size as the burst. A fill rate of 0 or less is unlimited, as in the SDK.
func FromLimiter(fillRate float64, bucketSize int64) Rate {
	if fillRate <= 0 || math.IsNaN(fillRate) || math.IsInf(fillRate, 0) {
		return Rate{}
	}
	// At most ~31 years: a longer window overflows a Duration, or a send time plus it, and admits all.
	r := Rate{Requests: 1, Per: time.Duration(min(float64(time.Second)/fillRate, 1e9*float64(time.Second)))}
	if fillRate >= 1 {
		r = Rate{Requests: int(fillRate), Per: time.Second}
		if r.Requests > maxLog {
			r = Rate{Requests: maxLog, Per: time.Duration(float64(maxLog) / fillRate * float64(time.Second))}
		}
	}
	r.Burst = int(min(max(bucketSize, 1), int64(r.Requests)))
	return r
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.Requests <= 0 || r.Per <= 0 }

// window is the span the rule keeps between a request and the one Requests later: Per plus a 5%
// margin, which makes the window closed and absorbs the jitter between a request's send time, which
// the log records, and its arrival, which the server counts.
func (r Rate) window() time.Duration { return r.Per + r.Per/20 }

// admit applies r to log, the send times of the latest requests: it returns 0 and the log with now
// appended when a request may be sent now, else how long to wait. Times later than now (the clock
// stepped back) are read as now, so a backward step delays requests by at most one window.
func admit(log []int64, now int64, r Rate) (time.Duration, []int64) {
	for i, t := range log {
		log[i] = min(t, now)
	}
	slices.Sort(log)
	n, w, at := len(log), int64(r.window()), int64(math.MinInt64)
	if n >= r.Requests {
		at = log[n-r.Requests] + w
	}
	if r.Burst < r.Requests && n >= r.Burst {
		at = max(at, log[n-r.Burst]+w*int64(r.Burst)/int64(r.Requests))
	}
	if now < at {
		return time.Duration(at - now), log
	}
	log = append(log, now)
	return 0, log[max(0, len(log)-r.Requests):]
}
