package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeSpc(t *testing.T, dir, name, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
}

func TestConnectionConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeSpc(t, dir, "coupang.spc", `
connection "coupang" {
  plugin     = "coupang"
  import_schema = "enabled"
  vendor_id  = "A00012345"
  access_key = "ak"   # trailing comment
  secret_key = "sk"
  default_lookback_days = 14
  options "connection" {
    cache = false
  }
}

connection "coupang_b" {
  plugin    = "local/coupang"
  vendor_id = "A00099999"
}

connection "coupang_all" {
  plugin      = "coupang"
  type        = "aggregator"
  connections = ["coupang*"]
}
`)
	writeSpc(t, dir, "aws.spc", `
connection "aws" {
  plugin = "aws"
  regions = ["*"]
}
connection "hub" {
  plugin    = "hub.steampipe.io/plugins/seller-sql/coupang@latest"
  vendor_id = "A00077777"
}
`)
	writeSpc(t, dir, "notes.txt", `not hcl {`)

	tests := []struct {
		name string
		want string
		err  string
	}{
		{"coupang", "vendor_id  = \"A00012345\"\naccess_key = \"ak\"\nsecret_key = \"sk\"\ndefault_lookback_days = 14", ""},
		{"coupang_b", `vendor_id = "A00099999"`, ""},
		{"hub", `vendor_id = "A00077777"`, ""},
		{"coupang_all", "", "is an aggregator"},
		{"aws", "", `uses plugin "aws", not coupang`},
		{"missing", "", `connection "missing" not found in ` + dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dirConnection(dir, tt.name)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, err = normalizeConfigHCL(got)
			assert.NoError(t, err)
		})
	}
}

func TestConnectionConfigErrors(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	_, err := dirConnection(empty, "coupang")
	assert.ErrorContains(t, err, "no .spc files in")

	bad := t.TempDir()
	writeSpc(t, bad, "bad.spc", `connection "coupang" {`)
	_, err = dirConnection(bad, "coupang")
	assert.ErrorContains(t, err, "parsing "+filepath.Join(bad, "bad.spc"))
	writeSpc(t, bad, "bad.spc", `connection "coupang" { secret_key = "ab\Qcd" }`)
	_, err = dirConnection(bad, "coupang")
	require.ErrorContains(t, err, "Invalid escape sequence")
	assert.NotContains(t, err.Error(), "Q", "HCL's detail quotes part of the key")

	twice := t.TempDir()
	writeSpc(t, twice, "a.spc", `connection "c" { plugin = "coupang" }`)
	writeSpc(t, twice, "b.spc", `connection "c" { plugin = "coupang" }`)
	_, err = dirConnection(twice, "c")
	assert.ErrorContains(t, err, `connection "c" is defined more than once`)

	noPlugin := t.TempDir()
	writeSpc(t, noPlugin, "a.spc", `connection "c" { vendor_id = "x" }`)
	_, err = dirConnection(noPlugin, "c")
	assert.ErrorContains(t, err, "has no plugin attribute")
}

// TestConfigDirWithPatternCharacters: a config directory is a directory, not a pattern: its .spc
// files are read when its name holds *, ? or [ (a folder like "shop [A]"), as Steampipe reads them.
func TestConfigDirWithPatternCharacters(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"shop [A]", "shop*", "shop?"} {
		dir := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.Mkdir(dir, 0o700))
		writeSpc(t, dir, "coupang.spc", `
plugin "coupang" {
  limiter "coupang_api" {
    fill_rate   = 1
    bucket_size = 1
  }
}
connection "shop" {
  plugin    = "local/coupang"
  vendor_id = "A00012345"
}
`)
		cfg, err := readConfigDir(dir, "shop")
		require.NoError(t, err, name)
		assert.Equal(t, `vendor_id = "A00012345"`, cfg.Connection, name)
		cfg, err = readConfigDir(dir, "")
		require.NoError(t, err, name)
		assert.Len(t, cfg.Limiters, 1, "%s: the limiter block applies", name)
	}
}

// dirConnection is the connection config readConfigDir finds.
func dirConnection(dir, name string) (string, error) {
	cfg, err := readConfigDir(dir, name)
	return cfg.Connection, err
}

