package coupang

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/context_key"
)

// maxLookbackDays bounds default_lookback_days (its default is query.DefaultLookbackDays).
const maxLookbackDays = 365

// coupangConfig is the connection config (config/coupang.spc). Each argument is kept as written
// and evaluated by resolve, not by the SDK: the SDK's error for an unquoted value names it ("There is
// no variable named ..."), so `secret_key = abc...` without quotes would put the key in the error,
// and its type errors do not say which argument is wrong. An absent argument is nil or a null
// expression; an empty config loads, as credentials are checked when a query runs. Any other
// argument or block is kept in Other for resolve to refuse: the SDK's error names it (`An argument
// named "..." is not expected here`), and a key pasted where a name goes would be that name.
type coupangConfig struct {
	VendorID            hcl.Expression `hcl:"vendor_id"`
	AccessKey           hcl.Expression `hcl:"access_key"`
	SecretKey           hcl.Expression `hcl:"secret_key"`
	BaseURL             hcl.Expression `hcl:"base_url"`
	DefaultLookbackDays hcl.Expression `hcl:"default_lookback_days"`
	Other               hcl.Body       `hcl:",remain"`
}

// arg decodes an argument into T without variables or functions; nil when it is absent. Its error
// names the argument and what to write, never the value nor HCL's diagnostics, which quote it.
func arg[T any](expr hcl.Expression, name, what, like string) (*T, error) {
	var v *T
	if expr != nil && gohcl.DecodeExpression(expr, nil, &v).HasErrors() {
		return nil, fmt.Errorf("coupang connection config: %s must be %s, like %s = %s (variables, functions and lists are not allowed)",
			name, what, name, like)
	}
	return v, nil
}

// resolve applies the environment fallbacks and defaults and checks what api.New does not. Every
// missing credential is named at once, so that one fix makes the next run work.
func (c coupangConfig) resolve() (_ api.Config, lookbackDays int, _ error) {
	if c.Other != nil {
		if attrs, diags := c.Other.JustAttributes(); len(attrs) > 0 || diags.HasErrors() {
			return api.Config{}, 0, errors.New("coupang connection config: it sets an argument or block other than vendor_id, access_key, secret_key, " +
				"base_url and default_lookback_days (not named here, as it may be a key): remove it")
		}
	}
	var missing, envs []string
	var argErr error
	setting := func(expr hcl.Expression, name, like, env string) string {
		v, err := arg[string](expr, name, "text in double quotes", like)
		argErr = cmp.Or(argErr, err)
		if v != nil && strings.TrimSpace(*v) != "" {
			return strings.TrimSpace(*v)
		}
		return strings.TrimSpace(os.Getenv(env))
	}
	required := func(expr hcl.Expression, name, like, env string) string {
		s := setting(expr, name, like, env)
		if s == "" {
			missing, envs = append(missing, name), append(envs, env)
		}
		if strings.ContainsFunc(s, unicode.IsControl) { // no request could carry it: Go refuses such a header, or the signature fails
			argErr = cmp.Or(argErr, fmt.Errorf("coupang connection config: %s holds a control character (a tab or line break inside the value, say): "+
				"write the value as Coupang Wing shows it", name))
		}
		return s
	}
	cfg := api.Config{
		VendorID:  required(c.VendorID, "vendor_id", `"A00012345"`, "COUPANG_VENDOR_ID"),
		AccessKey: required(c.AccessKey, "access_key", `"..."`, "COUPANG_ACCESS_KEY"),
		SecretKey: required(c.SecretKey, "secret_key", `"..."`, "COUPANG_SECRET_KEY"),
		// api.New applies the default and checks it
		BaseURL: setting(c.BaseURL, "base_url", `"https://api-gateway.coupang.com"`, "COUPANG_BASE_URL"),
	}
	if argErr != nil {
		return cfg, 0, argErr
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		return cfg, 0, fmt.Errorf("%s %s not set: set %s in the coupang connection config, or the environment variable(s) %s",
			strings.Join(missing, ", "), verb, strings.Join(missing, ", "), strings.Join(envs, ", "))
	}
	days, err := arg[float64](c.DefaultLookbackDays, "default_lookback_days", "a whole number", "7")
	switch {
	case err != nil:
		return cfg, 0, err
	case days == nil:
		return cfg, query.DefaultLookbackDays, nil
	case *days != math.Trunc(*days) || *days < 1 || *days > maxLookbackDays:
		return cfg, 0, fmt.Errorf("coupang connection config: default_lookback_days is %g: it must be a whole number between 1 and %d (days, today included)", *days, maxLookbackDays)
	}
	return cfg, int(*days), nil
}

