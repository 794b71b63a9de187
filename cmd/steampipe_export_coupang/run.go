package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"golang.org/x/term"
)

const connectionName = "coupang"

// errLimitReached stops the plugin on purpose once the limit's rows are written.
var errLimitReached = errors.New("limit reached")

// run runs the command and returns its exit code: 0, or 1 after an error written to stderr. extra
// are options for the in-process plugin (tests lift the rate limiter).
func run(args []string, stdout, stderr io.Writer, extra ...inprocess.Option) int {
	ctx, stop := cancelOnSignals(context.Background())
	defer stop()
	if err := runContext(ctx, args, stdout, stderr, extra); err != nil {
		if ctx.Err() != nil { // which signal: the plugin's error says only that the query was cancelled
			err = fmt.Errorf("%w (%v)", err, context.Cause(ctx))
		}
		fmt.Fprintf(stderr, "steampipe_export_coupang: %v\n", err)
		return 1
	}
	return 0
}

// cancelOnSignals returns a context that Ctrl-C, SIGTERM or SIGHUP (a closed terminal or SSH
// session) cancels, which stops the export's requests, removes the xlsx writer's temporary file and
// exits non-zero. A signal the process was started with ignored stays ignored: catching it would undo
// nohup (SIGHUP) or a shell's background job (SIGINT).
func cancelOnSignals(parent context.Context) (context.Context, context.CancelFunc) {
	sigs := slices.DeleteFunc([]os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}, signal.Ignored)
	if len(sigs) == 0 { // NotifyContext without signals would catch every signal
		return context.WithCancel(parent)
	}
	return signal.NotifyContext(parent, sigs...)
}

// runContext starts the plugin, plans the query and streams the rows that pass every condition.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer, extra []inprocess.Option) error {
	opts, err := parseArgs(args)
	if err != nil {
		return err
	}
	var cfg steampipeConfig // no configuration changes the help
	if !opts.Help {
		if cfg, err = resolveConfig(opts); err != nil {
			return err
		}
	}
	screen := &progressScreen{w: stderr}
	stderr = screen // notices and logs clear the progress line first
	level := "off"
	if opts.Verbose {
		level = "info"
	}
	// Rows are written as they come: Query returns an error that follows them.
	runnerOpts := []inprocess.Option{inprocess.WithLogOutput(stderr, level), inprocess.WithStreamedRows()}
	// As in Steampipe, a limiter named like one of the plugin's own (coupang_api) replaces it.
	for _, l := range cfg.Limiters {
		runnerOpts = append(runnerOpts, inprocess.WithRateLimiter(l))
	}
	r, err := inprocess.New(ctx, connectionName, cfg.Connection, append(runnerOpts, extra...)...)
	if err != nil {
		return fmt.Errorf("starting the coupang plugin: %w", err)
	}
	cat := newCatalog(r.Schema())
	if opts.Help {
		return writeHelp(stdout, cat, opts.Table)
	}
	q, err := planQuery(cat, opts)
	if err != nil {
		return err
	}
	if opts.Output == formatXLSX && isTerminal(stdout) {
		return fmt.Errorf("--output xlsx writes a binary workbook: send it to a file, like > %s.xlsx", q.Plugin.Table)
	}
	buf := bufio.NewWriterSize(stdout, 64<<10)
	w, err := newRowWriter(opts.Output, opts.BOM, buf, q.Output)
	if err != nil {
		return err
	}
	var requests, written atomic.Int64
	ctx = api.WithRequestHook(ctx, func(api.RequestInfo) { requests.Add(1) }) // every attempt, retries included
	stopProgress := startProgress(screen, stdout, requests.Load, written.Load)
	// Notices such as which Korean days a default lookback read go to stderr.
	ctx = coupang.WithNotices(ctx, func(msg string) { fmt.Fprintf(stderr, "steampipe_export_coupang: %s\n", msg) })
	// The export's own time conditions are exact instants: no request for other time zones' hours.
	ctx = coupang.WithExactQuals(ctx)
	err = stream(ctx, r, q, w, &written)
	stopProgress()
	if err == nil {
		err = w.Close()
	} else if x, ok := w.(*xlsxWriter); ok {
		x.Abort()
	}
	if flushErr := buf.Flush(); err == nil && flushErr != nil {
		err = fmt.Errorf("writing output: %w", flushErr)
	}
	return err
}

