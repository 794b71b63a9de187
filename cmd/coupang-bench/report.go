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
	rowUnit                 string // what a row counts: "inquiries", "replies", "questions", "table rows" or "rows"
	mem                     uint64 // peak bytes: in-process the heap above the pre-query baseline, for an export its process's RSS

	extraTokens int           // SDK limiter tokens of scans without a request (a join's inner scans)
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

// targets evaluates the targets that apply to r: each as "target ok" or "target MISSED", and the missed.
func (r *result) targets() (all, missed []string) {
	add := func(target string, met bool) {
		all = append(all, target+map[bool]string{true: " ok", false: " MISSED"}[met])
		if !met {
			missed = append(missed, target)
		}
	}
	add("rows = expected", r.rows == r.expected)
	if r.kind == "procs" {
		// Each round's requests within 15% of requests/rate; process start-up and exit lie outside
		// that span (the table shows the whole process walls).
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
		add("peak RSS < 150 MB", r.mem < 150<<20)
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

// printResult prints what one scenario measured, one quantity a line, against its reference.
func printResult(out io.Writer, r *result) {
	line := func(format string, a ...any) { fmt.Fprintf(out, "   "+format+"\n", a...) }
	fmt.Fprintf(out, "\n== %s: %s\n", r.name, r.title)
	if r.query != "" {
		line("%s: %s", r.table, r.query)
	}
	if r.err != nil {
		line("FAILED: %v", r.err)
		return
	}
	binds := fmt.Sprintf("latency (%d requests / %g rps < 2 x latency %s)", r.minimum, r.rate, secs(2*r.latency))
	switch {
	case r.kind == "procs":
		line("latency %s per request; coupang_api limiter %g rps (default, shared budget); sandbox answers 429 above %g requests in a closed 1-second window",
			r.latency, r.rate, r.sbLimit)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "processes\trequests\t429\tmost in 1 s\tper second\tfirst-last request\t/ bound\twall per process: mean\tmin-max\tx 1 process\trows\t")
		single := r.rounds[0].meanWall() / time.Duration(r.rounds[0].procs)
		for _, rd := range r.rounds {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.2f\t%s\t%.3f\t%s\t%s-%s\t%.2f\t%d/%d\t\n", rd.procs, rd.requests, rd.n429, rd.most,
				float64(rd.requests)/rd.span.Seconds(), secs(rd.span), rd.span.Seconds()/rd.bound(r.rate), secs(rd.meanWall()),
				secs(slices.Min(rd.walls)), secs(slices.Max(rd.walls)), ratio(rd.meanWall(), single), rd.rows, rd.expected)
		}
		tw.Flush()
	case r.kind == "export":
		line("latency %s per request; coupang_api limiter %g rps (linked into the export binary); sandbox in this process, no limit", r.latency, r.rate)
		binds = "CPU (2 processes: sandbox rendering and the plugin decoding, streaming and writing CSV); limiter raised on purpose"
	default:
		line("latency %s per request; coupang_api limiter %g rps; sandbox answers 429 above %g rps", r.latency, r.rate, r.sbLimit)
		if r.rateBinds() {
			binds = fmt.Sprintf("rate limit (%d tokens / %g rps = %s >= 2 x latency %s)", r.minimum+r.extraTokens, r.rate, secs(r.bound()), secs(2*r.latency))
		}
	}
	if r.kind != "procs" {
		line("requests %d, minimum %d: %.3f; 429 answers %d", r.requests, r.minimum, ratio(r.requests, r.minimum), r.n429)
		line("wall time %s, bound %s: %.3f; binds: %s", secs(r.wall), secs(r.bound()), ratio(r.wall, r.bound()), binds)
		line("rows (%s) %d, expected %d; %.0f rows/second", r.rowUnit, r.rows, r.expected, float64(r.rows)/r.wall.Seconds())
		if r.extraTokens > 0 {
			line("SDK tokens without a request %d (one per inner scan)", r.extraTokens)
		}
		if r.firstRow > 0 {
			line("first row after %s (target <= 1s)", secs(r.firstRow))
		}
		if r.kind == "export" {
			line("peak RSS (export process) %s (target < 150 MB)", mb(r.mem))
		} else {
			line("peak heap above baseline %s", mb(r.mem))
		}
		if b := r.baseline; b != nil {
			line("baseline: %d requests (%.2fx ours), wall time %s (%.2fx ours), %d rows, %d 429 answers",
				b.requests, ratio(b.requests, r.requests), secs(b.wall), ratio(b.wall, r.wall), b.rows, b.n429)
		}
	}
	all, _ := r.targets()
	line("targets: %s", strings.Join(all, "; "))
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
		mem := "heap " + mb(r.mem)
		if r.kind == "export" {
			mem = "RSS " + mb(r.mem)
			exports = append(exports, r)
		}
		bx, tx := "", ""
		if b := r.baseline; b != nil {
			bx, tx = fmt.Sprintf("%.2f", ratio(b.requests, r.requests)), fmt.Sprintf("%.2f", ratio(b.wall, r.wall))
		}
		verdict := "all met"
		if _, missed := r.targets(); missed != nil {
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
	growth := ratio(large.mem, small.mem)
	verdict := "flat (ok)"
	if growth > 1.25 {
		verdict = "grows with row count (MISSED)"
	}
	fmt.Fprintf(out, "export peak RSS: %s for %d rows, %s for %d rows (x%.2f for x%.1f rows): %s\n",
		mb(small.mem), small.rows, mb(large.mem), large.rows, growth, ratio(large.rows, small.rows), verdict)
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
