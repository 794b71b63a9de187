// Command coupang-bench measures the plugin against its limits: it runs scenarios in-process
// (package internal/inprocess) against the sandbox on loopback with injected latency and a rate
// limit, and prints for each one the requests made against the minimum possible, the wall time
// against the lower bound max(requests/rate, 2 x latency), peak memory and rows per second. Some
// scenarios also run a hand-written baseline (sequential 7-day windows, pageSize 10, one request at
// a time) on the same data, and the export scenarios run the real export binary against a sandbox
// in a separate process and report the export process's peak RSS.
//
// Usage:
//
//	go run ./cmd/coupang-bench [--quick] [--scenario NAME[,NAME]] [--list]
//
// Figures are ratios measured in one run on one machine, not promises of absolute times; see
// docs/performance.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
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

// run parses the flags, runs the chosen scenarios and prints their tables and a summary.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("coupang-bench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "smaller data sets (about a minute in all)")
	only := fs.String("scenario", "", "run only these scenarios (comma-separated names; see --list)")
	list := fs.Bool("list", false, "list the scenarios and exit")
	repo := fs.String("repo", ".", "module root, for building the export and sandbox binaries")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process (in-process scenarios) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	all := scenarios(*quick)
	if *list {
		for _, s := range all {
			fmt.Fprintf(out, "%-16s %s\n", s.name, s.title)
		}
		return nil
	}
	chosen, err := choose(all, *only)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	printMachine(out, *quick)
	env := &benchEnv{repo: *repo}
	defer env.cleanup()
	var results []*result
	for _, s := range chosen {
		if err := ctx.Err(); err != nil {
			return err
		}
		res := s.run(ctx, env)
		printResult(out, res)
		results = append(results, res)
	}
	printSummary(out, results)
	return nil
}

// choose returns the scenarios named in only (all when empty), in the order given by all.
func choose(all []scenario, only string) ([]scenario, error) {
	if only == "" {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []scenario
	for _, s := range all {
		if want[s.name] {
			out = append(out, s)
			delete(want, s.name)
		}
	}
	for n := range want {
		return nil, fmt.Errorf("unknown scenario %q (see --list)", n)
	}
	return out, nil
}

// printMachine prints what the figures were measured on.
func printMachine(out io.Writer, quick bool) {
	mode := "full"
	if quick {
		mode = "quick"
	}
	fmt.Fprintf(out, "coupang-bench (%s) %s, %s, %d CPUs (%s), %s\n", mode, time.Now().UTC().Format(time.RFC3339),
		runtime.Version(), runtime.NumCPU(), cpuModel(), runtime.GOOS+"/"+runtime.GOARCH)
}

// cpuModel reads the first model name from /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// startCPUProfile profiles this process into path until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
