package main

import (
	"fmt"
	"time"
)

// result is what one scenario measured.
type result struct {
	name, title string
	err         error

	table   string
	query   string
	latency time.Duration
	rate    float64 // coupang_api limiter, requests per second
	sbLimit float64 // the sandbox's own limit (429 above it)
	limit   int64   // the query's limit, -1 for none

	requests, minimum int
	n429              int
	wall              time.Duration
	rows, expected    int
	rowUnit           string // "inquiries" or "replies"

	heapPeak uint64 // in-process: peak heap above the pre-query baseline, bytes
	rss      uint64 // export: the export process's own peak RSS (ru_maxrss via peakrss), bytes
	export   bool

	baseline *baselineResult
	shared   []sharedRow // the multi-process scenario's rounds
	notes    []string
}

// baselineResult is the hand-written script's run on the same data.
type baselineResult struct {
	requests, rows int
	n429           int
	wall           time.Duration
}

// bound is the wall-time lower bound max(minimum/rate, 2 x latency).
func (r *result) bound() time.Duration {
	byRate := time.Duration(float64(r.minimum) / r.rate * float64(time.Second))
	return max(byRate, 2*r.latency)
}

// rateBinds reports whether the rate limit, not latency, sets the lower bound.
func (r *result) rateBinds() bool {
	return float64(r.minimum)/r.rate >= 2*r.latency.Seconds()
}

// check is one target and whether it was met.
type check struct {
	target string
	met    bool
}

// checks evaluates the targets that apply to r.
func (r *result) checks() []check {
	if r.err != nil {
		return []check{{"scenario ran", false}}
	}
	if r.shared != nil {
		return r.sharedChecks()
	}
	cs := []check{{"rows = expected", r.rows == r.expected}}
	if r.limit == 10 {
		cs = append(cs, check{"limit 10 = 1 request", r.requests == 1})
	}
	cs = append(cs, check{"requests = minimum", r.requests == r.minimum}, check{"no 429", r.n429 == 0})
	switch {
	case r.export:
		cs = append(cs, check{"peak RSS < 150 MB", r.rss < 150<<20})
	case r.rateBinds():
		cs = append(cs, check{"wall <= 1.15 x bound (rate binds)", r.wall.Seconds() <= 1.15*r.bound().Seconds()})
	default:
		cs = append(cs, check{"wall <= 3 x latency (latency binds)", r.wall <= 3*r.latency})
	}
	if b := r.baseline; b != nil {
		cs = append(cs,
			check{"baseline/ours requests >= 3", ratio(float64(b.requests), float64(r.requests)) >= 3},
			check{"baseline/ours time >= 3", ratio(b.wall.Seconds(), r.wall.Seconds()) >= 3})
	}
	return cs
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// fail records an error on r and returns r.
func (r *result) fail(format string, args ...any) *result {
	r.err = fmt.Errorf(format, args...)
	return r
}
