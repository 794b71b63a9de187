package coupang_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clearEnv unsets the credential variables for the test.
func clearEnv(t *testing.T) {
	for _, v := range []string{"COUPANG_VENDOR_ID", "COUPANG_ACCESS_KEY", "COUPANG_SECRET_KEY", "COUPANG_BASE_URL"} {
		t.Setenv(v, "")
	}
}

func queryErr(t *testing.T, cfg string) error {
	t.Helper()
	r, err := inprocess.New(context.Background(), "coupang", cfg, append(rowMode(), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err, "the config loads; it is checked when a query runs")
	_, err = runQuery(t.Context(), r, inprocess.Query{Table: inquiryTable, Limit: 1})
	return err
}

func TestConfig(t *testing.T) {
	// Not parallel: it sets the process's COUPANG_* environment (t.Setenv).
	clearEnv(t)
	sb, base := startSandbox(t, sandbox.Options{Days: 3, PerDay: 5})
	full := sb.ConnectionHCL(base)

	t.Run("empty config loads, then names every missing argument at once", func(t *testing.T) {
		err := queryErr(t, "")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "vendor_id, access_key, secret_key are not set: set vendor_id, access_key, secret_key in the coupang connection config, "+
			"or the environment variable(s) COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY, COUPANG_SECRET_KEY")
	})
	for _, c := range []struct{ arg, env, cfg string }{
		{"access_key", "COUPANG_ACCESS_KEY", fmt.Sprintf("vendor_id = %q\nsecret_key = %q\n", sb.VendorID(), sb.SecretKey())},
		{"secret_key", "COUPANG_SECRET_KEY", fmt.Sprintf("vendor_id = %q\naccess_key = %q\n", sb.VendorID(), sb.AccessKey())},
	} {
		t.Run("missing "+c.arg, func(t *testing.T) {
			err := queryErr(t, c.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.arg+" is not set")
			assert.Contains(t, err.Error(), c.env)
			assert.NotContains(t, err.Error(), sb.SecretKey())
		})
	}
	t.Run("two missing", func(t *testing.T) {
		err := queryErr(t, fmt.Sprintf("vendor_id = %q\n", sb.VendorID()))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "access_key, secret_key are not set")
	})
	t.Run("a blank argument falls back to its environment variable", func(t *testing.T) {
		t.Setenv("COUPANG_VENDOR_ID", sb.VendorID())
		require.NoError(t, queryErr(t, fmt.Sprintf("vendor_id = \"  \"\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n", sb.AccessKey(), sb.SecretKey(), base)))
	})
	t.Run("env fallbacks", func(t *testing.T) {
		t.Setenv("COUPANG_VENDOR_ID", sb.VendorID())
		t.Setenv("COUPANG_ACCESS_KEY", sb.AccessKey())
		t.Setenv("COUPANG_SECRET_KEY", sb.SecretKey())
		t.Setenv("COUPANG_BASE_URL", base)
		r, err := inprocess.New(context.Background(), "coupang", "", inprocess.WithRateLimiter(fastLimiter))
		require.NoError(t, err)
		rows, err := runQuery(t.Context(), r, inprocess.Query{Table: inquiryTable, Limit: 2})
		require.NoError(t, err)
		assert.Len(t, rows, 2)
		assert.Equal(t, sb.VendorID(), rows[0]["vendor_id"])
	})
	t.Run("http base_url refused unless loopback", func(t *testing.T) {
		err := queryErr(t, fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = \"http://api-gateway.coupang.com\"\n", sb.VendorID(), sb.AccessKey(), sb.SecretKey()))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "use https")
		require.NoError(t, queryErr(t, full), "http on loopback is allowed")
	})
	for _, n := range []int{0, 366, -1} {
		t.Run(fmt.Sprintf("default_lookback_days %d", n), func(t *testing.T) {
			err := queryErr(t, full+fmt.Sprintf("default_lookback_days = %d\n", n))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "default_lookback_days")
			assert.Contains(t, err.Error(), "between 1 and 365")
		})
	}
	// The SDK's own decoding named an unquoted value in its error ("There is no variable named
	// \"abc...\""), so a key written without quotes ended up in the error and in Steampipe's log,
	// and a wrong type did not say which argument it was.
	const unquoted = "abcdef0123456789-unquoted-key"
	creds := fmt.Sprintf("vendor_id = %q\naccess_key = %q\n", sb.VendorID(), sb.AccessKey())
	for _, c := range []struct{ name, cfg, arg string }{
		{"unquoted secret_key", creds + "secret_key = " + unquoted + "\n", "secret_key"},
		{"interpolated secret_key", creds + "secret_key = \"${" + unquoted + "}\"\n", "secret_key"},
		{"secret_key in a function", creds + "secret_key = upper(\"" + unquoted + "\")\n", "secret_key"},
		{"unquoted access_key", fmt.Sprintf("vendor_id = %q\naccess_key = %s\nsecret_key = %q\n", sb.VendorID(), unquoted, sb.SecretKey()), "access_key"},
		{"secret_key as a list", creds + "secret_key = [\"" + unquoted + "\"]\n", "secret_key"},
		{"unquoted base_url", full + "base_url = " + unquoted + "\n", "base_url"},
		{"default_lookback_days as text", full + "default_lookback_days = \"" + unquoted + "\"\n", "default_lookback_days"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			if c.arg == "base_url" || c.arg == "default_lookback_days" { // full sets base_url: replace it
				cfg = strings.Replace(cfg, fmt.Sprintf("base_url = %q\n", base), "", 1)
			}
			err := queryErr(t, cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "coupang connection config: "+c.arg+" must be ")
			assert.Contains(t, err.Error(), "like "+c.arg+" = ")
			assert.NotContains(t, err.Error(), unquoted)
			assert.NotContains(t, err.Error(), "abcdef")
		})
	}
	t.Run("default_lookback_days with a fraction", func(t *testing.T) {
		err := queryErr(t, full+"default_lookback_days = 7.5\n")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "default_lookback_days is 7.5: it must be a whole number between 1 and 365")
	})
	t.Run("default_lookback_days widens the default window", func(t *testing.T) {
		sb.ResetLog()
		require.NoError(t, queryErr(t, full+"default_lookback_days = 14\n"))
		// limit 1 goes newest first: one request, in the newest of two windows.
		require.Len(t, sb.Log(), 1)
	})
	// A control character would reach a header, which Go refuses: no retry as a network error.
	t.Run("control character in a credential fails the query without a request", func(t *testing.T) {
		for name, cfg := range map[string]string{
			"vendor_id":  strings.Replace(full, "vendor_id = \"", "vendor_id = \"\\u0001", 1),
			"access_key": strings.Replace(full, "access_key = \"", "access_key = \"x\\ty", 1),
			"secret_key": strings.Replace(full, "secret_key = \"", "secret_key = \"Zq7X\\nw9Kp", 1),
		} {
			before := len(sb.Log())
			err := queryErr(t, cfg)
			require.Error(t, err, name)
			assert.Contains(t, err.Error(), "coupang connection config: "+name+" holds a control character", name)
			assert.NotContains(t, err.Error(), "Zq7X", name)
			assert.Len(t, sb.Log(), before, "%s: no request", name)
		}
	})
	// The SDK's error named an unknown argument, which may be a key pasted where a name goes.
	t.Run("unknown argument fails the query without its name", func(t *testing.T) {
		for _, cfg := range []string{full + "Zq7Xw9Kp = \"kr\"\n", full + "Zq7Xw9Kp {}\n", `{"Zq7Xw9Kp": 1}`} {
			err := queryErr(t, cfg)
			require.Error(t, err, cfg)
			assert.Contains(t, err.Error(), "coupang connection config: it sets an argument or block other than vendor_id,", cfg)
			assert.NotContains(t, err.Error(), "Zq7X", cfg)
		}
	})
}
