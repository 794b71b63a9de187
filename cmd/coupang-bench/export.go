package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandboxproc"
)

// linkedRateVar is the export binary's link-time coupang_api override (see internal/inprocess).
const linkedRateVar = "github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess.linkedRateLimit"

func exportName(n int) string { return fmt.Sprintf("export-%dk", n/1000) }

func exportTitle(n int) string {
	return fmt.Sprintf("export of ~%d inquiries to CSV (export binary; sandbox in its own process)", n)
}

// run builds the export and sandbox binaries, starts the sandbox process, runs the export process
// over the whole data set with its CSV read (and counted) here, and reports the export process's
// peak RSS.
func (e exportSpec) run(ctx context.Context, env *benchEnv) *result {
	res := &result{name: e.name, title: e.title, table: inquiryTable, latency: e.latency, rate: e.rate,
		limit: -1, rowUnit: "inquiries", export: true}
	if err := env.build(ctx, e.rate); err != nil {
		return res.fail("%v", err)
	}
	sb, err := startSandboxProcess(ctx, env, e)
	if err != nil {
		return res.fail("%v", err)
	}
	defer sb.stop()
	lo := e.expect(res)
	res.query = fmt.Sprintf("--where \"inquiry_at >= '%s'\" --output csv", lo.Format(api.DateLayout))
	if err := e.measure(ctx, env, sb, lo, res); err != nil {
		return res.fail("%v", err)
	}
	n, err := sb.stop()
	if err != nil {
		return res.fail("%v", err)
	}
	res.requests = n
	return res
}

// expect builds the same data set here (the records only: cheap) to count rows and the minimum
// requests, and returns the query's first day.
func (e exportSpec) expect(res *result) time.Time {
	local := sandbox.New(sandbox.Options{Days: e.days, PerDay: e.perDay})
	ws := rangeOf(local, e.days)
	counts := countIn(local.InquiryTimes(), ws)
	res.expected, res.minimum = sum(counts), minimumRequests(counts, api.MaxPageSize)
	return ws[len(ws)-1].start
}

// measure runs the export binary and counts the CSV records it writes. The export runs under
// peakrss (./internal/peakrss), which reports the export's own peak RSS: the ru_maxrss of a process
// started from here would include this process's own peak (see that command's documentation).
func (e exportSpec) measure(ctx context.Context, env *benchEnv, sb *sandboxProcess, lo time.Time, res *result) error {
	report := filepath.Join(env.binDir, e.name+".peakrss")
	cmd := exec.CommandContext(ctx, filepath.Join(env.binDir, "peakrss"), report,
		filepath.Join(env.binDir, "steampipe_export_coupang"), inquiryTable,
		"--where", fmt.Sprintf("inquiry_at >= '%s'", lo.Format(api.DateLayout)), "--output", "csv")
	// Stop with SIGTERM, which peakrss passes on, rather than SIGKILL, which would orphan the export.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.Env = sb.Environ()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	records, countErr := countCSV(stdout)
	waitErr := cmd.Wait()
	res.wall = time.Since(start)
	if waitErr != nil {
		return fmt.Errorf("export: %v: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	rss, err := readPeakRSS(report)
	if err != nil {
		return err
	}
	res.rss = rss
	res.rows = records - 1 // the header line
	return countErr
}

// readPeakRSS reads the figure peakrss wrote: KiB (Linux's ru_maxrss unit), returned in bytes.
func readPeakRSS(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("export peak RSS: %w", err)
	}
	kib, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("export peak RSS: %q is not a number of KiB", b)
	}
	return kib * 1024, nil
}

// countCSV counts the distinct values of the first column of a CSV (quoted fields may hold
// newlines), the header included, until EOF.
func countCSV(r io.Reader) (int, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	cr.FieldsPerRecord = -1
	// The first column is inquiry_id: a row is one (inquiry, option ID) pair, and what the bench
	// expects is the number of inquiries (the header line counts as one more).
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return len(seen), nil
		}
		if err != nil {
			io.Copy(io.Discard, r)
			return len(seen), fmt.Errorf("reading the export's CSV: %w", err)
		}
		seen[rec[0]] = true
	}
}

// build compiles the export binary (with the linked limiter rate), the sandbox binary and the
// peakrss launcher, once.
func (e *benchEnv) build(ctx context.Context, rate float64) error {
	if e.binDir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "coupang-bench-")
	if err != nil {
		return err
	}
	e.binDir = dir
	builds := [][]string{
		{"build", "-ldflags", fmt.Sprintf("-X %s=%g", linkedRateVar, rate), "-o", filepath.Join(dir, "steampipe_export_coupang"), "./cmd/steampipe_export_coupang"},
		{"build", "-o", filepath.Join(dir, "coupang-sandbox"), "./cmd/coupang-sandbox"},
		{"build", "-o", filepath.Join(dir, "peakrss"), "./cmd/coupang-bench/internal/peakrss"},
	}
	for _, args := range builds {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = e.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// sandboxProcess is cmd/coupang-sandbox running in its own process.
type sandboxProcess struct {
	*sandboxproc.Proc
	stderr *strings.Builder // written until Stop returns
}

// startSandboxProcess starts the sandbox binary and reads its COUPANG_* lines.
func startSandboxProcess(ctx context.Context, env *benchEnv, e exportSpec) (*sandboxProcess, error) {
	stderr := &strings.Builder{}
	p, err := sandboxproc.Start(ctx, filepath.Join(env.binDir, "coupang-sandbox"),
		[]string{"--days", strconv.Itoa(e.days), "--per-day", strconv.Itoa(e.perDay), "--latency", e.latency.String()}, stderr)
	if err != nil {
		return nil, fmt.Errorf("sandbox process: %w: %s", err, stderr.String())
	}
	return &sandboxProcess{Proc: p, stderr: stderr}, nil
}

var stoppedAfter = regexp.MustCompile(`stopping after (\d+) requests`)

// stop ends the sandbox process and returns the requests it served, from its last line.
func (p *sandboxProcess) stop() (int, error) {
	p.Stop()
	m := stoppedAfter.FindStringSubmatch(p.stderr.String())
	if m == nil {
		return 0, fmt.Errorf("sandbox process did not report its requests: %s", p.stderr.String())
	}
	return strconv.Atoi(m[1])
}
