package main

import (
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// FuzzConfigKeepsSecret splices a secret key into a connection config at any position and runs the
// text the ways the plugin gets it: as --config and as a connection block of a .spc file
// (--connection), through resolveConfig, and as Steampipe hands it to the plugin (the SDK's
// SetAllConnectionConfigs, which parses it; what the export hands over, too). No error or log line
// at Steampipe's default level (warn) may hold 4 consecutive characters of the key, unless it went
// into vendor_id or base_url, which errors name. inprocess.New is not used: each Runner keeps its
// query cache (about 37 MB) for good. resolve's errors are fixed texts (TestConfig).
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
		var msgs []string
		texts := []string{text} // as Steampipe hands it over
		for _, o := range []options{{Config: text, ConfigDir: t.TempDir()}, {Connection: "c", ConfigDir: dir}} {
			if cfg, err := resolveConfig(o); err != nil {
				msgs = append(msgs, err.Error())
			} else {
				texts = append(texts, cfg.Connection)
			}
		}
		// A file, as the SDK's goroutines may still log while it is read.
		out, err := os.Create(filepath.Join(dir, "log"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		defer log.SetOutput(log.Writer())
		for _, config := range texts {
			server := plugin.Server(&plugin.ServeOpts{PluginFunc: coupang.Plugin})
			log.SetOutput(hclog.New(&hclog.LoggerOptions{Output: out, Level: hclog.Warn}).StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}))
			res, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{MaxCacheSizeMb: -1, Configs: []*proto.ConnectionConfig{
				{Connection: "c", Plugin: "local/coupang", PluginShortName: "coupang", Config: config, PluginInstance: "coupang"}}})
			if err != nil {
				msgs = append(msgs, err.Error())
			}
			for _, msg := range res.GetFailedConnections() {
				msgs = append(msgs, msg)
			}
		}
		logged, _ := os.ReadFile(out.Name())
		msg := string(logged) + strings.Join(msgs, "\n")
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
