package inprocess_test

import (
	"context"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// BenchmarkStreamRows streams every inquiry (or reply) of a 30-day sandbox through the SDK
// in-process: HTTP on loopback, decoding, planning, filtering, the SDK's row building and
// transforms, and the runner's stream. The sandbox has no latency and the limiter is lifted, so
// this is the CPU cost per row of the whole path, sandbox included; see rows/s and allocs/row.
func BenchmarkStreamRows(b *testing.B) {
	srv := sandbox.New(sandbox.Options{Days: 30, PerDay: 100})
	base, stop, err := srv.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	cfg := srv.ConnectionHCL(base)
	r, err := inprocess.New(context.Background(), "bench", cfg, inprocess.WithRateLimiter(inprocess.Limiter{
		Name: coupang.RateLimiterName, FillRate: 1e6, BucketSize: 1e6, Scope: []string{"connection"}}))
	if err != nil {
		b.Fatal(err)
	}
	today := time.Now().In(api.KST)
	from := time.Date(today.Year(), today.Month(), today.Day()-29, 0, 0, 0, 0, api.KST)
	for _, table := range []string{"coupang_callcenter_inquiry", "coupang_callcenter_inquiry_reply"} {
		b.Run(table, func(b *testing.B) {
			q := inprocess.Query{Table: table, Limit: -1, Quals: []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: from}}}
			rows := 0
			b.ReportAllocs()
			for b.Loop() {
				err := r.Query(context.Background(), q, func(map[string]*proto.Column) error { rows++; return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