func TestNormalizeConfigHCL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{`vendor_id = "A1"`, `vendor_id = "A1"`},
		{`vendor_id = "A1" access_key = "x"`, "vendor_id = \"A1\" \naccess_key = \"x\""},
		{`vendor_id = "A1", access_key = "x",secret_key="y"`, "vendor_id = \"A1\"\n access_key = \"x\"\nsecret_key=\"y\""},
		{"vendor_id = \"A1\"\naccess_key = \"a = b\"", "vendor_id = \"A1\"\naccess_key = \"a = b\""},
		{`default_lookback_days = 3 base_url = "http://127.0.0.1:1"`, "default_lookback_days = 3 \nbase_url = \"http://127.0.0.1:1\""},
		{`tags = { a = 1, b = 2 } x = [1, 2]`, "tags = { a = 1, b = 2 } \nx = [1, 2]"},
		{`x = "${a} b = c"`, `x = "${a} b = c"`},
	}
	for _, tt := range tests {
		got, err := normalizeConfigHCL(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{`vendor_id = "A1`, `vendor_id`, `= 3`, `vendor_id = "A1" = 2`} {
		_, err := normalizeConfigHCL(bad)
		assert.ErrorContains(t, err, "bad --config", bad)
	}
	// HCL's details quote what they concern, which may be part of the secret key.
	for _, bad := range []string{`secret_key = "ab\Qcd"`, `secret_key = "ab%{Qcd"`} {
		_, err := normalizeConfigHCL(bad)
		require.ErrorContains(t, err, "bad --config at character", bad)
		assert.NotContains(t, err.Error(), "Q", bad)
	}
}

// TestConfigRepeatedAttribute: an attribute given twice is reported at the second one, however
// the two are separated, and the parse ends (a line break is only added where it gets HCL further).
func TestConfigRepeatedAttribute(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		char int // 1-based, in what was typed
	}{
		{`secret_key = "s3cr3t" secret_key = "s3cr3t"`, 23},
		{"secret_key = \"s3cr3t\"\nsecret_key = \"s3cr3t\"", 23},
		{`secret_key = "s3cr3t", secret_key = "s3cr3t"`, 24},
	} {
		// A hang here (a newline added where it gets HCL no further) ends in go test's -timeout.
		_, err := normalizeConfigHCL(tt.in)
		require.Error(t, err, tt.in)
		assert.Contains(t, err.Error(), fmt.Sprintf("bad --config at character %d: Attribute redefined", tt.char), tt.in)
		assert.NotContains(t, err.Error(), "s3cr3t")
		assert.NotContains(t, err.Error(), "--config:", "no line:column of the rewritten text")
	}
}

func TestDefaultConfigDir(t *testing.T) {
	// Not parallel: it sets the process's HOME and STEAMPIPE_INSTALL_DIR (t.Setenv).
	t.Setenv("STEAMPIPE_INSTALL_DIR", "/opt/sp")
	assert.Equal(t, "/opt/sp/config", defaultConfigDir())
	t.Setenv("STEAMPIPE_INSTALL_DIR", "")
	t.Setenv("HOME", "/home/seller")
	assert.Equal(t, "/home/seller/.steampipe/config", defaultConfigDir())
}

// TestConfigErrorPointsIntoTheFlag: an HCL error in a one-line --config names the character of
// what was typed (not a line of the text rewritten one attribute per line), and never the values.
func TestConfigErrorPointsIntoTheFlag(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		char int // 1-based, in what was typed
	}{
		{`vendor_id = "A1" access_key = "x" secret_key "s3cr3t"`, 35},  // secret_key: its = is missing
		{`vendor_id = "A1", access_key = = "x"`, 32},                   // the second =
		{`vendor_id = "A1" access_key = "x" secret_key = "s3cr3t`, 55}, // the end: the quote is not closed
	} {
		_, err := normalizeConfigHCL(tt.in)
		require.Error(t, err, tt.in)
		assert.Contains(t, err.Error(), fmt.Sprintf("bad --config at character %d:", tt.char), tt.in)
		assert.NotContains(t, err.Error(), "s3cr3t")
		assert.NotContains(t, err.Error(), "--config:", "no line:column of the rewritten text")
	}
}

// TestConnectionPluginReference: Steampipe takes a connection's plugin as a string or as a
// reference to a plugin block (plugin = plugin.NAME), whose source names the plugin and whose
// limiters then apply.
func TestConnectionPluginReference(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeSpc(t, dir, "coupang.spc", `
plugin "shop" {
  source = "local/coupang"
  limiter "coupang_api" {
    fill_rate   = 1
    bucket_size = 1
  }
}
plugin "coupang" {
  limiter "another_instance" {
    max_concurrency = 1
  }
}
plugin "cloud" {
  source = "aws"
}
connection "a" {
  plugin    = plugin.shop
  vendor_id = "A00012345"
}
connection "b" {
  plugin    = plugin.coupang
  vendor_id = "A00099999"
}
connection "c" {
  plugin = plugin.cloud
}
connection "d" {
  plugin = plugin.missing
}
connection "e" {
  plugin = var.plugin
}
`)
	cfg, err := readConfigDir(dir, "a")
	require.NoError(t, err)
	assert.Equal(t, `vendor_id = "A00012345"`, cfg.Connection)
	assert.Equal(t, []inprocess.Limiter{{Name: "coupang_api", FillRate: 1, BucketSize: 1}}, cfg.Limiters,
		"the limiters of the plugin block it names, not another instance's")

	cfg, err = readConfigDir(dir, "b")
	require.NoError(t, err)
	assert.Equal(t, `vendor_id = "A00099999"`, cfg.Connection)
	assert.Equal(t, []inprocess.Limiter{{Name: "another_instance", MaxConcurrency: 1}}, cfg.Limiters)

	_, err = dirConnection(dir, "c")
	assert.ErrorContains(t, err, `uses plugin "aws" (plugin block "cloud"), not coupang`)
	_, err = dirConnection(dir, "d")
	assert.ErrorContains(t, err, `plugin = plugin.missing, but no .spc file in `+dir+` has a plugin "missing" block`)
	_, err = dirConnection(dir, "e")
	assert.ErrorContains(t, err, `plugin is neither a quoted plugin name ("local/coupang") nor a reference to a plugin block (plugin.NAME)`)
}
