package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// result is what one scenario (or the hand-written baseline) measured.
type result struct {
	scenario
	err     error
	query   string
	sbLimit float64 // the sandbox's own limit (429 above it); 0 for none

	requests, minimum, n429 int
	wall                    time.Duration
	rows, expected          int
	rowUnit                 string // what a row counts: "inquiries", "replies", "questions" or "rows"

	heap uint64 // in-process: peak heap above the pre-query baseline, bytes
	rss  uint64 // export: the export process's own peak RSS, bytes

	// extraTokens are rate-limiter tokens the SDK takes for scans that need no request (one per
	// scan: the inner scans of a nested loop served from the listing); they count in the bound.
	extraTokens int
	firstRow    time.Duration // when the first row arrived (ID lists), 0 when not measured
	baseline    *result       // the hand-written script on the same data
	rounds      []round       // the export processes run at once, per round (procs; one for export)
}

// round is one round of the multi-process scenario.
type round struct {
	procs, requests, n429, most int
	span                        time.Duration // first to last arrival: the time the rate governs
	walls                       []time.Duration
	rows, expected              int
}

// bound is the least time the round's requests can take at rate: one interval fewer than requests.
func (rd round) bound(rate float64) float64 { return float64(rd.requests-1) / rate }

func (rd round) meanWall() time.Duration {
	var t time.Duration
	for _, w := range rd.walls {
		t += w
	}
	return t / time.Duration(max(len(rd.walls), 1))
}

// bound is the wall-time lower bound max((minimum + extra tokens)/rate, 2 x latency).
func (r *result) bound() time.Duration {
	return max(time.Duration(float64(r.minimum+r.extraTokens)/r.rate*float64(time.Second)), 2*r.latency)
}

// rateBinds reports whether the rate limit, not latency, sets the lower bound.
func (r *result) rateBinds() bool {
	return float64(r.minimum+r.extraTokens)/r.rate >= 2*r.latency.Seconds()
}

// targets evaluates the targets that apply to r: each one as "target ok" or "target MISSED", and
// the missed ones.
func (r *result) targets() (all, missed []string) {
	add := func(target string, met bool) {
		all = append(all, target+map[bool]string{true: " ok", false: " MISSED"}[met])
		if !met {
			missed = append(missed, target)
		}
	}
	if r.err != nil {
		add("scenario ran", false)
		return all, missed
	}
	add("rows = expected", r.rows == r.expected)
	if r.kind == "procs" {
		// Never over the budget, no 429, every row, and the requests of each round (1 process alone,
		// or n sharing the budget) within 15% of requests/rate. Process start-up and exit are outside
		// that span; the table shows the whole process walls.
		most, within := 0, true
		for _, rd := range r.rounds {
			most = max(most, rd.most)
			within = within && rd.span.Seconds() <= 1.15*rd.bound(r.rate)
		}
		add("no 429", r.n429 == 0)
		add(fmt.Sprintf("at most %g in any 1 s", r.rate), most <= int(r.rate))
		add("requests' span <= 1.15 x requests/rate", within)
		return all, missed
	}
	if r.limit == 10 {
		add("limit 10 = 1 request", r.requests == 1)
	}
	add("requests = minimum", r.requests == r.minimum)
	add("no 429", r.n429 == 0)
	switch {
	case r.kind == "export":
		add("peak RSS < 150 MB", r.rss < 150<<20)
	case r.rateBinds():
		add("wall <= 1.15 x bound (rate binds)", r.wall.Seconds() <= 1.15*r.bound().Seconds())
	default:
		add("wall <= 3 x latency (latency binds)", r.wall <= 3*r.latency)
	}
	if r.firstRow > 0 {
		add("first row within 1 s", r.firstRow <= time.Second)
	}
	if b := r.baseline; b != nil {
		add("baseline/ours requests >= 3", ratio(b.requests, r.requests) >= 3)
		add("baseline/ours time >= 3", ratio(b.wall, r.wall) >= 3)
	}
	return all, missed
}

