package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// FuzzConfigKeepsSecret splices a secret key into a connection config at any position and runs the
// text every way the plugin gets it: as --config, as a connection block of a .spc file (--connection),
// and as Steampipe hands it to the plugin (inprocess.New, then a query, which resolve checks). No
// error, output or log line at Steampipe's default level (warn) may hold 4 consecutive characters
// of the key, unless it went into vendor_id or base_url, which errors name. The API answers 401, so
// that a query with usable arguments ends at once.
func FuzzConfigKeepsSecret(f *testing.F) {
	const secret = "Zq7Xw9Kp"
	for _, s := range []string{
		`vendor_id = "A1" access_key = "x" secret_key = "Zq7Xw9Kp"`, `secret_key = "ab\Zq7Xw9Kp"`, `secret_key = "ab%{Zq7Xw9Kp"`,
		"vendor_id  = \"A00012345\"\naccess_key = \"ak\"   # trailing comment\nsecret_key = \"Zq7Xw9Kp\"\ndefault_lookback_days = 14",
		`secret_key = "Zq7Xw9Kp", secret_key = "Zq7Xw9Kp"`, `access_key = "x" secret_key "Zq7Xw9Kp"`, `secret_key = "Zq7Xw9Kp`,
		"secret_key = Zq7Xw9Kp", `secret_key = "${Zq7Xw9Kp}"`, `secret_key = upper("Zq7Xw9Kp")`, `secret_key = ["Zq7Xw9Kp"]`,
		`Zq7Xw9Kp=""`, // the SDK's error named an unknown argument
	} {
		at := strings.Index(s, secret)
		f.Add(s[:at]+s[at+len(secret):], uint16(at))
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"code":"ERROR","message":"Unauthorized"}`, http.StatusUnauthorized)
	}))
	f.Cleanup(server.Close)
	for env, v := range map[string]string{"COUPANG_VENDOR_ID": "A00012345", "COUPANG_ACCESS_KEY": "ak", "COUPANG_SECRET_KEY": "sk", "COUPANG_BASE_URL": server.URL} {
		f.Setenv(env, v)
	}
	f.Fuzz(func(t *testing.T, template string, at uint16) {
		p := int(at) % (len(template) + 1)
		text := template[:p] + secret + template[p:]
		if setsNamed(text, secret) {
			return
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "c.spc"), []byte("connection \"c\" {\nplugin = \"coupang\"\n"+text+"\n}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second) // retries (a vendor_id with a control character)
		defer cancel()
		out := &lockedBuffer{} // the SDK logs from goroutines of its own
		opts := []inprocess.Option{inprocess.WithLogOutput(out, "warn"), inprocess.WithRateLimiter(fastLimiter)}
		var errs []string
		for _, args := range [][]string{{"--config", text}, {"--connection", "c", "--config-dir", dir}} {
			if err := runContext(ctx, append(args, "coupang_callcenter_inquiry", "--limit", "1"), out, out, opts); err != nil {
				errs = append(errs, err.Error())
			}
		}
		r, err := inprocess.New(ctx, "c", text, opts...)
		if err == nil {
			err = r.Query(ctx, inprocess.Query{Table: "coupang_callcenter_inquiry", Limit: 1}, func(map[string]*proto.Column) error { return nil })
		}
		if err != nil {
			errs = append(errs, err.Error())
		}
		msg := out.String() + strings.Join(errs, "\n")
		for i := range len(secret) - 3 {
			if strings.Contains(msg, secret[i:i+4]) {
				t.Fatalf("%q leaks %q of the secret:\n%s", text, secret[i:i+4], msg)
			}
		}
	})
}

// setsNamed reports whether config text (HCL, as --config takes it, or JSON) sets vendor_id or
// base_url to an expression holding s.
func setsNamed(text, s string) bool {
	src := []byte(text)
	if n, err := normalizeConfigHCL(text); err == nil {
		src = []byte(n)
	}
	file, diags := hclsyntax.ParseConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		if file, diags = json.Parse(src, ""); diags.HasErrors() {
			return false
		}
	}
	attrs, _ := file.Body.JustAttributes()
	for _, name := range []string{"vendor_id", "base_url"} {
		if a := attrs[name]; a != nil && strings.Contains(string(a.Expr.Range().SliceBytes(src)), s) {
			return true
		}
	}
	return false
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
