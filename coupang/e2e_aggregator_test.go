package coupang_test

import (
	"context"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/require"
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

	options, err := inprocess.QualValue(sb.VendorItemIDs()[:4])
	require.NoError(t, err)
	for i := range 8 {
		quals := map[string]*proto.Quals{"vendor_item_id": {Quals: []*proto.Qual{{FieldName: "vendor_item_id",
			Operator: &proto.Qual_StringValue{StringValue: "="}, Value: options}}}}
		qc := proto.NewQueryContext([]string{"inquiry_id", "vendor_item_id"}, quals, -1, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // only against a hang
		s := &aggStream{ctx: ctx}
		err := server.Execute(&proto.ExecuteRequest{Table: inquiryTable, QueryContext: qc, CallId: t.Name(), Connection: "all",
			ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{"c1": {Limit: qc.Limit}, "c2": {Limit: qc.Limit}}}, s)
		hung := ctx.Err()
		cancel()
		require.NoError(t, err)
		require.NoError(t, hung, "query %d hung until its deadline (%d rows)", i, s.rows)
		require.Positive(t, s.rows)
	}
}
