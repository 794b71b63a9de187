// Package inprocess runs the coupang plugin inside the calling process, through the SDK entry points
// Steampipe calls over gRPC, so the export command, benchmarks and end-to-end tests see exactly what
// Steampipe would. The SDK points package log at the plugin's logger at the start of every query.
package inprocess

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hashicorp/go-hclog"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	sdkgrpc "github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Runner is the plugin serving one connection in this process; it is safe for concurrent queries.
type Runner struct {
	server     *sdkgrpc.PluginServer
	connection string
	schema     map[string]*proto.TableSchema
	calls      atomic.Int64
	cacheTTL   int64 // seconds; 0 with the query cache off
}

// Limiter overrides or adds a rate limiter, like a `limiter` block in Steampipe's config (the tags
// decode one).
type Limiter struct {
	Name           string   `hcl:"name,label"`
	FillRate       float32  `hcl:"fill_rate,optional"`       // tokens per second
	BucketSize     int64    `hcl:"bucket_size,optional"`     // burst
	MaxConcurrency int64    `hcl:"max_concurrency,optional"` // 0 for no limit
	Scope          []string `hcl:"scope,optional"`
	Where          string   `hcl:"where,optional"`
}

// Option configures New.
type Option func(*options)

type options struct {
	logger   hclog.Logger
	limiters []Limiter
	cacheTTL int64 // seconds
	streamed bool
}

// WithLogOutput sends the SDK's and the plugin's log lines at level ("trace" .. "error", "off") and
// above to w. By default they are discarded: the SDK logs every query to stderr, noise for a
// command that reports errors itself.
func WithLogOutput(w io.Writer, level string) Option {
	logger := hclog.New(&hclog.LoggerOptions{Output: w, Level: hclog.LevelFromString(level)})
	return func(o *options) { o.logger = logger }
}

// WithQueryCache turns Steampipe's query cache on for every query of the runner, as Steampipe's
// engines run queries by default, results kept for ttl (in whole seconds, as Steampipe counts it; a
// fraction rounds up, so no ttl above 0 leaves the cache off). The plugin turns it off for its own
// tables (coupang.Plugin); tests use this to run queries as the engines send them.
func WithQueryCache(ttl time.Duration) Option {
	return func(o *options) { o.cacheTTL = int64((ttl + time.Second - 1) / time.Second) }
}

// WithStreamedRows has the plugin stream each row as soon as it is read (coupang.WithStreamedRows),
// for a caller that reads errors from Query, which returns an error that follows rows. Without it
// the plugin holds a scan's rows until it has read them all, as it does in Turbot's standalone FDW
// and SQLite extension.
func WithStreamedRows() Option {
	return func(o *options) { o.streamed = true }
}

// WithRateLimiter overrides (same name) or adds a rate limiter for every query of the runner; an
// override replaces the earlier limiter, as the SDK refuses two definitions of one name.
func WithRateLimiter(l Limiter) Option {
	return func(o *options) {
		if i := slices.IndexFunc(o.limiters, func(x Limiter) bool { return x.Name == l.Name }); i >= 0 {
			o.limiters[i] = l
		} else {
			o.limiters = append(o.limiters, l)
		}
	}
}

// linkedRateLimit, set at link time (-ldflags "-X .../internal/inprocess.linkedRateLimit=2000"),
// retunes the coupang_api limiter (requests per second, burst 1) of every Runner, before any
// WithRateLimiter. It is for exports of 1,000,000 sandbox inquiries (hours at 4/s): the export
// benchmarks of internal/bench and the workbook memory figures of docs/performance.md. Release builds
// never set it, so nothing raises the rate against Coupang above COUPANG_RATE_LIMIT's cap.
var linkedRateLimit string

// linkedLimiters returns the limiter of the link-time rate, if any.
func linkedLimiters(linked string) ([]Limiter, error) {
	if linked == "" {
		return nil, nil
	}
	rate, err := strconv.ParseFloat(linked, 32)
	if err != nil || rate <= 0 {
		return nil, fmt.Errorf("inprocess: linked rate limit %q is not a positive number", linked)
	}
	return []Limiter{{Name: coupang.RateLimiterName, FillRate: float32(rate), BucketSize: 1, Scope: []string{"connection"}}}, nil
}

