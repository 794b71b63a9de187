package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

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
	if r.shared != nil {
		printShared(out, r)
		return
	}
	fmt.Fprintf(out, "   latency %s per request; coupang_api limiter %g rps%s\n", r.latency, r.rate, sandboxNote(r))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmeasured\treference\tratio\t")
	fmt.Fprintf(tw, "requests\t%d\tminimum %d\t%.3f\t\n", r.requests, r.minimum, ratio(float64(r.requests), float64(r.minimum)))
	if !r.export {
		fmt.Fprintf(tw, "429 answers\t%d\t0\t\t\n", r.n429)
	}
	fmt.Fprintf(tw, "wall time\t%s\tbound %s\t%.3f\t\n", secs(r.wall), secs(r.bound()), ratio(r.wall.Seconds(), r.bound().Seconds()))
	fmt.Fprintf(tw, "rows (%s)\t%d\texpected %d\t\t\n", r.rowUnit, r.rows, r.expected)
	fmt.Fprintf(tw, "rows/second\t%.0f\t\t\t\n", ratio(float64(r.rows), r.wall.Seconds()))
	if r.export {
		fmt.Fprintf(tw, "peak RSS (export process)\t%s\ttarget < 150 MB\t\t\n", mb(r.rss))
	} else {
		fmt.Fprintf(tw, "peak heap above baseline\t%s\t\t\t\n", mb(r.heapPeak))
	}
	if b := r.baseline; b != nil {
		fmt.Fprintf(tw, "baseline requests\t%d\tours %d\t%.2fx\t\n", b.requests, r.requests, ratio(float64(b.requests), float64(r.requests)))
		fmt.Fprintf(tw, "baseline wall time\t%s\tours %s\t%.2fx\t\n", secs(b.wall), secs(r.wall), ratio(b.wall.Seconds(), r.wall.Seconds()))
		fmt.Fprintf(tw, "baseline rows / 429s\t%d / %d\t\t\t\n", b.rows, b.n429)
	}
	tw.Flush()
	fmt.Fprintf(out, "   binds: %s\n", binding(r))
	fmt.Fprintf(out, "   targets: %s\n", verdicts(r.checks()))
}

// sandboxNote describes the sandbox's own limit.
func sandboxNote(r *result) string {
	if r.export {
		return fmt.Sprintf(" (linked into the export binary); sandbox in its own process, no limit")
	}
	return fmt.Sprintf("; sandbox answers 429 above %g rps", r.sbLimit)
}

// binding names what limits the wall time.
func binding(r *result) string {
	switch {
	case r.export:
		return "CPU (2 processes: sandbox rendering and the plugin decoding, streaming and writing CSV); limiter raised on purpose"
	case r.rateBinds():
		return fmt.Sprintf("rate limit (%d requests / %g rps = %s >= 2 x latency %s)", r.minimum, r.rate, secs(r.bound()), secs(2*r.latency))
	default:
		return fmt.Sprintf("latency (%d requests / %g rps < 2 x latency %s)", r.minimum, r.rate, secs(2*r.latency))
	}
}

// verdicts formats checks as "target ok, target MISSED".
func verdicts(cs []check) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		mark := "ok"
		if !c.met {
			mark = "MISSED"
		}
		parts[i] = c.target + " " + mark
	}
	return strings.Join(parts, "; ")
}

// printSummary prints one line per scenario and the export flatness check.
func printSummary(out io.Writer, rs []*result) {
	fmt.Fprintln(out, "\n== summary")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treq/min\twall/bound\trows/s\tpeak mem\tbaseline req x\tbaseline time x\ttargets\t")
	for _, r := range rs {
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t\tFAILED\t\n", r.name)
			continue
		}
		mem := "heap " + mb(r.heapPeak)
		if r.export {
			mem = "RSS " + mb(r.rss)
		}
		bx, tx := "", ""
		if b := r.baseline; b != nil {
			bx = fmt.Sprintf("%.2f", ratio(float64(b.requests), float64(r.requests)))
			tx = fmt.Sprintf("%.2f", ratio(b.wall.Seconds(), r.wall.Seconds()))
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%.3f\t%.0f\t%s\t%s\t%s\t%s\t\n", r.name, r.requests, r.minimum,
			ratio(r.wall.Seconds(), r.bound().Seconds()), ratio(float64(r.rows), r.wall.Seconds()), mem, bx, tx, missed(r.checks()))
	}
	tw.Flush()
	printFlatness(out, rs)
}

// missed is "all met" or the missed targets.
func missed(cs []check) string {
	var m []string
	for _, c := range cs {
		if !c.met {
			m = append(m, c.target)
		}
	}
	if len(m) == 0 {
		return "all met"
	}
	return "MISSED: " + strings.Join(m, ", ")
}

// printFlatness compares the exports' peak RSS across sizes.
func printFlatness(out io.Writer, rs []*result) {
	var ex []*result
	for _, r := range rs {
		if r.export && r.err == nil {
			ex = append(ex, r)
		}
	}
	if len(ex) < 2 {
		return
	}
	small, large := ex[0], ex[len(ex)-1]
	growth := ratio(float64(large.rss), float64(small.rss))
	verdict := "flat (ok)"
	if growth > 1.25 {
		verdict = "grows with row count (MISSED)"
	}
	fmt.Fprintf(out, "export peak RSS: %s for %d rows, %s for %d rows (x%.2f for x%.1f rows): %s\n",
		mb(small.rss), small.rows, mb(large.rss), large.rows, growth, ratio(float64(large.rows), float64(small.rows)), verdict)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
