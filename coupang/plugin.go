// Package coupang is the Steampipe plugin for a Coupang seller's customer questions: call-center
// inquiries (coupang_callcenter_inquiry, coupang_callcenter_inquiry_reply) and product Q&A
// (coupang_product_inquiry, coupang_product_inquiry_comment), listed through one planner and
// fetcher (package query) that turns SQL quals into the fewest valid API calls.
package coupang

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/rate_limiter"
	"golang.org/x/time/rate"
)

// RateLimiterName is the plugin's one rate limiter; users retune it with a `limiter "coupang_api"`
// block.
const RateLimiterName = "coupang_api"

// EnvRateLimit names the environment variable that sizes the seller's machine-wide budget
// (requests per second) in place of the coupang_api definition: the one setting that reaches every
// process, Postgres backends included, whatever runs them.
const EnvRateLimit = "COUPANG_RATE_LIMIT"

const (
	defaultFillRate = 4  // coupang_api's requests per second (its bucket holds 1)
	maxRateLimit    = 10 // Coupang's documented limit: a budget above it gets the seller throttled
)

// pluginState is what one plugin instance keeps for its tables, in the instance rather than in
// package variables so that instances (tests start many) share nothing.
type pluginState struct {
	fans  fanOuts
	conns connections
}

// Plugin returns the coupang plugin definition.
func Plugin(ctx context.Context) *plugin.Plugin {
	state := &pluginState{}
	return &plugin.Plugin{
		Name:             "coupang",
		DefaultTransform: columnValue,
		ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
			NewInstance: func() any { return &coupangConfig{} },
		},
		// No DefaultRetryConfig: the API client already retries 429, 5xx and network errors per
		// request; an SDK retry on top would re-run whole fetches and multiply the attempts.
		// The SDK's token bucket spaces requests 250ms apart, which alone lets 5 into a closed
		// 1-second window; the same figures also size the machine-wide budget (sharedRate), which
		// keeps every window to 4.
		RateLimiters: []*rate_limiter.Definition{
			{Name: RateLimiterName, FillRate: defaultFillRate, BucketSize: 1, Scope: []string{"connection"}},
		},
		TableMap: map[string]*plugin.Table{
			tableInquiry:        tableCoupangCallcenterInquiry(state),
			tableReply:          tableCoupangCallcenterInquiryReply(state),
			tableProductInquiry: tableCoupangProductInquiry(state),
			tableProductComment: tableCoupangProductInquiryComment(state),
		},
	}
}

// sharedRate is the seller's machine-wide budget: COUPANG_RATE_LIMIT when set, else p's coupang_api
// definition, mapped onto a sliding window. Under Steampipe the definition is Plugin's, since the
// SDK does not tell a plugin about `limiter` blocks; an in-process runner calls RetuneRateLimiter.
func sharedRate(p *plugin.Plugin) (ratelimit.Rate, error) {
	d := limiterDefinition(p)
	fill := float64(d.FillRate)
	if v := strings.TrimSpace(os.Getenv(EnvRateLimit)); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || !(n > 0 && n <= maxRateLimit) {
			return ratelimit.Rate{}, fmt.Errorf("%s is %q: set it to the seller's requests per second on this machine, above 0 and at most %d (Coupang's limit), such as 4, or 0.5 for one request every 2 seconds; or unset it for the default of %d", EnvRateLimit, v, maxRateLimit, defaultFillRate)
		}
		fill = n
	}
	return ratelimit.FromLimiter(fill, d.BucketSize), nil
}

// RetuneRateLimiter sets the fill rate and bucket size of p's coupang_api definition, for both the
// in-process limiter and the shared per-seller budget. Call it before the first query, as
// internal/inprocess does for a coupang_api limiter option; a `limiter` block under Steampipe only
// reaches the in-process limiter.
func RetuneRateLimiter(p *plugin.Plugin, fillRate float64, bucketSize int64) {
	d := limiterDefinition(p)
	d.FillRate, d.BucketSize = rate.Limit(fillRate), bucketSize
}

// limiterDefinition is p's coupang_api definition (Plugin always declares it).
func limiterDefinition(p *plugin.Plugin) *rate_limiter.Definition {
	return p.RateLimiters[slices.IndexFunc(p.RateLimiters, func(d *rate_limiter.Definition) bool { return d.Name == RateLimiterName })]
}
