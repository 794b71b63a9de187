// Command coupang-bench measures the plugin against its limits: it runs scenarios in-process
// (internal/inprocess) against the sandbox on loopback with injected latency and a rate limit, and
// prints the requests made against the minimum, the wall time against max(requests/rate, 2 x
// latency), peak memory and rows per second, some against a hand-written baseline; the export
// scenarios run the export binary in its own process and report its peak RSS.
//
// Usage:
//
//	go run ./cmd/coupang-bench [--quick] [--scenario NAME[,NAME]] [--list]
//
// Figures are ratios measured in one run on one machine; see docs/performance.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "coupang-bench:", err)
		os.Exit(1)
	}
}

// run parses the flags, runs the chosen scenarios and prints their results and a summary.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("coupang-bench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "smaller data sets")
	only := fs.String("scenario", "", "run only these scenarios (comma-separated names; see --list)")
	list := fs.Bool("list", false, "list the scenarios and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chosen := scenarios(*quick)
	if *list {
		for _, s := range chosen {
			fmt.Fprintf(out, "%-16s %s\n", s.name, s.title)
		}
		return nil
	}
	if *only != "" {
		names := strings.Split(strings.ReplaceAll(*only, " ", ""), ",")
		for _, n := range names {
			if !slices.ContainsFunc(chosen, func(s scenario) bool { return s.name == n }) {
				return fmt.Errorf("unknown scenario %q (see --list)", n)
			}
		}
		chosen = slices.DeleteFunc(chosen, func(s scenario) bool { return !slices.Contains(names, s.name) })
	}
	dir, err := os.MkdirTemp("", "coupang-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(out, "coupang-bench (%s) %s, %s, %d CPUs (%s), %s/%s\n", map[bool]string{false: "full", true: "quick"}[*quick],
		time.Now().UTC().Format(time.RFC3339), runtime.Version(), runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH)
	var results []*result
	for _, s := range chosen {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A failed measurement is recorded in its result rather than stopping the bench.
		res := &result{scenario: s, rowUnit: "rows"}
		res.err = s.run(ctx, dir, res)
		printResult(out, res)
		results = append(results, res)
	}
	printSummary(out, results)
	return nil
}

// cpuModel is the first model name in /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	if m := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return "unknown CPU"
}