// query is a validated export: what to ask the plugin for, what to keep, what to write.
type query struct {
	Output []column // written columns, in order
	Where  expr
	Limit  int64
	Plugin inprocess.Query // the table, the output columns and those the conditions read, with planPushdown's quals
}

// planQuery checks the table, columns and conditions against the schema.
func planQuery(cat catalog, opts options) (*query, error) {
	t, err := cat.lookup(opts.Table)
	if err != nil {
		return nil, err
	}
	q := &query{Output: t.Columns, Limit: opts.Limit, Plugin: inprocess.Query{Table: t.Name}}
	if len(opts.Select) > 0 {
		q.Output = nil
		for _, name := range opts.Select {
			c, err := t.lookupColumn(name)
			if err != nil {
				return nil, fmt.Errorf("bad --select: %w", err)
			}
			q.Output = append(q.Output, c)
		}
	}
	if q.Where, err = parseWhere(t, opts.Where, time.Now()); err != nil {
		return nil, err
	}
	for _, c := range slices.Concat(q.Output, q.Where.columns()) {
		if !slices.Contains(q.Plugin.Columns, c.Name) {
			q.Plugin.Columns = append(q.Plugin.Columns, c.Name)
		}
	}
	q.Plugin.Quals, q.Plugin.Limit = planPushdown(t, q.Where, opts.Limit)
	return q, nil
}

// stream runs the query and writes the rows that match, counting them.
func stream(ctx context.Context, r *inprocess.Runner, q *query, w rowWriter, written *atomic.Int64) error {
	if q.Limit == 0 {
		return nil
	}
	err := r.Query(ctx, q.Plugin, func(r row) error {
		if !q.Where.matches(r) {
			return nil
		}
		if err := w.WriteRow(r); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		if n := written.Add(1); q.Limit >= 0 && n >= q.Limit {
			return errLimitReached
		}
		return nil
	})
	switch n := written.Load(); {
	case err == nil || errors.Is(err, errLimitReached):
		return nil
	case n > 0:
		incomplete := "the output is incomplete"
		if _, ok := w.(*xlsxWriter); ok { // the workbook is written only by Close
			incomplete = "no workbook was written"
		}
		return fmt.Errorf("query on %s failed after %d rows (%s): %w", q.Plugin.Table, n, incomplete, err)
	}
	return fmt.Errorf("query on %s failed: %w", q.Plugin.Table, err)
}

// isTerminal reports whether w is a terminal; /dev/null, a character device too, is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// startProgress shows requests, rows and elapsed time on one stderr line until stop, only when stderr
// is a terminal and stdout is not: rows on the terminal show progress themselves, and a progress line
// between them would run into the CSV.
func startProgress(stderr *progressScreen, stdout io.Writer, requests, rows func() int64) (stop func()) {
	if !isTerminal(stderr.w) || isTerminal(stdout) {
		return func() {}
	}
	start, done, tick := time.Now(), make(chan struct{}), time.NewTicker(200*time.Millisecond)
	show := func() { stderr.show(progressLine(requests(), rows(), time.Since(start))) }
	go func() {
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				show()
			}
		}
	}()
	return func() {
		tick.Stop()
		done <- struct{}{} // the goroutine has printed its last line
		show()
		stderr.show("\n")
	}
}

// progressScreen is stderr, shared by the progress line and the messages written to it (notices,
// --verbose logs): a message clears the progress line first, so that it does not run on after the
// counts; the next tick draws the line again below it.
type progressScreen struct {
	mu   sync.Mutex
	w    io.Writer
	line bool // a progress line is shown and not ended
}

func (s *progressScreen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line {
		s.line = false
		if _, err := io.WriteString(s.w, "\r\033[K"); err != nil {
			return 0, err
		}
	}
	return s.w.Write(b)
}

// show draws a progress line, or "\n" ends it.
func (s *progressScreen) show(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.w, line)
	s.line = line != "\n"
}

// progressLine is the progress line; \033[K clears what a longer previous line left behind.
func progressLine(requests, rows int64, elapsed time.Duration) string {
	return fmt.Sprintf("\r%s, %s, %s\033[K", plural(requests, "request"), plural(rows, "row"), elapsed.Round(100*time.Millisecond))
}

// plural writes a count with its noun: 1 request, 2 requests.
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