// New starts the plugin in-process and loads one connection from its HCL config (the body of a
// `connection` block without the plugin line). Credentials are checked when a query runs, as in
// Steampipe.
func New(ctx context.Context, connectionName, configHCL string, opts ...Option) (*Runner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	linked, err := linkedLimiters(linkedRateLimit)
	if err != nil {
		return nil, err
	}
	o := options{logger: hclog.NewNullLogger(), limiters: linked}
	for _, opt := range opts {
		opt(&o)
	}

	var p *plugin.Plugin
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: func(ctx context.Context) *plugin.Plugin {
		if o.streamed {
			ctx = coupang.WithStreamedRows(ctx)
		}
		p = coupang.Plugin(ctx)
		return p
	}})
	// plugin.Server pointed package log at a stderr logger; every query re-points it at p.Logger,
	// so replacing p.Logger before any query makes the choice stick. hclog adds prefix and flags.
	p.Logger = o.logger
	log.SetOutput(o.logger.StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}))
	log.SetPrefix("")
	log.SetFlags(0)

	res, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{
		Configs: []*proto.ConnectionConfig{{Connection: connectionName, Plugin: "local/coupang", PluginShortName: "coupang",
			Config: configHCL, PluginInstance: "coupang"}},
		MaxCacheSizeMb: -1, // the cache options come from SetCacheOptions below, as with current Steampipe
	})
	if err != nil {
		return nil, fmt.Errorf("inprocess: load connection %q: %w", connectionName, err)
	}
	if msg, failed := res.FailedConnections[connectionName]; failed {
		return nil, fmt.Errorf("inprocess: load connection %q: %s", connectionName, msg)
	}
	// The SDK needs a query cache even when caching is off; disabled, every query reaches the API
	// and passes its context to the fetch functions.
	cache := &proto.SetCacheOptionsRequest{Enabled: false, MaxSizeMb: 1} // the SDK allocates the size up front
	if o.cacheTTL > 0 {
		cache = &proto.SetCacheOptionsRequest{Enabled: true, Ttl: o.cacheTTL, MaxSizeMb: 64}
	}
	if _, err := server.SetCacheOptions(cache); err != nil {
		return nil, fmt.Errorf("inprocess: set query cache options: %w", err)
	}
	if len(o.limiters) > 0 {
		var defs []*proto.RateLimiterDefinition
		for _, l := range o.limiters {
			if l.Name == coupang.RateLimiterName {
				// The seller's budget shared across processes follows the override too.
				coupang.RetuneRateLimiter(p, float64(l.FillRate), l.BucketSize)
			}
			defs = append(defs, &proto.RateLimiterDefinition{Name: l.Name, FillRate: l.FillRate, BucketSize: l.BucketSize,
				MaxConcurrency: l.MaxConcurrency, Scope: l.Scope, Where: l.Where})
		}
		if _, err := server.SetRateLimiters(&proto.SetRateLimitersRequest{Definitions: defs}); err != nil {
			return nil, fmt.Errorf("inprocess: set rate limiters: %w", err)
		}
	}
	schema, err := server.GetSchema(&proto.GetSchemaRequest{Connection: connectionName})
	if err != nil {
		return nil, fmt.Errorf("inprocess: get schema: %w", err)
	}
	store, err := queryCacheStore(p)
	if err != nil {
		return nil, err
	}
	r := &Runner{server: server, connection: connectionName, schema: schema.GetSchema().GetSchema(), cacheTTL: o.cacheTTL}
	runtime.AddCleanup(r, func(c io.Closer) { c.Close() }, store)
	return r, nil
}

