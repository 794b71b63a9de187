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

func TestCountRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, text string
		want       int
	}{
		{"a.csv", "id,name\n1,\"two\nlines\"\n2,x\n", 2},
		{"b.csv", "id,name\n", 0},
		{"c.json", "[]\n", 0},
		{"d.json", "[\n{\"a\":1},\n{\"a\":2}\n]\n", 2},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		require.NoError(t, os.WriteFile(path, []byte(tt.text), 0o600))
		assert.Equal(t, tt.want, countRows(path), tt.name)
	}
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `t --where "a = 'x'" --limit 3`, shellQuote([]string{"t", "--where", "a = 'x'", "--limit", "3"}))
	assert.Equal(t, "가나…", cut("가나다라", 3))
	assert.Equal(t, "abc", cut("abc", 3))
	assert.Equal(t, "1 request", plural(1, "request"))
	assert.Equal(t, "0 requests", plural(0, "request"))
	ex := demoExports(time.Date(2026, 3, 1, 0, 30, 0, 0, api.KST))
	require.Len(t, ex, 4)
	assert.Contains(t, ex[0].Args, "inquiry_at between '2026-01-31' and '2026-03-01 23:59:59'")
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
	for _, ex := range demoExports(time.Now().In(api.KST)) {
		data, err := os.ReadFile(filepath.Join(outDir, ex.File))
		require.NoError(t, err)
		assert.Greater(t, countRows(filepath.Join(outDir, ex.File)), 0, ex.File)
		assert.False(t, strings.Contains(string(data), "steampipe_export_coupang:"), "no error text in the export")
	}
}
