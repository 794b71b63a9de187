package coupang

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/context_key"
)

// Environment variables read when the connection config leaves an argument unset.
const (
	envVendorID  = "COUPANG_VENDOR_ID"
	envAccessKey = "COUPANG_ACCESS_KEY"
	envSecretKey = "COUPANG_SECRET_KEY"
	envBaseURL   = "COUPANG_BASE_URL"
)

// Defaults and bounds of the optional arguments.
const (
	defaultLookbackDays = 7
	maxLookbackDays     = 365
)

// coupangConfig is the connection config (config/coupang.spc). Every field is a pointer so that an
// unset argument can be told from an empty one, and an empty config loads: credentials are checked
// when a query runs.
type coupangConfig struct {
	VendorID            *string `hcl:"vendor_id"`
	AccessKey           *string `hcl:"access_key"`
	SecretKey           *string `hcl:"secret_key"`
	BaseURL             *string `hcl:"base_url"`
	DefaultLookbackDays *int    `hcl:"default_lookback_days"`
}

// ConfigInstance returns an empty connection config for the SDK to decode into.
func ConfigInstance() interface{} {
	return &coupangConfig{}
}

// GetConfig returns the connection's decoded config; a connection without config gives the zero
// config.
func GetConfig(connection *plugin.Connection) coupangConfig {
	if connection == nil || connection.Config == nil {
		return coupangConfig{}
	}
	config, _ := connection.Config.(coupangConfig)
	return config
}

// resolvedConfig is the connection config with env fallbacks and defaults applied and validated.
type resolvedConfig struct {
	VendorID     string
	AccessKey    string
	SecretKey    string
	BaseURL      string
	LookbackDays int
}

// resolve applies the env fallbacks and defaults and validates the result. Errors name both the
// argument and its environment variable, because either may be how the user configures it; they
// never contain the secret.
func (c coupangConfig) resolve() (resolvedConfig, error) {
	r := resolvedConfig{
		VendorID:     setting(c.VendorID, envVendorID),
		AccessKey:    setting(c.AccessKey, envAccessKey),
		SecretKey:    setting(c.SecretKey, envSecretKey),
		BaseURL:      setting(c.BaseURL, envBaseURL),
		LookbackDays: defaultLookbackDays,
	}
	// Every missing credential is named at once, so one fix makes the next run work.
	var missing, envs []string
	for _, f := range []struct{ arg, env, value string }{
		{"vendor_id", envVendorID, r.VendorID},
		{"access_key", envAccessKey, r.AccessKey},
		{"secret_key", envSecretKey, r.SecretKey},
	} {
		if f.value == "" {
			missing, envs = append(missing, f.arg), append(envs, f.env)
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		return r, fmt.Errorf("%s %s not set: set %s in the coupang connection config, or the environment variable(s) %s",
			strings.Join(missing, ", "), verb, strings.Join(missing, ", "), strings.Join(envs, ", "))
	}
	if r.BaseURL == "" {
		r.BaseURL = api.DefaultBaseURL
	}
	if err := api.ValidateBaseURL(r.BaseURL); err != nil {
		return r, fmt.Errorf("coupang connection config: %w", err)
	}
	if c.DefaultLookbackDays != nil {
		n := *c.DefaultLookbackDays
		if n < 1 || n > maxLookbackDays {
			return r, fmt.Errorf("coupang connection config: default_lookback_days is %d: it must be between 1 and %d (days, today included)", n, maxLookbackDays)
		}
		r.LookbackDays = n
	}
	return r, nil
}

// setting returns the config value when set and non-blank, else the environment variable.
func setting(v *string, env string) string {
	if v != nil && strings.TrimSpace(*v) != "" {
		return strings.TrimSpace(*v)
	}
	return strings.TrimSpace(os.Getenv(env))
}

// connection is what a query needs from its connection: the validated config, the shared client
// and the seller's request budget shared with every process on the machine. It is built once per
// connection and kept in the SDK's connection cache, which the SDK clears when the connection's
// config changes.
type connection struct {
	config resolvedConfig
	client *api.Client
	budget *ratelimit.Budget
}

const connectionCacheKey = "coupang_connection"

// clientTuningKey is the context key of a func(*api.Config) that adjusts the client config before
// the connection's client is built, e.g. to shrink retry backoffs. Only tests set it (through
// export_test.go), on the context of the query that builds the client.
type clientTuningKey struct{}

// getConnection returns the connection's cached client and config, building them on first use.
// A config error is returned every time (never cached) so that a fixed env variable takes effect
// without restarting.
func getConnection(ctx context.Context, d *plugin.QueryData) (*connection, error) {
	if d.ConnectionCache != nil {
		if v, ok := d.ConnectionCache.Get(ctx, connectionCacheKey); ok {
			if c, ok := v.(*connection); ok {
				return c, nil
			}
		}
	}
	cfg, err := GetConfig(d.Connection).resolve()
	if err != nil {
		return nil, err
	}
	apiCfg := api.Config{
		BaseURL:   cfg.BaseURL,
		VendorID:  cfg.VendorID,
		AccessKey: cfg.AccessKey,
		SecretKey: cfg.SecretKey,
	}
	// Retries and failed attempts go to the plugin's log (Steampipe's plugin log file); the client
	// never logs a header, key or signature.
	if l, ok := ctx.Value(context_key.Logger).(hclog.Logger); ok {
		apiCfg.Logger = l.Named("coupang_api")
	}
	if tune, ok := ctx.Value(clientTuningKey{}).(func(*api.Config)); ok {
		tune(&apiCfg)
	}
	client, err := api.New(apiCfg)
	if err != nil {
		return nil, fmt.Errorf("coupang connection config: %w", err)
	}
	// The budget is keyed by the seller's keys and the API address, so that connections (and
	// processes) using the same keys share it. An unusable budget fails the query: a per-process
	// fallback would let several processes exceed the seller's rate together.
	budget, err := ratelimit.Open("", cfg.VendorID, cfg.AccessKey, strings.TrimSuffix(cfg.BaseURL, "/"))
	if err != nil {
		return nil, err
	}
	c := &connection{config: cfg, client: client, budget: budget}
	if d.ConnectionCache != nil {
		// A failed Set only means the next query builds its own client: not worth failing for.
		_ = d.ConnectionCache.Set(ctx, connectionCacheKey, c)
	}
	return c, nil
}

// queryClient returns the connection's client bound to this query's rate limits: every HTTP
// request, retries included, first waits on the plugin's limiters (coupang_api) that apply to the
// fetch, then on the seller's budget shared by every process on the machine. Every call to Coupang
// goes through it. WaitForListRateLimit waits on the fetch limiters the SDK resolved for this
// QueryData, for a Get as much as for a List (resolveFetchRateLimiters picks the get or list
// limiters).
func queryClient(ctx context.Context, d *plugin.QueryData) (*connection, *api.Client, error) {
	c, err := getConnection(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	var p *plugin.Plugin
	if d.Table != nil {
		p = d.Table.Plugin
	}
	shared, err := sharedRate(p)
	if err != nil {
		return nil, nil, err
	}
	client := c.client.WithWait(func(ctx context.Context) error {
		d.WaitForListRateLimit(ctx)
		return ctx.Err()
	}).WithReserve(func(ctx context.Context) (func(), error) {
		return c.budget.Reserve(ctx, shared)
	})
	return c, client, nil
}
