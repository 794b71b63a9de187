// Package coupang is the Steampipe plugin for a Coupang seller's customer questions: call-center
// inquiries (coupang_callcenter_inquiry, coupang_callcenter_inquiry_reply) and product Q&A
// (coupang_product_inquiry, coupang_product_inquiry_comment), listed through one planner and
// fetcher (package query) that turns SQL quals into the fewest valid API calls.
package coupang

import (
	"context"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/rate_limiter"
)

// RateLimiterName is the plugin's one rate limiter; users retune it with a `limiter "coupang_api"`
// block.
const RateLimiterName = "coupang_api"

// Plugin returns the coupang plugin definition.
func Plugin(ctx context.Context) *plugin.Plugin {
	return &plugin.Plugin{
		Name:             "coupang",
		DefaultTransform: fromGo(),
		ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
			NewInstance: ConfigInstance,
		},
		// No DefaultRetryConfig: the API client already retries 429, 5xx and network errors per
		// request; an SDK retry on top would re-run whole fetches and multiply the attempts.
		RateLimiters: []*rate_limiter.Definition{
			{
				Name: RateLimiterName,
				// 4 requests/second with a bucket of 1: the SDK's token bucket
				// (golang.org/x/time/rate) then spaces requests at least 250ms apart, so any
				// 1-second window holds at most 4 of them. A larger bucket would allow a burst on
				// top of the fill rate (bucket 4 permits 8 requests within one second), which is
				// what gets vendors throttled or blocked.
				FillRate:   4,
				BucketSize: 1,
				Scope:      []string{"connection"},
			},
		},
		TableMap: map[string]*plugin.Table{
			"coupang_callcenter_inquiry":       tableCoupangCallcenterInquiry(ctx),
			"coupang_callcenter_inquiry_reply": tableCoupangCallcenterInquiryReply(ctx),
			"coupang_product_inquiry":          tableCoupangProductInquiry(ctx),
			"coupang_product_inquiry_comment":  tableCoupangProductInquiryComment(ctx),
		},
	}
}
