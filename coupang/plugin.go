// Package coupang is the Steampipe plugin for a Coupang seller's call-center inquiries and product
// Q&A, listed through one planner and fetcher (package query) that turns SQL quals into the fewest
// valid API calls.
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

// RateLimiterName names the Steampipe limiter that every request waits on, when one is configured
// (a `limiter` block, or RetuneRateLimiter): the plugin declares none of its own (see Plugin).
const RateLimiterName = "coupang_api"

// EnvRateLimit names the environment variable that sizes the seller's machine-wide budget (requests
// per second): the one setting that reaches every process, Postgres backends included.
const EnvRateLimit = "COUPANG_RATE_LIMIT"

// DefaultRateLimit is the seller's budget in requests per second, spaced evenly, when neither
// COUPANG_RATE_LIMIT nor a coupang_api definition sizes it.
const DefaultRateLimit = 4

// MaxRateLimit is the largest budget, in requests per second, that COUPANG_RATE_LIMIT or a
// coupang_api limiter may set: Coupang's documented limit; a budget above it gets the seller throttled.
const MaxRateLimit = 10

// pluginState is one plugin instance's state, not package variables, so that instances share nothing.
type pluginState struct {
	fans  fanOuts
	conns connections
	// holdRows makes each scan stream its rows only once it has read them all: Turbot's standalone
	// FDW and SQLite extension run the plugin through the SDK's anywhere.LocalPluginStream, which
	// (v5.14.1) ends the row stream before an error that follows rows, so a failure part-way would
	// be a shorter result without an error. Unset by WithStreamedRows.
	holdRows bool
}

// Plugin returns the coupang plugin definition.
func Plugin(ctx context.Context) *plugin.Plugin {
	streamed, _ := ctx.Value(streamedRowsKey{}).(bool)
	state := &pluginState{holdRows: !streamed}
	p := &plugin.Plugin{
		Name:             "coupang",
		DefaultTransform: columnValue,
		ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
			NewInstance: func() any { return &coupangConfig{} },
		},
		// No DefaultRetryConfig: the API client retries each request; an SDK retry would re-run whole
		// fetches. No RateLimiters: the machine-wide budget (sharedRate) spaces every request. An SDK
		// limiter would book a token for each value of an IN list before the scans start (SDK v5.14.1),
		// and a query that ended early left the connection's limiter booked for the values never read,
		// so its next query waited for them: 83 minutes after a refused 20,001-ID list. It also made
		// every scan wait for a token, even one that reuses rows and sends nothing.
		TableMap: map[string]*plugin.Table{
			tableInquiry:        tableCoupangCallcenterInquiry(state),
			tableReply:          tableCoupangCallcenterInquiryReply(state),
			tableProductInquiry: tableCoupangProductInquiry(state),
			tableProductComment: tableCoupangProductInquiryComment(state),
		},
	}
	for _, t := range p.TableMap {
		// Steampipe's query cache (SDK v5.14.1) hands a reader rows from a buffer it goes on filling:
		// past a result's 1000th row, rows streamed faster than the reader reads them (pages reused
		// from another scan, held rows) came back swapped for later ones, duplicated or missing.
		t.Cache = &plugin.TableCacheOptions{Enabled: false}
	}
	return p
}

// sharedRate is the seller's machine-wide budget: COUPANG_RATE_LIMIT when set, else p's coupang_api
// definition when a program running the plugin in-process gave it one (RetuneRateLimiter; under
// Steampipe there is none: the SDK does not tell a plugin about `limiter` blocks), else
// DefaultRateLimit.
func sharedRate(p *plugin.Plugin) (ratelimit.Rate, error) {
	fill, bucket := float64(DefaultRateLimit), int64(1)
	if d := limiterDefinition(p); d != nil {
		fill, bucket = float64(d.FillRate), d.BucketSize
	}
	if v := strings.TrimSpace(os.Getenv(EnvRateLimit)); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || !(n > 0 && n <= MaxRateLimit) {
			return ratelimit.Rate{}, fmt.Errorf("%s is %q: set it to the seller's requests per second on this machine, above 0 and at most %d (Coupang's limit), such as 4, or 0.5 for one request every 2 seconds; or unset it for the default of %d", EnvRateLimit, v, MaxRateLimit, DefaultRateLimit)
		}
		fill = n
	}
	return ratelimit.FromLimiter(fill, bucket), nil
}

// RetuneRateLimiter gives p a coupang_api definition, or retunes it, with fillRate and bucketSize:
// it sizes the machine-wide budget, and the SDK waits on it before every request once the same
// definition reaches it (SetRateLimiters); call it before the first query.
func RetuneRateLimiter(p *plugin.Plugin, fillRate float64, bucketSize int64) {
	d := limiterDefinition(p)
	if d == nil {
		d = &rate_limiter.Definition{Name: RateLimiterName, Scope: []string{"connection"}}
		p.RateLimiters = append(p.RateLimiters, d)
	}
	d.FillRate, d.BucketSize = rate.Limit(fillRate), bucketSize
}

// limiterDefinition is p's coupang_api definition, nil when it has none.
func limiterDefinition(p *plugin.Plugin) *rate_limiter.Definition {
	if i := slices.IndexFunc(p.RateLimiters, func(d *rate_limiter.Definition) bool { return d.Name == RateLimiterName }); i >= 0 {
		return p.RateLimiters[i]
	}
	return nil
}