// printResult prints one scenario's table.
func printResult(out io.Writer, r *result) {
	fmt.Fprintf(out, "\n== %s: %s\n", r.name, r.title)
	if r.query != "" {
		fmt.Fprintf(out, "   %s: %s\n", r.table, r.query)
	}
	if r.err != nil {
		fmt.Fprintf(out, "   FAILED: %v\n", r.err)
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(cells ...any) {
		for _, c := range cells {
			fmt.Fprintf(tw, "%v\t", c)
		}
		fmt.Fprintln(tw)
	}
	switch {
	case r.kind == "procs":
		fmt.Fprintf(out, "   latency %s per request; coupang_api limiter %g rps (default, shared budget); sandbox answers 429 above %g requests in a closed 1-second window\n",
			r.latency, r.rate, r.sbLimit)
		single := r.rounds[0].meanWall() / time.Duration(r.rounds[0].procs)
		row("processes", "requests", "429", "most in 1 s", "per second", "first-last request", "/ bound", "wall per process: mean", "min-max", "x 1 process", "rows")
		for _, rd := range r.rounds {
			row(rd.procs, rd.requests, rd.n429, rd.most, fmt.Sprintf("%.2f", float64(rd.requests)/rd.span.Seconds()), secs(rd.span),
				fmt.Sprintf("%.3f", rd.span.Seconds()/rd.bound(r.rate)), secs(rd.meanWall()), secs(slices.Min(rd.walls))+"-"+secs(slices.Max(rd.walls)),
				fmt.Sprintf("%.2f", ratio(rd.meanWall(), single)), fmt.Sprintf("%d/%d", rd.rows, rd.expected))
		}
	case r.kind == "export":
		fmt.Fprintf(out, "   latency %s per request; coupang_api limiter %g rps (linked into the export binary); sandbox in this process, no limit\n", r.latency, r.rate)
	default:
		fmt.Fprintf(out, "   latency %s per request; coupang_api limiter %g rps; sandbox answers 429 above %g rps\n", r.latency, r.rate, r.sbLimit)
	}
	if r.kind != "procs" {
		row("", "measured", "reference", "ratio")
		row("requests", r.requests, fmt.Sprintf("minimum %d", r.minimum), fmt.Sprintf("%.3f", ratio(r.requests, r.minimum)))
		row("429 answers", r.n429, 0, "")
		row("wall time", secs(r.wall), "bound "+secs(r.bound()), fmt.Sprintf("%.3f", ratio(r.wall, r.bound())))
		row(fmt.Sprintf("rows (%s)", r.rowUnit), r.rows, fmt.Sprintf("expected %d", r.expected), "")
		row("rows/second", fmt.Sprintf("%.0f", float64(r.rows)/r.wall.Seconds()), "", "")
		if r.extraTokens > 0 {
			row("SDK tokens without a request", r.extraTokens, "(one per inner scan)", "")
		}
		if r.firstRow > 0 {
			row("first row after", secs(r.firstRow), "target <= 1s", "")
		}
		if r.kind == "export" {
			row("peak RSS (export process)", mb(r.rss), "target < 150 MB", "")
		} else {
			row("peak heap above baseline", mb(r.heap), "", "")
		}
		if b := r.baseline; b != nil {
			row("baseline requests", b.requests, fmt.Sprintf("ours %d", r.requests), fmt.Sprintf("%.2fx", ratio(b.requests, r.requests)))
			row("baseline wall time", secs(b.wall), "ours "+secs(r.wall), fmt.Sprintf("%.2fx", ratio(b.wall, r.wall)))
			row("baseline rows / 429s", fmt.Sprintf("%d / %d", b.rows, b.n429), "", "")
		}
	}
	tw.Flush()
	switch {
	case r.kind == "procs":
	case r.kind == "export":
		fmt.Fprintln(out, "   binds: CPU (2 processes: sandbox rendering and the plugin decoding, streaming and writing CSV); limiter raised on purpose")
	case r.rateBinds():
		fmt.Fprintf(out, "   binds: rate limit (%d tokens / %g rps = %s >= 2 x latency %s)\n", r.minimum+r.extraTokens, r.rate, secs(r.bound()), secs(2*r.latency))
	default:
		fmt.Fprintf(out, "   binds: latency (%d requests / %g rps < 2 x latency %s)\n", r.minimum, r.rate, secs(2*r.latency))
	}
	all, _ := r.targets()
	fmt.Fprintf(out, "   targets: %s\n", strings.Join(all, "; "))
}

// printSummary prints one line per scenario and compares the exports' peak RSS across sizes.
func printSummary(out io.Writer, rs []*result) {
	fmt.Fprintln(out, "\n== summary")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treq/min\twall/bound\trows/s\tpeak mem\tbaseline req x\tbaseline time x\ttargets\t")
	var exports []*result
	for _, r := range rs {
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t\tFAILED\t\n", r.name)
			continue
		}
		mem := "heap " + mb(r.heap)
		if r.kind == "export" {
			mem = "RSS " + mb(r.rss)
			exports = append(exports, r)
		}
		bx, tx := "", ""
		if b := r.baseline; b != nil {
			bx, tx = fmt.Sprintf("%.2f", ratio(b.requests, r.requests)), fmt.Sprintf("%.2f", ratio(b.wall, r.wall))
		}
		verdict := "all met"
		_, missed := r.targets()
		if missed != nil {
			verdict = "MISSED: " + strings.Join(missed, ", ")
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%.3f\t%.0f\t%s\t%s\t%s\t%s\t\n", r.name, r.requests, r.minimum,
			ratio(r.wall, r.bound()), float64(r.rows)/r.wall.Seconds(), mem, bx, tx, verdict)
	}
	tw.Flush()
	if len(exports) < 2 {
		return
	}
	small, large := exports[0], exports[len(exports)-1]
	growth := ratio(large.rss, small.rss)
	verdict := "flat (ok)"
	if growth > 1.25 {
		verdict = "grows with row count (MISSED)"
	}
	fmt.Fprintf(out, "export peak RSS: %s for %d rows, %s for %d rows (x%.2f for x%.1f rows): %s\n",
		mb(small.rss), small.rows, mb(large.rss), large.rows, growth, ratio(large.rows, small.rows), verdict)
}

// ratio is a/b, 0 when b is 0.
func ratio[T int | uint64 | time.Duration](a, b T) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
