package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// procsSpec is the multi-process scenario: 1, 2, 4 ... export processes of one seller at once,
// each reading the same days, against one sandbox that enforces the seller's rate over a closed
// 1-second window (429 above it) and logs every request's arrival. The export binary is a release
// build: the default coupang_api limiter (4 requests/second) sizes the shared budget.
type procsSpec struct {
	name, title string
	days        int
	counts      []int
	latency     time.Duration
}

// procsRate is the default coupang_api rate, which the release export binary uses.
const procsRate = 4

// sharedRow is one round of the multi-process scenario.
type sharedRow struct {
	procs, requests, n429, most int
	perSecond                   float64       // requests / span
	span                        time.Duration // first to last arrival: the time the rate governs
	wall                        []time.Duration
	rows, expected              int
}

// bound is the least time the round's requests can take at rate: one interval fewer than requests.
func (s sharedRow) bound(rate float64) time.Duration {
	return time.Duration(float64(s.requests-1) / rate * float64(time.Second))
}

func (s sharedRow) meanWall() time.Duration {
	var t time.Duration
	for _, w := range s.wall {
		t += w
	}
	return t / time.Duration(max(len(s.wall), 1))
}

// run builds the export binary, then runs each round against one in-process sandbox.
func (p procsSpec) run(ctx context.Context, env *benchEnv) *result {
	res := &result{name: p.name, title: p.title, table: inquiryTable, latency: p.latency, rate: procsRate,
		sbLimit: procsRate, limit: -1, rowUnit: "inquiries"}
	dir, err := os.MkdirTemp("", "coupang-bench-procs-")
	if err != nil {
		return res.fail("%v", err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "steampipe_export_coupang")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/steampipe_export_coupang")
	build.Dir = env.repo
	if out, err := build.CombinedOutput(); err != nil {
		return res.fail("go build: %v\n%s", err, out)
	}
	srv := sandbox.New(sandbox.Options{Days: p.days, Latency: p.latency, RateLimit: procsRate})
	base, stop, err := srv.Start()
	if err != nil {
		return res.fail("start sandbox: %v", err)
	}
	defer stop()
	ws := rangeOf(srv, p.days)
	counts := countIn(srv.InquiryTimes(), ws)
	lo := ws[len(ws)-1].start
	res.query = fmt.Sprintf("--where \"inquiry_at >= '%s'\" --output csv, in each process", lo.Format(api.DateLayout))
	environ := append(os.Environ(), "COUPANG_BASE_URL="+base, "COUPANG_VENDOR_ID="+srv.VendorID(),
		"COUPANG_ACCESS_KEY="+srv.AccessKey(), "COUPANG_SECRET_KEY="+srv.SecretKey(), ratelimit.EnvDir+"="+filepath.Join(dir, "budget"))
	for _, n := range p.counts {
		time.Sleep(1100 * time.Millisecond) // let the previous round's window pass
		srv.ResetLog()
		row, err := p.round(ctx, bin, environ, lo, n)
		if err != nil {
			return res.fail("%d processes: %v", n, err)
		}
		log := srv.Log()
		row.requests, row.expected = len(log), n*sum(counts)
		arrivals := sandbox.Arrivals(log)
		for _, r := range log {
			if r.Status == 429 {
				row.n429++
			}
		}
		row.most = sandbox.MostInWindow(arrivals, time.Second)
		if len(arrivals) > 1 {
			slices.SortFunc(arrivals, func(a, b time.Time) int { return a.Compare(b) })
			row.span = arrivals[len(arrivals)-1].Sub(arrivals[0])
			row.perSecond = float64(len(arrivals)) / row.span.Seconds()
		}
		res.shared = append(res.shared, row)
		res.requests += row.requests
		res.minimum += n * minimumRequests(counts, api.MaxPageSize)
		res.n429 += row.n429
		res.rows += row.rows
		res.expected += row.expected
		res.wall += slices.Max(row.wall)
	}
	return res
}

// round runs n export processes at once and returns their rows and walls.
func (p procsSpec) round(ctx context.Context, bin string, environ []string, lo time.Time, n int) (sharedRow, error) {
	row := sharedRow{procs: n, wall: make([]time.Duration, n)}
	errs := make([]error, n)
	rows := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, bin, inquiryTable, "--where", fmt.Sprintf("inquiry_at >= '%s'", lo.Format(api.DateLayout)), "--output", "csv")
			cmd.Env = environ
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err == nil {
				start := time.Now()
				if err = cmd.Start(); err == nil {
					var records int
					records, err = countCSV(out)
					if werr := cmd.Wait(); werr != nil {
						err = fmt.Errorf("export: %v: %s", werr, strings.TrimSpace(stderr.String()))
					}
					row.wall[i], rows[i] = time.Since(start), records-1
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			return row, errs[i]
		}
		row.rows += rows[i]
	}
	return row, nil
}

// printShared prints the multi-process table.
func printShared(out io.Writer, r *result) {
	fmt.Fprintf(out, "   latency %s per request; coupang_api limiter %g rps (default, shared budget); sandbox answers 429 above %g requests in a closed 1-second window\n",
		r.latency, r.rate, r.sbLimit)
	one := r.shared[0]
	single := one.meanWall() / time.Duration(one.procs)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "processes\trequests\t429\tmost in 1 s\tper second\tfirst-last request\t/ bound\twall per process: mean\tmin-max\tx 1 process\trows\t")
	for _, s := range r.shared {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.2f\t%s\t%.3f\t%s\t%s-%s\t%.2f\t%d/%d\t\n", s.procs, s.requests, s.n429, s.most, s.perSecond,
			secs(s.span), ratio(s.span.Seconds(), s.bound(r.rate).Seconds()), secs(s.meanWall()), secs(slices.Min(s.wall)), secs(slices.Max(s.wall)),
			ratio(s.meanWall().Seconds(), single.Seconds()), s.rows, s.expected)
	}
	tw.Flush()
	fmt.Fprintf(out, "   targets: %s\n", verdicts(r.checks()))
}

// sharedChecks are the multi-process targets: never over the budget, no 429, every row, and the
// requests of each round (1 process alone, or n sharing the budget) within 15% of requests/rate.
// Process start-up and exit are outside that span; the table shows the whole process walls.
func (r *result) sharedChecks() []check {
	cs := []check{{"rows = expected", r.rows == r.expected}, {"no 429", r.n429 == 0}}
	most, within := 0, true
	for _, s := range r.shared {
		most = max(most, s.most)
		within = within && s.span.Seconds() <= 1.15*s.bound(r.rate).Seconds()
	}
	cs = append(cs, check{fmt.Sprintf("at most %g in any 1 s", r.rate), most <= int(r.rate)},
		check{"requests' span <= 1.15 x requests/rate", within})
	return cs
}