// queryCacheStore returns the store of p's query cache, which the SDK (v5.14.1) never closes: its
// cleanup goroutine keeps the store's 20 MB, allocated up front whatever the size asked, for the
// life of the process. A process making many runners (the tests make hundreds) closes each store
// once its runner is gone. The SDK offers no way to reach it, so this walks its unexported fields
// (Plugin.queryCache.cache.codec.store.client, a *bigcache.BigCache); an error says they changed.
func queryCacheStore(p *plugin.Plugin) (io.Closer, error) {
	v := reflect.ValueOf(p)
	for _, name := range []string{"queryCache", "cache", "codec", "store", "client"} {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		var f reflect.Value
		if v.Kind() == reflect.Struct {
			f = v.FieldByName(name)
		}
		if !f.IsValid() {
			return nil, fmt.Errorf("inprocess: the plugin SDK's query cache has no field %s where v5.14.1 has one", name)
		}
		v = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem() // readable though unexported
	}
	c, ok := v.Interface().(io.Closer)
	if !ok {
		return nil, fmt.Errorf("inprocess: the plugin SDK's query cache store %s cannot be closed", v.Type())
	}
	return c, nil
}

// Schema returns the tables the connection provides, by name. The map must not be modified.
func (r *Runner) Schema() map[string]*proto.TableSchema { return r.schema }

// Qual is one condition of a query, as Postgres would push it down.
type Qual struct {
	Column   string
	Operator string // "=", "<>", "<", "<=", ">" or ">="; IN is "=" with a list Value
	// Value is an int64 (or int), string, time.Time, bool, float64, or for IN a []any, []int64 or
	// []string of those; a nil element of a []any is a NULL in the list, and a *proto.QualValue is sent as is.
	Value any
}

// Query is one scan of a table.
type Query struct {
	Table   string
	Columns []string // nil means every column of the table
	Quals   []Qual
	// Limit is the row limit pushed down; < 0 means none. As Postgres does, pass one only when every
	// qual is on a key column the table declares for its operator.
	Limit int64
	// SortOrder is the ORDER BY pushed down, as the FDW pushes it: only a leading run of columns the
	// table declares sortable in the asked direction (a LIMIT only with the whole ORDER BY).
	SortOrder []*proto.SortColumn
}

// Query runs q and calls onRow, from one goroutine, for every row in the order the plugin streams
// them. An error from onRow stops the query and is returned; nil means the scan completed.
func (r *Runner) Query(ctx context.Context, q Query, onRow func(map[string]*proto.Column) error) error {
	table, ok := r.schema[q.Table]
	if !ok {
		return fmt.Errorf("inprocess: unknown table %q (have %s)", q.Table, strings.Join(slices.Sorted(maps.Keys(r.schema)), ", "))
	}
	columns := q.Columns
	if len(columns) == 0 {
		for _, c := range table.Columns {
			columns = append(columns, c.Name)
		}
	}
	for _, c := range columns {
		if !hasColumn(table, c) {
			return fmt.Errorf("inprocess: table %s has no column %q", q.Table, c)
		}
	}
	quals, err := protoQuals(table, q.Quals)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tracker := &coupang.FetchTracker{}
	s := &rowStream{ctx: coupang.WithFetchTracker(ctx, tracker), cancel: cancel, onRow: onRow}
	qc := proto.NewQueryContext(columns, quals, max(q.Limit, -1), q.SortOrder)
	req := &proto.ExecuteRequest{
		Table:                 q.Table,
		QueryContext:          qc, // as both engines build it
		CallId:                fmt.Sprintf("%s-%d", sdkgrpc.BuildCallId(), r.calls.Add(1)),
		Connection:            r.connection,
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{r.connection: {Limit: qc.Limit, CacheEnabled: r.cacheTTL > 0, CacheTtl: r.cacheTTL}},
	}
	// The callback's error is returned as is: Execute returns it wrapped, if at all. Execute runs
	// in its own statement, as Go leaves unspecified whether s.err would be read before the call.
	execErr := r.server.Execute(req, s)
	if err := cmp.Or(s.err, execErr); err != nil {
		return err
	}
	// Execute can return nil after a failed fetch (see coupang.FetchTracker).
	if err := tracker.Err(); err != nil {
		return fmt.Errorf("%s: %w", r.connection, err)
	}
	return ctx.Err()
}

