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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// linkedRateVar is the export binary's link-time coupang_api override (see internal/inprocess).
const linkedRateVar = "github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess.linkedRateLimit"

// build builds the export command with ldflags into dir/name, unless already built, and returns its path.
func build(ctx context.Context, dir, name, ldflags string) (string, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	out, err := exec.CommandContext(ctx, "go", "build", "-ldflags", ldflags, "-o", path, "./cmd/steampipe_export_coupang").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/steampipe_export_coupang: %v\n%s", err, out)
	}
	return path, nil
}

// export runs cmd (the export binary, or a launcher ending with it, writing CSV to stdout) and
// returns the distinct inquiries in its CSV (a row is one inquiry and option ID; the first column is
// inquiry_id) and its wall time.
func export(cmd *exec.Cmd) (rows int, wall time.Duration, err error) {
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

// runExports runs the export binary against srv over s.days in rounds of s.procs processes at once
// and counts their CSV: for "export" with s.rate linked in, under GNU time for its peak RSS; for
// "procs" release builds sharing the default coupang_api budget of one seller.
func (s scenario) runExports(ctx context.Context, dir string, srv *sandbox.Server, base string, res *result) error {
	res.rowUnit = "inquiries"
	command, rssFile, err := s.exportCommand(ctx, dir)
	if err != nil {
		return err
	}
	ws := rangeOf(srv, s.days)
	counts, where := countIn(srv.InquiryTimes(), ws), fmt.Sprintf("inquiry_at >= '%s'", ws[len(ws)-1].start.Format(api.DateLayout))
	res.query = fmt.Sprintf("--where %q --output csv", where)
	if s.kind == "procs" {
		res.query += ", in each process"
	}
	command = append(command, inquiryTable, "--where", where, "--output", "csv")
	newCmd := func() *exec.Cmd {
		cmd := exec.CommandContext(ctx, command[0], command[1:]...)
		cmd.Env = append(os.Environ(), "COUPANG_BASE_URL="+base, "COUPANG_VENDOR_ID="+srv.VendorID(),
			"COUPANG_ACCESS_KEY="+srv.AccessKey(), "COUPANG_SECRET_KEY="+srv.SecretKey(), ratelimit.EnvDir+"="+filepath.Join(dir, "budget"))
		return cmd
	}
	for _, n := range s.procs {
		if s.kind == "procs" {
			time.Sleep(1100 * time.Millisecond) // let the previous round's window pass
		}
		rd, err := exportRound(srv, n, newCmd)
		if err != nil {
			return err
		}
		rd.expected = n * sum(counts)
		res.rounds = append(res.rounds, rd)
		res.requests += rd.requests
		res.minimum += n * minimumRequests(counts, api.MaxPageSize, 0)
		res.n429 += rd.n429
		res.rows += rd.rows
		res.expected += rd.expected
		res.wall += slices.Max(rd.walls)
	}
	if rssFile == "" {
		return nil
	}
	kib, err := os.ReadFile(rssFile)
	if err != nil {
		return fmt.Errorf("export peak RSS: %w", err)
	}
	if _, err := fmt.Sscan(string(kib), &res.mem); err != nil {
		return fmt.Errorf("export peak RSS: %q is not a number of KiB", kib)
	}
	res.mem *= 1024
	return nil
}

// exportCommand builds the export binary and returns the command that runs it and, for "export",
// the file where GNU time writes its peak RSS in KiB.
func (s scenario) exportCommand(ctx context.Context, dir string) (command []string, rssFile string, err error) {
	if s.kind == "procs" {
		bin, err := build(ctx, dir, "steampipe_export_coupang", "")
		return []string{bin}, "", err
	}
	// A child's ru_maxrss includes this process's peak: Go starts children with
	// clone(CLONE_VFORK|CLONE_VM), and exec folds the shared address space's high-water RSS into the
	// child's (fs/exec.c: exec_mmap -> setmax_mm_hiwater_rss). This process holds the sandbox and the
	// SDK caches (400 MB after the quick in-process scenarios), so GNU time, a few MB, starts the export.
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return nil, "", fmt.Errorf("the export's peak RSS is read with GNU time (Debian package time): %w", err)
	}
	bin, err := build(ctx, dir, fmt.Sprintf("export-%g", s.rate), fmt.Sprintf("-X %s=%g", linkedRateVar, s.rate))
	rssFile = filepath.Join(dir, s.name+".rss")
	return []string{"/usr/bin/time", "-f", "%M", "-o", rssFile, bin}, rssFile, err
}

// exportRound runs n exports at once and reads the sandbox's log of their requests.
func exportRound(srv *sandbox.Server, n int, newCmd func() *exec.Cmd) (round, error) {
	srv.ResetLog()
	rd := round{procs: n, walls: make([]time.Duration, n)}
	rows, errs := make([]int, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { rows[i], rd.walls[i], errs[i] = export(newCmd()) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return rd, fmt.Errorf("%d processes: %w", n, err)
	}
	log := srv.Log()
	arrivals := sandbox.Arrivals(log)
	rd.rows, rd.requests, rd.n429 = sum(rows), len(arrivals), count429(log)
	rd.most = sandbox.MostInWindow(arrivals, time.Second)
	if len(arrivals) > 0 {
		rd.span = slices.MaxFunc(arrivals, time.Time.Compare).Sub(slices.MinFunc(arrivals, time.Time.Compare))
	}
	return rd, nil
}
