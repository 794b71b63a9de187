package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// engine runs the plugin's queries; the in-process runner implements it.
type engine interface {
	// Schema returns every table's schema by name.
	Schema() map[string]*proto.TableSchema
	// Query streams a table's rows to onRow; the columns are those the caller reads. A limit < 0 means none.
	Query(ctx context.Context, table string, columns []string, quals []pushedQual, limit int64, onRow func(row) error) error
	// Requests counts the HTTP requests made to Coupang so far.
	Requests() int64
	// Close releases the plugin.
	Close()
}

// startEngine starts the plugin with a connection config; tests replace it.
var startEngine = startInProcess

// errLimitReached stops a query once the limit's rows are written.
var errLimitReached = errors.New("limit reached")

// run runs the command and returns its exit code: 0, or 1 after an error written to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signalContext(context.Background())
	defer stop()
	if err := runContext(ctx, args, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "steampipe_export_coupang: %v\n", err)
		return 1
	}
	return 0
}

// runContext does the work of run.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, err := parseArgs(args)
	if err != nil {
		return err
	}
	config, err := resolveConfig(opts)
	if err != nil {
		return err
	}
	level := "off"
	if opts.Verbose {
		level = "info"
	}
	eng, err := startEngine(ctx, config, stderr, level)
	if err != nil {
		return fmt.Errorf("starting the coupang plugin: %w", err)
	}
	defer eng.Close()
	cat := newCatalog(eng.Schema())
	if opts.Help {
		return writeHelp(stdout, cat)
	}
	return export(ctx, eng, cat, opts, stdout, stderr)
}

// resolveConfig returns the connection config as HCL text: --config, --connection, or empty
// (the plugin then reads COUPANG_* environment variables).
func resolveConfig(opts options) (string, error) {
	if opts.HasConfig {
		return normalizeConfigHCL(opts.Config)
	}
	if opts.Connection == "" {
		return "", nil
	}
	dir := opts.ConfigDir
	if dir == "" {
		dir = defaultConfigDir()
	}
	return connectionConfig(dir, opts.Connection)
}

// query is a validated export: what to fetch, what to keep, what to write.
type query struct {
	Table  *table
	Output []column // written columns, in order
	Fetch  []string // columns asked of the plugin: the output plus those the conditions read
	Conds  []condition
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
	conds, err := parseConditions(t, opts.Where)
	if err != nil {
		return nil, err
	}
	return &query{
		Table:  t,
		Output: out,
		Fetch:  fetchColumns(out, conds),
		Conds:  conds,
		Push:   planPushdown(t, conds, opts.Limit),
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
func fetchColumns(out []column, conds []condition) []string {
	names := make([]string, 0, len(out)+len(conds))
	for _, c := range out {
		if !containsString(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	for _, c := range conds {
		if !containsString(names, c.Column.Name) {
			names = append(names, c.Column.Name)
		}
	}
	return names
}

// export runs the query and streams the rows that pass every condition to stdout.
func export(ctx context.Context, eng engine, cat catalog, opts options, stdout, stderr io.Writer) error {
	q, err := planQuery(cat, opts)
	if err != nil {
		return err
	}
	buf := bufio.NewWriterSize(stdout, 64<<10)
	w, err := newRowWriter(opts.Output, buf, q.Output)
	if err != nil {
		return err
	}
	prog := startProgress(stderr, eng.Requests)
	// The plugin's notices, such as which Korean days a default lookback read, go to stderr.
	ctx = coupang.WithNotices(ctx, func(msg string) { fmt.Fprintf(stderr, "steampipe_export_coupang: %s\n", msg) })
	// The export's own time conditions are exact instants: no request for other time zones' hours.
	ctx = coupang.WithExactTimes(ctx)
	written, err := stream(ctx, eng, q, w, prog)
	prog.stop(written)
	if err == nil {
		err = w.Close()
	}
	if flushErr := buf.Flush(); err == nil && flushErr != nil {
		err = fmt.Errorf("writing output: %w", flushErr)
	}
	return err
}

// stream runs the query, filters each row and writes it; it returns the rows written.
func stream(ctx context.Context, eng engine, q *query, w rowWriter, prog *progress) (int64, error) {
	if q.Limit == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var written int64
	limitHit := false
	err := eng.Query(ctx, q.Table.Name, q.Fetch, q.Push.Quals, q.Push.Limit, func(r row) error {
		if !matchesAll(q.Conds, r) {
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
	if err != nil {
		return written, fmt.Errorf("query on %s failed after %d rows: %w", q.Table.Name, written, err)
	}
	return written, nil
}
