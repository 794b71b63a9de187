package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
)

// connectionName is the name the in-process connection is loaded under.
const connectionName = "coupang"

// errLimitReached stops a query once the limit's rows are written.
var errLimitReached = errors.New("limit reached")

// run runs the command and returns its exit code: 0, or 1 after an error written to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	return runWith(args, stdout, stderr)
}

// runWith is run with extra options for the in-process plugin (tests lift the rate limiter).
func runWith(args []string, stdout, stderr io.Writer, extra ...inprocess.Option) int {
	ctx, stop := signalContext(context.Background())
	defer stop()
	if err := runContext(ctx, args, stdout, stderr, extra); err != nil {
		fmt.Fprintf(stderr, "steampipe_export_coupang: %v\n", err)
		return 1
	}
	return 0
}

// runContext does the work of run.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer, extra []inprocess.Option) error {
	opts, err := parseArgs(args)
	if err != nil {
		return err
	}
	cfg, err := resolveConfig(opts)
	if err != nil {
		return err
	}
	level := "off"
	if opts.Verbose {
		level = "info"
	}
	var requests atomic.Int64
	runnerOpts := append([]inprocess.Option{
		inprocess.WithLogOutput(stderr, level),
		inprocess.WithRequestHook(func(api.RequestInfo) { requests.Add(1) }),
	}, cfg.limiterOptions()...)
	r, err := inprocess.New(ctx, connectionName, cfg.Connection, append(runnerOpts, extra...)...)
	if err != nil {
		return fmt.Errorf("starting the coupang plugin: %w", err)
	}
	cat := newCatalog(r.Schema())
	if opts.Help {
		return writeHelp(stdout, cat, opts.Table)
	}
	return export(ctx, r, cat, opts, stdout, stderr, requests.Load)
}

// resolveConfig returns the connection config (HCL text: --config, --connection, or empty, when
// the plugin reads COUPANG_* environment variables) and the limiter blocks of the plugin's
// `plugin "coupang"` block in the config directory, which apply whichever way the connection is given.
func resolveConfig(opts options) (steampipeConfig, error) {
	dir := opts.ConfigDir
	if dir == "" {
		dir = defaultConfigDir()
	}
	if opts.HasConfig {
		conn, err := normalizeConfigHCL(opts.Config)
		if err != nil {
			return steampipeConfig{}, err
		}
		limiters, err := pluginLimiters(dir)
		return steampipeConfig{Connection: conn, Limiters: limiters}, err
	}
	return readConfigDir(dir, opts.Connection)
}

// query is a validated export: what to fetch, what to keep, what to write.
type query struct {
	Table  *table
	Output []column // written columns, in order
	Fetch  []string // columns asked of the plugin: the output plus those the conditions read
	Where  expr
	Push   pushdown
	Limit  int64
}

// planQuery checks the table, columns and conditions against the schema.
func planQuery(cat catalog, opts options) (*query, error) {
	t, err := cat.lookup(opts.Table)
	if err != nil {
		return nil, err
	}
	out, err := selectColumns(t, opts.Select)
	if err != nil {
		return nil, err
	}
	where, err := parseWhere(t, opts.Where, time.Now())
	if err != nil {
		return nil, err
	}
	return &query{
		Table:  t,
		Output: out,
		Fetch:  fetchColumns(out, where),
		Where:  where,
		Push:   planPushdown(t, where, opts.Limit),
		Limit:  opts.Limit,
	}, nil
}

// selectColumns returns the --select columns in their order, or every column in table order.
func selectColumns(t *table, names []string) ([]column, error) {
	if len(names) == 0 {
		return t.Columns, nil
	}
	cols := make([]column, 0, len(names))
	for _, name := range names {
		c, err := t.lookupColumn(name)
		if err != nil {
			return nil, fmt.Errorf("bad --select: %w", err)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// fetchColumns lists the output columns and then any other column a condition reads.
func fetchColumns(out []column, where expr) []string {
	names := make([]string, 0, len(out))
	add := func(c column) {
		if !containsString(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	for _, c := range out {
		add(c)
	}
	where.columns(add)
	return names
}

// export runs the query and streams the rows that pass every condition to stdout.
func export(ctx context.Context, r *inprocess.Runner, cat catalog, opts options, stdout, stderr io.Writer, requests func() int64) error {
	q, err := planQuery(cat, opts)
	if err != nil {
		return err
	}
	if opts.Output == formatXLSX && isTerminal(stdout) {
		return fmt.Errorf("--output xlsx writes a binary workbook: send it to a file, like > %s.xlsx", q.Table.Name)
	}
	buf := bufio.NewWriterSize(stdout, 64<<10)
	w, err := newRowWriter(opts.Output, opts.BOM, buf, q.Output)
	if err != nil {
		return err
	}
	prog := startProgress(stderr, stdout, requests)
	// The plugin's notices, such as which Korean days a default lookback read, go to stderr.
	ctx = coupang.WithNotices(ctx, func(msg string) { fmt.Fprintf(stderr, "steampipe_export_coupang: %s\n", msg) })
	// The export's own time conditions are exact instants: no request for other time zones' hours.
	ctx = coupang.WithExactTimes(ctx)
	written, err := stream(ctx, r, q, w, prog)
	prog.stop(written)
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

// stream runs the query, filters each row and writes it; it returns the rows written.
func stream(ctx context.Context, r *inprocess.Runner, q *query, w rowWriter, prog *progress) (int64, error) {
	if q.Limit == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var written int64
	limitHit := false
	iq := inprocess.Query{Table: q.Table.Name, Columns: q.Fetch, Quals: q.Push.Quals, Limit: q.Push.Limit}
	err := r.Query(ctx, iq, func(r row) error {
		if !q.Where.matches(r) {
			return nil
		}
		if err := w.WriteRow(r); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		written++
		prog.add(1)
		if q.Limit >= 0 && written >= q.Limit {
			limitHit = true
			return errLimitReached
		}
		return nil
	})
	if limitHit {
		// Every row asked for is written; the plugin was stopped on purpose.
		return written, nil
	}
	if err == nil && ctx.Err() != nil {
		// An interrupted query must not look complete.
		err = ctx.Err()
	}
	if err != nil && written > 0 {
		return written, fmt.Errorf("query on %s failed after %d rows (the output is incomplete): %w", q.Table.Name, written, err)
	}
	if err != nil {
		return 0, fmt.Errorf("query on %s failed: %w", q.Table.Name, err)
	}
	return written, nil
}
