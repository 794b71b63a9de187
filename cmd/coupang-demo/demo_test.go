package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `t --where "a = 'x'" --limit 3`, shellQuote([]string{"t", "--where", "a = 'x'", "--limit", "3"}))
	assert.Equal(t, "가나…", cut("가나다라", 3))
	assert.Equal(t, "abc", cut("abc", 3))
	ex := demoExports(time.Date(2026, 3, 1, 0, 30, 0, 0, api.KST))
	require.Len(t, ex, 4)
	assert.Contains(t, ex[0].Args, "inquiry_at between '2026-01-31' and '2026-03-01 23:59:59'")
	for data, want := range map[string]int{"a,b\n1,\"two\nlines\"\n2,x\n": 2, "a,b\n": 0, "": 0} {
		n, err := countRows([]byte(data), "x.csv")
		require.NoError(t, err)
		assert.Equal(t, want, n, "%q", data)
	}
	for data, want := range map[string]int{"[\n{\"a\":1},\n{\"a\":\"\\n{\"}\n]\n": 2, "[]\n": 0} {
		n, err := countRows([]byte(data), "x.json")
		require.NoError(t, err)
		assert.Equal(t, want, n, "%q", data)
	}
}

// TestDemoEndToEnd builds the export command (without symbol tables and debug information, which
// the test has no use for and which slow the link) and runs the demo with it.
func TestDemoEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the export command")
	}
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-ldflags=-s -w", "-o", filepath.Join(bin, "steampipe_export_coupang"), "../steampipe_export_coupang").CombinedOutput()
	require.NoError(t, err, string(out))
	var w bytes.Buffer
	outDir := filepath.Join(t.TempDir(), "demo")
	require.NoError(t, runDemo(context.Background(), bin, outDir, &w))
	text := w.String()
	for _, want := range []string{"inquiry_id,inquiry_at,vendor_item_id", `{"inquiry_id":`, "requestAnswer", "API request", "GET .../A00012345/callCenterInquiries?"} {
		assert.Contains(t, text, want)
	}
	assert.Regexp(t, `(?m)^   [1-9][0-9]* rows, API requests: [1-9]`, text, "each export shows its row count")
	for _, ex := range demoExports(time.Now().In(api.KST)) {
		data, err := os.ReadFile(filepath.Join(outDir, ex.File))
		require.NoError(t, err)
		assert.Regexp(t, `\A.*\n(\{"inquiry_id":|[0-9])`, string(data), "%s: a header or [, then a row", ex.File)
		assert.False(t, strings.Contains(string(data), "steampipe_export_coupang:"), "no error text in the export")
	}
}
