package inprocess

import (
	"context"
	"strings"
	"testing"
)

func TestLinkedLimiters(t *testing.T) {
	if ls, err := linkedLimiters(""); err != nil || ls != nil {
		t.Fatalf("unset: got %v, %v; want none", ls, err)
	}
	ls, err := linkedLimiters("250")
	if err != nil || len(ls) != 1 || ls[0].Name != "coupang_api" || ls[0].FillRate != 250 || ls[0].BucketSize != 1 {
		t.Fatalf("250: got %+v, %v", ls, err)
	}
	for _, bad := range []string{"fast", "0", "-1"} {
		if _, err := linkedLimiters(bad); err == nil {
			t.Errorf("linked rate limit %q: no error", bad)
		}
	}
	// New refuses a bad link-time value (this test is not parallel, so it may set the variable).
	linkedRateLimit = "fast"
	_, err = New(context.Background(), "c", "")
	linkedRateLimit = ""
	if err == nil || !strings.Contains(err.Error(), `linked rate limit "fast"`) {
		t.Fatalf("New with linked rate limit \"fast\": got %v, want the linked rate limit's error", err)
	}
	// What New sends when the linked limiter is overridden by an option of the same name.
	if _, err := New(context.Background(), "c", "", WithRateLimiter(ls[0]), WithRateLimiter(Limiter{Name: "coupang_api", FillRate: 3, BucketSize: 1})); err != nil {
		t.Fatalf("linked limiter plus an override of the same name: %v", err)
	}
}

// TestRateLimiterOverride checks that a limiter of a name already set (the linked one, or an
// earlier option) takes its place.
func TestRateLimiterOverride(t *testing.T) {
	t.Parallel()
	o := options{limiters: []Limiter{{Name: "a", FillRate: 1}}}
	for _, opt := range []Option{WithRateLimiter(Limiter{Name: "b", FillRate: 2}), WithRateLimiter(Limiter{Name: "a", FillRate: 3})} {
		opt(&o)
	}
	got := o.limiters
	if len(got) != 2 || got[0].Name != "a" || got[0].FillRate != 3 || got[1].Name != "b" {
		t.Fatalf("got %+v", got)
	}
}
