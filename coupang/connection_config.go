package coupang

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/context_key"
)

// maxLookbackDays bounds default_lookback_days (its default is query.DefaultLookbackDays).
const maxLookbackDays = 365

// coupangConfig is the connection config (config/coupang.spc). Every field is a pointer so that an
// unset argument can be told from an empty one, and an empty config loads: credentials are checked
// when a query runs.
type coupangConfig struct {
	VendorID            *string `hcl:"vendor_id"`
	AccessKey           *string `hcl:"access_key"`
	SecretKey           *string `hcl:"secret_key"`
	BaseURL             *string `hcl:"base_url"`
	DefaultLookbackDays *int    `hcl:"default_lookback_days"`

	// built holds the connection this config builds on first use. NewInstance gives each parsed
	// config its own, and the SDK parses the config anew whenever it changes.
	built *builtConnection
}

// builtConnection is a config's connection, built once however many scans start at the same time:
// every scan of a connection must share one snapshot and client.
type builtConnection struct {
	mu sync.Mutex
	c  *connection
}

// resolve applies the env fallbacks and defaults and checks what the API client does not:
// credentials (every missing one named at once, so one fix makes the next run work) and
// default_lookback_days; api.New checks the base URL. Errors name both the argument and its
// environment variable, because either may be how the user configures it; they never contain the
// secret.
func (c coupangConfig) resolve() (_ api.Config, lookbackDays int, _ error) {
	var missing, envs []string
	required := func(v *string, arg, env string) string {
		s := setting(v, env)
		if s == "" {
			missing, envs = append(missing, arg), append(envs, env)
		}
		return s
	}
	cfg := api.Config{
		VendorID:  required(c.VendorID, "vendor_id", "COUPANG_VENDOR_ID"),
		AccessKey: required(c.AccessKey, "access_key", "COUPANG_ACCESS_KEY"),
		SecretKey: required(c.SecretKey, "secret_key", "COUPANG_SECRET_KEY"),
		BaseURL:   setting(c.BaseURL, "COUPANG_BASE_URL"), // api.New applies the default and checks it
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		return cfg, 0, fmt.Errorf("%s %s not set: set %s in the coupang connection config, or the environment variable(s) %s",
			strings.Join(missing, ", "), verb, strings.Join(missing, ", "), strings.Join(envs, ", "))
	}
	lookbackDays = query.DefaultLookbackDays
	if n := c.DefaultLookbackDays; n != nil {
		if *n < 1 || *n > maxLookbackDays {
			return cfg, 0, fmt.Errorf("coupang connection config: default_lookback_days is %d: it must be between 1 and %d (days, today included)", *n, maxLookbackDays)
		}
		lookbackDays = *n
	}
	return cfg, lookbackDays, nil
}

// setting returns the config value when set and non-blank, else the environment variable.
func setting(v *string, env string) string {
	if v != nil && strings.TrimSpace(*v) != "" {
		return strings.TrimSpace(*v)
	}
	return strings.TrimSpace(os.Getenv(env))
}

// connection is what a query needs from its connection: the seller ID and default lookback of its
// validated config, the shared client, the snapshot of recent scans and the seller's request
// budget shared with every process on the machine. It is built once per parsed config, or per
// connection when the config is empty (builtConnection, envConnections).
type connection struct {
	vendorID     string
	lookbackDays int
	client       *api.Client
	snap         *snapshot
	budget       *ratelimit.Budget
}

// Context keys that only tests set (export_test.go), on the context of the query that builds the
// connection: clientTuningKey a func(*api.Config) that adjusts the client config, e.g. to shrink
// retry backoffs; reuseClockKey a func() time.Time, the snapshot's clock.
type (
	clientTuningKey struct{}
	reuseClockKey   struct{}
)

// envConnections holds the connection of each connection whose config sets no argument (as the
// shipped config/coupang.spc): the SDK parses no empty config, so its Connection.Config is nil and
// every argument comes from the environment. The key is the SDK's *plugin.Connection, which it
// keeps for the connection's life (a changed config is set on it in place).
var envConnections sync.Map // *plugin.Connection -> *builtConnection

