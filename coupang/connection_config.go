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
}

// resolve applies the environment fallbacks and defaults and checks what api.New does not. Every
// missing credential is named at once, so that one fix makes the next run work; errors name both
// the argument and its environment variable, and never contain the secret.
func (c coupangConfig) resolve() (_ api.Config, lookbackDays int, _ error) {
	var missing, envs []string
	// setting is the config value when set and non-blank, else the environment variable.
	setting := func(v *string, env string) string {
		if v != nil && strings.TrimSpace(*v) != "" {
			return strings.TrimSpace(*v)
		}
		return strings.TrimSpace(os.Getenv(env))
	}
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

// connection is what a query needs from its connection: the seller ID and default lookback of its
// validated config, the shared client, the snapshot of recent scans, and the seller's request
// budget shared with every process on the machine.
type connection struct {
	vendorID     string
	lookbackDays int
	client       *api.Client
	snap         *snapshot
	budget       *ratelimit.Budget
	config       coupangConfig // the config it was built from
}

// connections holds the connection of each Steampipe connection, by name, built once however many
// scans start together, since they must share one client and snapshot. The SDK parses a changed
// config anew (new pointers, so never equal): the connection is then rebuilt. By name, a connection
// deleted and added again (a new *plugin.Connection) replaces its entry instead of leaving the old
// client and snapshot behind. A config error is never kept, so that a fixed environment variable
// works at once.
type connections struct {
	mu    sync.Mutex
	built map[string]*connection
}

// get returns the connection of the query's Steampipe connection, building it on first use and
// after its config changed.
func (cs *connections) get(ctx context.Context, d *plugin.QueryData) (*connection, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	// A config that sets no argument (the shipped config/coupang.spc) reaches the plugin as nil (the
	// SDK parses only a non-empty one): every argument then comes from the environment.
	config, _ := d.Connection.Config.(coupangConfig)
	if c := cs.built[d.Connection.Name]; c != nil && c.config == config {
		return c, nil
	}
	c, err := buildConnection(ctx, config)
	if err != nil {
		return nil, err
	}
	c.config = config
	if cs.built == nil {
		cs.built = map[string]*connection{}
	}
	cs.built[d.Connection.Name] = c
	return c, nil
}

// buildConnection validates config and builds its connection.
func buildConnection(ctx context.Context, config coupangConfig) (*connection, error) {
	apiCfg, lookbackDays, err := config.resolve()
	if err != nil {
		return nil, err
	}
	// Retries and failed attempts go to the plugin's log (the client never logs a secret).
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
	// Shared by every connection and process using the same keys and API address; an unusable
	// budget fails the query, as a per-process fallback would let processes exceed the rate together.
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
// snapshot and to the query's rate limits: every request, retries included, waits on the
// coupang_api limiter the SDK resolved for this QueryData, then on the seller's machine-wide budget.
// The SDK already waited on the limiter once before the call: with byID (single-inquiry reads, as
// in an `inquiry_id IN (...)` fan-out or a nested loop) the first request uses that token
// (prepaidWait), or each read would cost two; a listing keeps it as slack for a late send.
func queryClient(ctx context.Context, d *plugin.QueryData, conns *connections, byID bool) (*connection, *api.Client, error) {
	c, err := conns.get(ctx, d)
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
	var cacheTTL time.Duration
	if qc := d.QueryContext; qc != nil && qc.CacheEnabled {
		cacheTTL = time.Duration(qc.CacheTTL) * time.Second
	}
	client := c.client.WithWait(wait).WithReserve(func(ctx context.Context) (func(), error) {
		return c.budget.Reserve(ctx, shared)
	}).WithReuse(c.snap.scanReuse(d.Table.Name, cacheTTL))
	return c, client, nil
}

// prepaidFor is how soon after the SDK's wait a call's first request may use its token: enough for
// the call's setup, yet too short to put more requests in a second than the limiter grants at fill
// rates up to about 50/s (a token every 20 ms or more; the default is 4/s).
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
