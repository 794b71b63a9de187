package coupang_test

import (
	"cmp"
	"context"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/require"
	sdkgrpc "github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"google.golang.org/grpc"
)

// aggStream is the Execute stream of an aggregator query: it counts rows.
type aggStream struct {
	grpc.ServerStream
	ctx  context.Context
	rows int
}

func (s *aggStream) Send(res *proto.ExecuteResponse) error {
	if res != nil && res.Row != nil {
		s.rows++
	}
	return nil
}

func (s *aggStream) Context() context.Context { return s.ctx }

// TestAggregatorOptionListCompletes: through an aggregator, every child connection's scan gets the
// same QueryContext, so the SDK's per-value copies of an IN list of both connections hold the very
// same list and element pointers. Each connection's copy of the first element leads a whole-list
// read for its connection; the copies of one connection must not be counted, or pass their tokens,
// in the fan-out of the other, or a leader waits for tokens that never come.
func TestAggregatorOptionListCompletes(t *testing.T) {
	t.Parallel()
	server, sb := startAggregator(t)
	options, err := inprocess.QualValue(sb.VendorItemIDs()[:4])
	require.NoError(t, err)
	for i := range 8 {
		quals := map[string]*proto.Quals{"vendor_item_id": {Quals: []*proto.Qual{{FieldName: "vendor_item_id",
			Operator: &proto.Qual_StringValue{StringValue: "="}, Value: options}}}}
		qc := proto.NewQueryContext([]string{"inquiry_id", "vendor_item_id"}, quals, -1, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // only against a hang
		rows, err := executeOn(ctx, t, server, qc, "all", "c1", "c2")
		hung := ctx.Err()
		cancel()
		require.NoError(t, err)
		require.NoError(t, hung, "query %d hung until its deadline (%d rows)", i, rows)
		require.Positive(t, rows)
	}
}

// executeOn runs qc on the inquiry table as the SDK's Execute runs it for connection over its
// children: an aggregator's, or one connection's with itself as its only child.
func executeOn(ctx context.Context, t *testing.T, server *sdkgrpc.PluginServer, qc *proto.QueryContext, connection string, children ...string) (rows int, err error) {
	data := map[string]*proto.ExecuteConnectionData{}
	for _, c := range children {
		data[c] = &proto.ExecuteConnectionData{Limit: qc.Limit}
	}
	s := &aggStream{ctx: ctx}
	err = server.Execute(&proto.ExecuteRequest{Table: inquiryTable, QueryContext: qc, CallId: t.Name() + connection,
		Connection: connection, ExecuteConnectionData: data}, s)
	return s.rows, err
}

// startAggregator serves the plugin in-process with connections c1 and c2 of one sandbox and an
// aggregator "all" over them, as the Steampipe CLI configures them.
func startAggregator(t *testing.T) (*sdkgrpc.PluginServer, *sandbox.Server) {
	t.Helper()
	sb, base := startSandbox(t, smallData)
	var p *plugin.Plugin
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: func(ctx context.Context) *plugin.Plugin {
		if len(rowMode()) > 0 {
			ctx = coupang.WithStreamedRows(ctx)
		}
		p = coupang.Plugin(ctx)
		return p
	}})
	cfg := sb.ConnectionHCL(base)
	res, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{
		Configs: []*proto.ConnectionConfig{
			{Connection: "c1", Plugin: "local/coupang", PluginShortName: "coupang", Config: cfg, PluginInstance: "coupang"},
			{Connection: "c2", Plugin: "local/coupang", PluginShortName: "coupang", Config: cfg, PluginInstance: "coupang"},
			{Connection: "all", Plugin: "local/coupang", PluginShortName: "coupang", Type: "aggregator",
				ChildConnections: []string{"c1", "c2"}, PluginInstance: "coupang"},
		},
		MaxCacheSizeMb: -1,
	})
	require.NoError(t, err)
	require.Empty(t, res.FailedConnections)
	_, err = server.SetCacheOptions(&proto.SetCacheOptionsRequest{Enabled: false, MaxSizeMb: 1})
	require.NoError(t, err)
	coupang.RetuneRateLimiter(p, float64(fastLimiter.FillRate), fastLimiter.BucketSize)
	_, err = server.SetRateLimiters(&proto.SetRateLimitersRequest{Definitions: []*proto.RateLimiterDefinition{{
		Name: fastLimiter.Name, FillRate: fastLimiter.FillRate, BucketSize: fastLimiter.BucketSize, Scope: fastLimiter.Scope}}})
	require.NoError(t, err)
	return server, sb
}

// TestAggregatorRefusesPushedSort: through an aggregator the CLI pushes ORDER BY inquiry_at DESC to
// every child connection's scan, and the SDK streams the connections' rows without merging them, so
// Postgres would read two sorted lists as one. Such a scan fails before any request, naming the
// rewrite; the same sorted query on one connection returns its rows.
func TestAggregatorRefusesPushedSort(t *testing.T) {
	t.Parallel()
	server, _ := startAggregator(t)
	execute := func(connection string, children ...string) (rows int, err error) {
		var tracker coupang.FetchTracker
		qc := proto.NewQueryContext([]string{"inquiry_id", "inquiry_at"}, nil, 5, nil)
		qc.SortOrder = newestFirst()
		rows, err = executeOn(coupang.WithFetchTracker(t.Context(), &tracker), t, server, qc, connection, children...)
		return rows, cmp.Or(tracker.Err(), err) // the SDK may lose a list error (FetchTracker)
	}
	rows, err := execute("all", "c1", "c2")
	require.ErrorContains(t, err, "ORDER BY inquiry_at through an aggregator connection cannot be answered exactly")
	require.ErrorContains(t, err, "offset 0")
	require.Zero(t, rows)
	rows, err = execute("c1", "c1")
	require.NoError(t, err)
	require.Equal(t, 5, rows)
}