// connection is what the queries of one Steampipe connection share.
type connection struct {
	vendorID     string
	lookbackDays int
	client       *api.Client
	snap         *snapshot
	budget       *ratelimit.Budget // shared with every process on the machine
	config       coupangConfig     // the config it was built from
}

// connections holds the connection of each Steampipe connection by name, built once however many
// scans start together, since they must share one client and snapshot. The SDK parses a changed
// config anew (new pointers, never equal), so it is rebuilt; a connection deleted and added again
// replaces its entry. A config error is never kept, so that a fixed environment variable works at once.
type connections struct {
	mu    sync.Mutex
	built map[string]*connection
}

// get returns the query's connection, building it (after validating its config) on first use and
// after its config changed.
func (cs *connections) get(ctx context.Context, d *plugin.QueryData) (*connection, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	// A config that sets no argument reaches the plugin as nil (the SDK parses only a non-empty one).
	config, _ := d.Connection.Config.(coupangConfig)
	if c := cs.built[d.Connection.Name]; c != nil && c.config == config {
		return c, nil
	}
	apiCfg, lookbackDays, err := config.resolve()
	if err != nil {
		return nil, err
	}
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
	// An unusable budget fails the query: a per-process fallback would let processes exceed the rate together.
	budget, err := ratelimit.Open("", apiCfg.VendorID, apiCfg.AccessKey, client.BaseURL())
	if err != nil {
		return nil, err
	}
	now, ok := ctx.Value(reuseClockKey{}).(func() time.Time)
	if !ok {
		now = time.Now
	}
	if cs.built == nil {
		cs.built = map[string]*connection{}
	}
	refused := &refusal{note: budget.Note, key: keyFingerprint(apiCfg.SecretKey), now: now}
	c := &connection{vendorID: apiCfg.VendorID, lookbackDays: lookbackDays, client: client.WithGate(refused.allow, refused.failed, refused.throttled),
		budget: budget, snap: newSnapshot(now), config: config}
	cs.built[d.Connection.Name] = c
	return c, nil
}

// queryClient returns the connection's client for one list call, bound to its snapshot and to the
// query's rate limits: every request, retries included, waits on the coupang_api limiter when one is
// configured, then on the machine-wide budget. The SDK waited on the limiter once before the call:
// single-inquiry reads (byID) spend that token on their first request (prepaidWait), or each read would
// cost two; a listing keeps it as slack. A call that runs an IN list whole for the SDK's copies (fan)
// spends the tokens they waited for first (fanOut.wait).
func queryClient(ctx context.Context, d *plugin.QueryData, conns *connections, byID bool, fan *fanOut) (*connection, *api.Client, error) {
	c, err := conns.get(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	shared, err := sharedRate(d.Table.Plugin)
	if err != nil {
		return nil, nil, err
	}
	wait := fan.wait(func(ctx context.Context) error {
		d.WaitForListRateLimit(ctx)
		return ctx.Err()
	})
	if byID {
		wait = prepaidWait(time.Now, wait)
	}
	return c, c.client.WithReserve(waitThenReserve(wait, c.budget, shared)).WithReuse(c.snap.scanReuse(d.Table.Name)), nil
}

// waitThenReserve is a client's reserve hook: wait on the limiter, then reserve budget under r. The
// budget stays locked from the reservation to the send, and every process of the seller waits on
// that lock, so the limiter's wait comes first; a failed wait reserves nothing.
func waitThenReserve(wait func(context.Context) error, budget *ratelimit.Budget, r ratelimit.Rate) func(context.Context) (func(), error) {
	return func(ctx context.Context) (func(), error) {
		if err := wait(ctx); err != nil {
			return nil, err
		}
		return budget.Reserve(ctx, r)
	}
}

// prepaidWait returns a wait hook whose first call within 10ms of its creation (of the SDK's wait)
// returns at once: enough for the call's setup, too short to exceed the limiter at fill rates up to
// about 50/s.
func prepaidWait(now func() time.Time, wait func(context.Context) error) func(context.Context) error {
	deadline := now().Add(10 * time.Millisecond)
	var used atomic.Bool
	return func(ctx context.Context) error {
		if !now().After(deadline) && used.CompareAndSwap(false, true) {
			return ctx.Err()
		}
		return wait(ctx)
	}
}