// rowStream is the Execute stream that hands rows to the callback (anywhere.LocalPluginStream's Recv
// can report a failed query as complete). The SDK calls only Send and Context (the embedded stream
// stays nil), on the goroutine that called Execute: no lock needed.
type rowStream struct {
	grpc.ServerStream
	ctx    context.Context
	cancel context.CancelFunc
	onRow  func(map[string]*proto.Column) error
	err    error // the first onRow error
}

// Send implements proto.WrapperPlugin_ExecuteServer.
func (s *rowStream) Send(res *proto.ExecuteResponse) error {
	if res == nil || res.Row == nil {
		return nil // end of stream marker; completion is Execute's return
	}
	if s.err == nil {
		if s.err = s.onRow(res.Row.Columns); s.err != nil {
			s.cancel() // stop the scan
		}
	}
	return s.err
}

// Context implements grpc.ServerStream; the SDK derives the query's context from it.
func (s *rowStream) Context() context.Context { return s.ctx }

func hasColumn(t *proto.TableSchema, name string) bool {
	return slices.ContainsFunc(t.Columns, func(c *proto.ColumnDefinition) bool { return c.Name == name })
}

// protoQuals converts quals to the map Steampipe sends, by column, checking each column and operator.
func protoQuals(t *proto.TableSchema, qs []Qual) (map[string]*proto.Quals, error) {
	out := map[string]*proto.Quals{}
	for _, q := range qs {
		if !hasColumn(t, q.Column) {
			return nil, fmt.Errorf("inprocess: qual on unknown column %q", q.Column)
		}
		// NOOP: the OFFSET of `limit N offset M`, as Turbot's SQLite extension sends it.
		if !slices.Contains([]string{"=", "<>", "<", "<=", ">", ">=", "NOOP"}, q.Operator) {
			return nil, fmt.Errorf("inprocess: qual on %s: unsupported operator %q", q.Column, q.Operator)
		}
		v, err := QualValue(q.Value)
		if err != nil {
			return nil, fmt.Errorf("inprocess: qual on %s: %w", q.Column, err)
		}
		if out[q.Column] == nil {
			out[q.Column] = &proto.Quals{}
		}
		out[q.Column].Quals = append(out[q.Column].Quals, &proto.Qual{
			FieldName: q.Column, Operator: &proto.Qual_StringValue{StringValue: q.Operator}, Value: v})
	}
	return out, nil
}

// QualValue converts a Go value to the protobuf value of a qual; see Qual.Value for the types.
func QualValue(v any) (*proto.QualValue, error) {
	switch x := v.(type) {
	case []int64:
		return listValue(x)
	case []string:
		return listValue(x)
	case []any:
		return listValue(x)
	}
	return scalarValue(v)
}

func listValue[T any](values []T) (*proto.QualValue, error) {
	list := &proto.QualValueList{}
	for _, e := range values {
		if any(e) == nil { // a NULL element, which Turbot's FDW passes as a nil value
			list.Values = append(list.Values, nil)
			continue
		}
		v, err := QualValue(e) // a list in a list, as the FDW sends `x in (a, b) or x = c`
		if err != nil {
			return nil, err
		}
		list.Values = append(list.Values, v)
	}
	return &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: list}}, nil
}

// scalarValue converts what the SDK's NewQualValue converts, and a time.Time, which it would write as text.
func scalarValue(v any) (*proto.QualValue, error) {
	switch x := v.(type) {
	case *proto.QualValue: // as is, such as the empty value a NULL list element becomes after gRPC
		return x, nil
	case int, int64, string, bool, float64:
		return proto.NewQualValue(x), nil
	case time.Time:
		return proto.NewQualValue(timestamppb.New(x)), nil
	}
	return nil, fmt.Errorf("unsupported value %v of type %T", v, v)
}
