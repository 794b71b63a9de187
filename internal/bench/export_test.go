package bench

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

const (
	exportPkg = "github.com/seller-sql/steampipe-plugin-coupang/cmd/steampipe_export_coupang"
	// linkedRateVar is the export binary's link-time coupang_api override (see internal/inprocess).
	linkedRateVar = "github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess.linkedRateLimit"
)

// exports is what the export scenarios of one run share: the export binaries, built on first use
// (a release build, and one with exportRate linked in), and the last export's figures.
type exports struct {
	release, linked func() (string, error)
	// smaller is the last export scenario's rows and peak RSS in MB, for the next to compare with.
	smaller struct {
		name  string
		rows  int
		rssMB float64
	}
}

// newExports returns the exports of a run whose binaries go into dir.
func newExports(dir string) *exports {
	return &exports{
		release: sync.OnceValues(func() (string, error) { return build(dir, "steampipe_export_coupang", "") }),
		linked: sync.OnceValues(func() (string, error) {
			return build(dir, "export-linked", fmt.Sprintf("-X %s=%d", linkedRateVar, exportRate))
		}),
	}
}

// build builds the export command with ldflags into dir/name and returns its path.
func build(dir, name, ldflags string) (string, error) {
	path := filepath.Join(dir, name)
	if out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", path, exportPkg).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", exportPkg, err, out)
	}
	return path, nil
}

// round is what one round of export processes at once measured: got sums their requests, 429s and
// distinct inquiries; its wall is the slowest process's.
type round struct {
	got
	most  int           // the most requests in any closed 1-second window
	span  time.Duration // first to last arrival: the time the rate governs
	walls []time.Duration
}

// export runs the export binary, with exportRate linked in, under GNU time for its peak RSS.
func (s scenario) export(b *testing.B, ex *exports, srv *sandbox.Server, base string) {
	// A child's ru_maxrss includes this process's peak: Go starts children with
	// clone(CLONE_VFORK|CLONE_VM), and exec folds the shared address space's high-water RSS into the
	// child's (fs/exec.c: exec_mmap -> setmax_mm_hiwater_rss). This process holds the sandbox and the
	// SDK caches (400 MB after the quick in-process scenarios), so GNU time, a few MB, starts the export.
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Fatalf("the export's peak RSS is read with GNU time (Debian package time): %v", err)
	}
	bin, err := ex.linked()
	if err != nil {
		b.Fatal(err)
	}
	rssFile := filepath.Join(b.TempDir(), "rss")
	p, newCmd := s.exportPlan(b, srv, base, "/usr/bin/time", "-f", "%M", "-o", rssFile, bin)
	var rd round
	timed(b, func() (err error) { rd, err = exportRound(srv, 1, newCmd); return err })
	b.Logf("%s; limiter %g rps linked in, sandbox without limit; %s", s.title, s.rate, p.sql)
	check(b, p, rd.got)
	raw, err := os.ReadFile(rssFile)
	kib, perr := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
	if err = cmp.Or(err, perr); err != nil {
		b.Fatalf("export peak RSS in KiB from GNU time: %v", err)
	}
	rssMB := kib / 1024
	b.ReportMetric(rssMB, "peak-RSS-MB")
	target(b, rssMB < 150, "peak RSS < 150 MB")
	if smaller := &ex.smaller; smaller.rows > 0 && smaller.rows < rd.rows {
		growth := rssMB / smaller.rssMB
		b.ReportMetric(growth, "peak-RSS-x-smaller")
		b.Logf("peak RSS x%.2f of %s's for x%.1f rows", growth, smaller.name, float64(rd.rows)/float64(smaller.rows))
		target(b, growth <= 1.25, "peak RSS flat across sizes (<= 1.25 x %s's)", smaller.name)
	}
	ex.smaller.name, ex.smaller.rows, ex.smaller.rssMB = s.name, rd.rows, rssMB
}

