package inprocess

import (
	"fmt"
	"strconv"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
)

// linkedRateLimit, when set at link time, retunes the plugin's coupang_api limiter (requests per
// second, burst 1, scope connection), and with it the seller's shared budget unless
// COUPANG_RATE_LIMIT is set, in every Runner of the binary, before any WithRateLimiter option:
//
//	go build -ldflags "-X github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess.linkedRateLimit=2000" ./cmd/steampipe_export_coupang
//
// It exists for cmd/coupang-bench, which measures the export command's memory on 1,000,000
// sandbox inquiries (33,334 requests: hours at the default 4 requests/second). Release builds never
// set it, so nothing raises the limit against Coupang above COUPANG_RATE_LIMIT's cap of 10 per second.
var linkedRateLimit string

// linkedLimiters returns the limiter override of the link-time value rate (linkedRateLimit), if any.
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