// getConnection returns the connection of the query's config, building it on first use. A config
// error is returned every time (never kept) so that a fixed env variable takes effect without
// restarting.
func getConnection(ctx context.Context, d *plugin.QueryData) (*connection, error) {
	config, _ := d.Connection.Config.(coupangConfig)
	b := config.built
	if b == nil {
		v, _ := envConnections.LoadOrStore(d.Connection, &builtConnection{})
		b = v.(*builtConnection)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c == nil {
		c, err := buildConnection(ctx, config)
		if err != nil {
			return nil, err
		}
		b.c = c
	}
	return b.c, nil
}

// buildConnection validates config and builds its connection.
func buildConnection(ctx context.Context, config coupangConfig) (*connection, error) {
	apiCfg, lookbackDays, err := config.resolve()
	if err != nil {
		return nil, err
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
	budget, err := ratelimit.Open("", apiCfg.VendorID, apiCfg.AccessKey, client.BaseURL())
	if err != nil {
		return nil, err
	}
	now, ok := ctx.Value(reuseClockKey{}).(func() time.Time)
	if !ok {
		now = time.Now
	}
	return &connection{vendorID: apiCfg.VendorID, lookbackDays: lookbackDays, client: client, budget: budget, snap: newSnapshot(now)}, nil
}

// queryClient returns the connection's client for one list call, bound to the connection's
// snapshot (see snapshot) and to this query's rate limits: every HTTP request, retries included,
// first waits on the plugin's limiters (coupang_api) the SDK resolved for this QueryData, then on
// the seller's budget shared by every process on the machine.
//
// The SDK itself waits on those limiters once just before it calls a list function. With byID
// (the call reads inquiries one by one, as each copy of an `inquiry_id IN (...)` fan-out and each
// inner scan of a nested loop does), the call's first request, when sent at once, goes on that
// token (prepaidWait): otherwise every single-inquiry read would cost two tokens and run at half
// the rate. A listing keeps its extra token: one in many, it is the slack that absorbs a late send.
func queryClient(ctx context.Context, d *plugin.QueryData, byID bool) (*connection, *api.Client, error) {
	c, err := getConnection(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	shared, err := sharedRate(d.Table.Plugin)
	if err != nil {
		return nil, nil, err
	}
	wait := func(ctx context.Context) error {
		d.WaitForListRateLimit(ctx)
		return ctx.Err()
	}
	if byID {
		wait = prepaidWait(time.Now, wait)
	}
	client := c.client.WithWait(wait).WithReserve(func(ctx context.Context) (func(), error) {
		return c.budget.Reserve(ctx, shared)
	}).WithReuse(c.snap.scanReuse(d.Table.Name, queryCacheTTL(d)))
	return c, client, nil
}

// prepaidFor is how soon after the SDK's own wait a fetch call's first request may use that
// token: long enough for the call's setup, and short enough that the request is as good as sent
// when the token was granted, so no 1-second window holds more requests than the limiter grants
// tokens (at fill rates up to about 50/s; the default is 4/s).
const prepaidFor = 10 * time.Millisecond

// prepaidWait returns a wait hook whose first call, if made within prepaidFor of its creation by
// the clock now, returns at once (the SDK waited for it); every other call waits.
func prepaidWait(now func() time.Time, wait func(context.Context) error) func(context.Context) error {
	deadline := now().Add(prepaidFor)
	var used atomic.Bool
	return func(ctx context.Context) error {
		if !now().After(deadline) && used.CompareAndSwap(false, true) {
			return ctx.Err()
		}
		return wait(ctx)
	}
}

// queryCacheTTL is the query cache's TTL when Steampipe's query cache is on for the query, else 0.
func queryCacheTTL(d *plugin.QueryData) time.Duration {
	if d.QueryContext == nil || !d.QueryContext.CacheEnabled {
		return 0
	}
	return time.Duration(d.QueryContext.CacheTTL) * time.Second
}
