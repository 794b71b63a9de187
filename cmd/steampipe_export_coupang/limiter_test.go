package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pluginBlock is a Steampipe plugin block with one limiter, as a seller writes it.
const pluginBlock = `
plugin "coupang" {
  source = "local/coupang"
  limiter "coupang_api" {
    fill_rate   = 1
    bucket_size = 1
    scope       = ["connection"]
  }
  limiter "one_at_a_time" {
    max_concurrency = 1
  }
}
`

func TestLimiterBlocksAreRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeSpc(t, dir, "coupang.spc", pluginBlock+`
connection "shop" {
  plugin    = "coupang"
  vendor_id = "A00012345"
}
connection "hub_shop" {
  plugin    = "local/coupang"
  vendor_id = "A00012345"
}
`)
	writeSpc(t, dir, "aws.spc", `plugin "aws" {
  limiter "aws_api" {
    fill_rate   = 9
    bucket_size = 9
  }
}`)
	want := []inprocess.Limiter{
		{Name: "coupang_api", FillRate: 1, BucketSize: 1, Scope: []string{"connection"}},
		{Name: "one_at_a_time", MaxConcurrency: 1},
	}
	for _, name := range []string{"shop", "hub_shop", ""} {
		cfg, err := readConfigDir(dir, name)
		require.NoError(t, err, name)
		assert.Equal(t, want, cfg.Limiters, "connection %q", name)
	}

	// --config takes the limiters from the config directory too.
	got, err := resolveConfig(options{Config: `vendor_id = "A1"`, ConfigDir: dir})
	require.NoError(t, err)
	assert.Equal(t, want, got.Limiters)
	assert.Equal(t, `vendor_id = "A1"`, got.Connection)

	// Another plugin's limiters are not the coupang plugin's.
	other := t.TempDir()
	writeSpc(t, other, "aws.spc", `plugin "aws" {
  limiter "coupang_api" {
    fill_rate   = 1
    bucket_size = 1
  }
}`)
	cfg, err := readConfigDir(other, "")
	require.NoError(t, err)
	assert.Empty(t, cfg.Limiters)
}

func TestLimiterBlockErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ block, want string }{
		{"limiter \"coupang_api\" {\n scope = [\"connection\"]\n }", "must definer either a rate limit or max concurrency"},
		{"limiter \"coupang_api\" {\n fill_rate = \"fast\"\n }", "a number is required"},
		{"limiter \"coupang_api\" {\n fill_rate = 1\n bucket = 1\n }", "bucket"},
		{"limiter \"9lives\" {\n max_concurrency = 1\n }", "invalid rate limiter name"},
		// coupang_api sizes the seller's machine-wide budget: it must stay a rate Coupang accepts
		// (max_concurrency alone made the export send as fast as it could; 100 sent 100 a second).
		{"limiter \"coupang_api\" {\n max_concurrency = 2\n }", "give fill_rate above 0 and at most 10 (Coupang's limit)"},
		{"limiter \"coupang_api\" {\n fill_rate = 100\n bucket_size = 1\n }", "give fill_rate above 0 and at most 10"},
		{"limiter \"coupang_api\" {\n fill_rate = 2\n bucket_size = 0\n max_concurrency = 1\n }", "bucket_size 1 or more"},
		// A negative value stalled the export for good.
		{"limiter \"coupang_api\" {\n fill_rate = -2\n bucket_size = 2\n }", "must not be negative"},
		{"limiter \"one_at_a_time\" {\n max_concurrency = -1\n fill_rate = 1\n bucket_size = 1\n }", "must not be negative"},
	} {
		dir := t.TempDir()
		writeSpc(t, dir, "coupang.spc", "plugin \"coupang\" {\n  "+tt.block+"\n}\n")
		_, err := readConfigDir(dir, "")
		require.Error(t, err, tt.block)
		assert.Contains(t, err.Error(), filepath.Join(dir, "coupang.spc")+":2: limiter block", tt.block)
		assert.Contains(t, err.Error(), tt.want, tt.block)
	}
}

// TestLimiterBlockSlowsTheExport runs an export with fill_rate = 1 from the config directory and
// counts its requests against the tokens such a limiter can grant: one at the start (bucket_size 1)
// and one per second after, so by the last request's arrival (sandbox log) at most
// 1 + seconds-since-start requests can have been sent. The default 4 per second would send about
// four times as many in that time. A busy machine only makes the export slower, so load cannot
// fail this.
func TestLimiterBlockSlowsTheExport(t *testing.T) {
	t.Parallel()
	s, baseURL, _ := startSandboxWith(t, sandbox.Options{Seed: 5, Days: 10, PerDay: 10})
	dir := t.TempDir()
	writeSpc(t, dir, "coupang.spc", pluginBlock+fmt.Sprintf(`
connection "shop" {
  plugin     = "coupang"
  vendor_id  = %q
  access_key = %q
  secret_key = %q
  base_url   = %q
}
`, s.VendorID(), s.AccessKey(), s.SecretKey(), baseURL))
	s.ResetLog()
	start := time.Now()
	code, stdout, stderr := runCmd("coupang_callcenter_inquiry", "--connection", "shop", "--config-dir", dir,
		"--select", "inquiry_id", "--where", "inquiry_at between 2026-01-06 and 2026-01-15 23:59:59")
	require.Equal(t, 0, code, stderr)
	require.NotEmpty(t, stdout)
	log := s.Log()
	require.GreaterOrEqual(t, len(log), 3, "enough requests to see the rate")
	last := log[0].Time
	for _, r := range log {
		if r.Time.After(last) {
			last = r.Time
		}
	}
	granted := 1 + last.Sub(start).Seconds()*1 // bucket_size + fill_rate x elapsed
	assert.LessOrEqual(t, float64(len(log)), granted+0.01,
		"%d requests by %s after the start: more than a 1-per-second limiter grants", len(log), last.Sub(start))
}