// rounds runs rounds of s.procs release builds at once, a sub-benchmark each, sharing the default
// coupang_api budget of one seller (one budget directory for every round).
func (s scenario) rounds(b *testing.B, ex *exports, srv *sandbox.Server, base string) {
	bin, err := ex.release()
	if err != nil {
		b.Fatal(err)
	}
	p, newCmd := s.exportPlan(b, srv, base, bin)
	var single time.Duration // one process's wall
	for _, n := range s.procs {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.Logf("%s; shared budget, default %g rps; sandbox 429 above %g requests in a closed 1-second window; %d at once, each %s",
				s.title, s.rate, s.sandboxLimit(), n, p.sql)
			time.Sleep(1100 * time.Millisecond) // let the previous round's window pass
			var rd round
			timed(b, func() (err error) { rd, err = exportRound(srv, n, newCmd); return err })
			check(b, plan{rows: n * p.rows, requests: n * p.requests}, rd.got)
			var mean time.Duration
			for _, w := range rd.walls {
				mean += w / time.Duration(n)
			}
			if n == 1 {
				single = mean
			}
			bound := float64(rd.requests-1) / s.rate // one interval fewer than requests
			b.ReportMetric(float64(rd.most), "most-in-1s")
			b.ReportMetric(float64(rd.requests)/rd.span.Seconds(), "requests/s")
			b.ReportMetric(rd.span.Seconds()/bound, "span/bound")
			b.ReportMetric(mean.Seconds(), "mean-wall-s")
			b.ReportMetric(slices.Min(rd.walls).Seconds(), "min-wall-s") // wall-s is the slowest process's
			if single > 0 {
				b.ReportMetric(mean.Seconds()/single.Seconds(), "x-1-process")
			}
			// Arrivals, not sends: timing (the budget's own tests count its send times).
			target(b, rd.most <= int(s.rate), "at most %g requests in any closed second (%d)", s.rate, rd.most)
			// Process start-up and exit lie outside the span (mean-wall-s includes them).
			target(b, rd.span.Seconds() <= 1.15*bound, "requests' span <= 1.15 x (requests-1)/rate")
		})
	}
}

// exportPlan returns the plan of an export of s.days (per process: its --where, distinct
// inquiries and fewest requests) and a function making the command that runs it against srv, with
// the seller's budget in a directory of b's. command is the export binary or a launcher ending with it.
func (s scenario) exportPlan(b *testing.B, srv *sandbox.Server, base string, command ...string) (plan, func() *exec.Cmd) {
	var p plan
	s.listing(srv, &p)
	args := append(command, inquiryTable, "--where", p.sql, "--output", "csv")
	p.sql = fmt.Sprintf("--where %q --output csv", p.sql)
	env := append(os.Environ(), "COUPANG_BASE_URL="+base, "COUPANG_VENDOR_ID="+srv.VendorID(),
		"COUPANG_ACCESS_KEY="+srv.AccessKey(), "COUPANG_SECRET_KEY="+srv.SecretKey(), ratelimit.EnvDir+"="+b.TempDir())
	return p, func() *exec.Cmd {
		cmd := exec.CommandContext(b.Context(), args[0], args[1:]...)
		cmd.Env = env
		return cmd
	}
}

// exportRound runs n exports at once and reads the sandbox's log of their requests.
func exportRound(srv *sandbox.Server, n int, newCmd func() *exec.Cmd) (round, error) {
	srv.ResetLog()
	rd := round{walls: make([]time.Duration, n)}
	rows, errs := make([]int, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { rows[i], rd.walls[i], errs[i] = runExport(newCmd()) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return rd, fmt.Errorf("%d processes: %w", n, err)
	}
	log := srv.Log()
	arrivals := sandbox.Arrivals(log)
	rd.rows, rd.requests, rd.n429, rd.wall = sum(rows), len(arrivals), count429(log), slices.Max(rd.walls)
	rd.most = sandbox.MostInWindow(arrivals, time.Second)
	if len(arrivals) > 0 {
		rd.span = slices.MaxFunc(arrivals, time.Time.Compare).Sub(slices.MinFunc(arrivals, time.Time.Compare))
	}
	return rd, nil
}

// runExport runs cmd (the export binary, or a launcher ending with it, writing CSV to stdout) and
// returns the distinct inquiries in its CSV (a row is one inquiry and option ID; the first column is
// inquiry_id) and its wall time.
func runExport(cmd *exec.Cmd) (rows int, wall time.Duration, err error) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	seen := map[string]bool{}
	cr := csv.NewReader(bufio.NewReaderSize(stdout, 1<<20))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	for ; err == nil; rec, err = cr.Read() {
		seen[rec[0]] = true
	}
	if errors.Is(err, io.EOF) {
		err = nil
	} else {
		io.Copy(io.Discard, stdout) // let the export finish writing
		err = fmt.Errorf("reading the export's CSV: %w", err)
	}
	if werr := cmd.Wait(); werr != nil {
		err = fmt.Errorf("export: %v: %s", werr, strings.TrimSpace(stderr.String()))
	}
	return len(seen) - 1, time.Since(start), err // less the header line
}
