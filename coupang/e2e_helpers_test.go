package coupang_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

const (
	inquiryTable = "coupang_callcenter_inquiry"
	replyTable   = "coupang_callcenter_inquiry_reply"
)

// fastLimiter replaces the 4/s coupang_api limiter so end-to-end tests run at loopback speed.
var fastLimiter = inprocess.Limiter{Name: coupang.RateLimiterName, FillRate: 100000, BucketSize: 100000, Scope: []string{"connection"}}

// env is a sandbox and a runner connected to it.
type env struct {
	sb    *sandbox.Server
	r     *inprocess.Runner
	base  string     // the sandbox's base URL, as in cfg
	cfg   string     // the runner's connection config
	clock *stepClock // the plugin's reuse clock when set (useStepClock)
	// onRequest, when set, is called after every HTTP attempt of e's queries (api.WithRequestHook).
	onRequest func(api.RequestInfo)
}

// streamedRowsEnv set makes the runners of newEnv and startFaultEnv, and the package's other
// runners that query data (through rowMode), stream rows as the Steampipe CLI and the export run
// the plugin (make test runs this package both ways); unset, they hold them as Turbot's standalone
// FDW and SQLite extension run it.
const streamedRowsEnv = "COUPANG_TEST_STREAMED_ROWS"

// rowMode returns the runner option of the row mode under test, if any.
func rowMode() []inprocess.Option {
	if os.Getenv(streamedRowsEnv) != "" {
		return []inprocess.Option{inprocess.WithStreamedRows()}
	}
	return nil
}

// newEnv starts a sandbox with opts and a runner whose config is the sandbox's credentials plus
// extraHCL; runnerOpts are added to the runner's options.
func newEnv(t *testing.T, opts sandbox.Options, extraHCL string, runnerOpts ...inprocess.Option) *env {
	t.Helper()
	sb, base := startSandbox(t, opts)
	cfg := sb.ConnectionHCL(base) + extraHCL
	ropts := append([]inprocess.Option{inprocess.WithRateLimiter(fastLimiter)}, rowMode()...)
	r, err := inprocess.New(context.Background(), "coupang", cfg, append(ropts, runnerOpts...)...)
	require.NoError(t, err)
	return &env{sb: sb, r: r, base: base, cfg: cfg}
}

// query runs q and returns its rows as Go values; it resets the sandbox log first.
func (e *env) query(t *testing.T, q inprocess.Query) ([]map[string]any, error) {
	t.Helper()
	e.sb.ResetLog()
	return runQuery(e.context(t), e.r, q)
}

// context is the context of e's queries in test t.
func (e *env) context(t *testing.T) context.Context {
	ctx := t.Context()
	if e.onRequest != nil {
		ctx = api.WithRequestHook(ctx, e.onRequest)
	}
	if e.clock != nil {
		return e.clock.context(ctx)
	}
	return ctx
}

// runQuery runs q under ctx as Postgres would over the FDW in a UTC session: it keeps only the streamed
// rows that pass Postgres' own recheck of every qual (see recheck), and fails on an (inquiry,
// option ID) pair the inquiry table streamed twice.
func runQuery(ctx context.Context, r *inprocess.Runner, q inprocess.Query) ([]map[string]any, error) {
	rows, err := streamed(ctx, r, q)
	if err != nil {
		return nil, err
	}
	if q.Table == inquiryTable {
		seen := map[[2]any]bool{}
		for _, row := range rows {
			k := [2]any{row["inquiry_id"], row["vendor_item_id"]}
			if seen[k] {
				return nil, fmt.Errorf("pair %v streamed twice", k)
			}
			seen[k] = true
		}
	}
	return recheck(rows, q.Quals, 0), nil
}

// streamed returns the rows the plugin streams for q, in order, before Postgres' recheck.
func streamed(ctx context.Context, r *inprocess.Runner, q inprocess.Query) ([]map[string]any, error) {
	var rows []map[string]any
	err := r.Query(ctx, q, func(cols map[string]*proto.Column) error {
		row, err := columnValues(cols)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

// recheck is Postgres' recheck of every qual on the rows a scan returned, in order, in a session
// whose TimeZone is offset east of UTC: a time qual's value is the instant the FDW sent, as it
// sends a date or timestamp constant (as if UTC), so Postgres meant that instant minus offset.
// A NULL column passes no qual.
func recheck(rows []map[string]any, quals []inprocess.Qual, offset time.Duration) []map[string]any {
	var out []map[string]any
	for _, row := range rows {
		if slices.IndexFunc(quals, func(q inprocess.Qual) bool { return !sqlHolds(row[q.Column], q, offset) }) < 0 {
			out = append(out, row)
		}
	}
	return out
}

// sqlHolds evaluates `v op value` (an IN list for "=" with a slice) as SQL does.
func sqlHolds(v any, q inprocess.Qual, offset time.Duration) bool {
	if v == nil {
		return false
	}
	var values []any
	switch x := q.Value.(type) {
	case []any:
		values = x
	case []int64:
		for _, e := range x {
			values = append(values, e)
		}
	case []string:
		for _, e := range x {
			values = append(values, e)
		}
	default:
		values = []any{x}
	}
	for _, want := range values {
		if inner, ok := want.([]any); ok { // `x in (a, b) or x = c`, as the FDW sends it
			if sqlHolds(v, inprocess.Qual{Operator: q.Operator, Value: inner}, offset) {
				return true
			}
			continue
		}
		if qv, ok := want.(*proto.QualValue); want == nil || ok && qv.GetValue() == nil { // NULL: never true
			continue
		}
		c, ok := compare(v, want, offset)
		if !ok {
			panic(fmt.Sprintf("recheck: cannot compare %T with %T", v, want))
		}
		hold := map[string]bool{"=": c == 0, "<>": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[q.Operator]
		if hold {
			return true
		}
	}
	return false
}

// compare orders a row's value against a qual's.
func compare(v, want any, offset time.Duration) (int, bool) {
	switch w := want.(type) {
	case int:
		want = int64(w)
	case time.Time:
		want = w.Add(-offset)
	}
	switch x := v.(type) {
	case int64:
		w, ok := want.(int64)
		return cmp.Compare(x, w), ok
	case string:
		w, ok := want.(string)
		return strings.Compare(x, w), ok
	case time.Time:
		w, ok := want.(time.Time)
		return x.Compare(w), ok
	case bool:
		w, ok := want.(bool)
		if !ok || x == w {
			return 0, ok
		}
		return 1, true
	}
	return 0, false
}

func (e *env) mustQuery(t *testing.T, q inprocess.Query) []map[string]any {
	t.Helper()
	rows, err := e.query(t, q)
	require.NoError(t, err)
	return rows
}

// requireAllOK asserts the strict sandbox accepted every request it received since the last reset.
func (e *env) requireAllOK(t *testing.T) {
	t.Helper()
	for _, rec := range e.sb.Log() {
		require.Equal(t, 200, rec.Status, "request %s?%s", rec.Path, rec.RawQuery)
	}
}

// The ends of the list endpoints' paths, for requestsTo.
const (
	listEndpoint    = "/callCenterInquiries"
	productEndpoint = "/onlineInquiries"
)

// requestsTo returns the requests logged since the last reset whose path ends in endpoint.
func (e *env) requestsTo(endpoint string) []sandbox.RequestRecord {
	var out []sandbox.RequestRecord
	for _, rec := range e.sb.Log() {
		if strings.HasSuffix(rec.Path, endpoint) {
			out = append(out, rec)
		}
	}
	return out
}

// selects reports whether the sandbox would return inq for a list request (independently of the
// plugin: Korean dates inclusive, option ID, order ID, status).
func selects(inq sandbox.Inquiry, req api.ListRequest) bool {
	if !req.InquiryStartAt.IsZero() {
		d := api.KoreanDate(inq.InquiryAt)
		if d.Before(api.KoreanDate(req.InquiryStartAt)) || d.After(api.KoreanDate(req.InquiryEndAt)) {
			return false
		}
	}
	if req.VendorItemID != 0 && !slices.Contains(inq.VendorItemIDs, req.VendorItemID) {
		return false
	}
	if req.OrderID != 0 && inq.OrderID != req.OrderID {
		return false
	}
	status := req.PartnerCounselingStatus
	if status == "" {
		status = api.StatusNone
	}
	return sandbox.MatchesStatus(inq, status)
}

// windowRequests returns each window's requests.
func windowRequests(ws []query.Window) [][]api.ListRequest {
	out := make([][]api.ListRequest, len(ws))
	for i, w := range ws {
		out[i] = w.Requests
	}
	return out
}

// minRequests is the fewest list requests the planner's plan for qs can make: for every planned
// request, one per 30 matching rows and at least one.
func minRequests(t *testing.T, all []sandbox.Inquiry, qs query.Quals) int {
	t.Helper()
	return minPages(t, qs, func(_ *query.Plan, req api.ListRequest) int { return pagesOf(all, req) })
}

// pagesOf is the number of pages the sandbox answers req with.
func pagesOf(all []sandbox.Inquiry, req api.ListRequest) int {
	return pages(count(all, func(inq sandbox.Inquiry) bool { return selects(inq, req) }), api.MaxPageSize)
}

// pages is the number of pages of pageSize that list n rows: at least one, even for none.
func pages(n, pageSize int) int {
	return max(1, (n+pageSize-1)/pageSize)
}

// minPages is the fewest requests the planner's plan for qs (without its limit) can make: the sum
// over every planned request of pagesOf(plan, req), the pages the sandbox answers it with.
func minPages(t *testing.T, qs query.Quals, pagesOf func(*query.Plan, api.ListRequest) int) int {
	t.Helper()
	qs.Limit = -1 // no limit: every page
	plan, err := query.Build(qs, time.Now(), 7)
	require.NoError(t, err)
	n := 0
	for _, req := range slices.Concat(windowRequests(plan.Windows)...) {
		n += pagesOf(plan, req)
	}
	return n
}

// count returns how many elements of all pass keep.
func count[T any](all []T, keep func(T) bool) int {
	n := 0
	for _, v := range all {
		if keep(v) {
			n++
		}
	}
	return n
}

// ids returns the distinct inquiry IDs of rows, sorted: count(distinct inquiry_id), since an
// inquiry naming N options is N rows.
func ids(rows []map[string]any) []int64 {
	out := make([]int64, 0, len(rows))
	for _, r := range rows {
		out = append(out, r["inquiry_id"].(int64))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// expectIDs returns the sorted IDs of the sandbox inquiries that pass keep.
func expectIDs(all []sandbox.Inquiry, keep func(sandbox.Inquiry) bool) []int64 {
	var out []int64
	for _, inq := range all {
		if keep(inq) {
			out = append(out, inq.InquiryID)
		}
	}
	slices.Sort(out)
	return out
}

// byID indexes the sandbox inquiries.
func byID(all []sandbox.Inquiry) map[int64]sandbox.Inquiry {
	m := make(map[int64]sandbox.Inquiry, len(all))
	for _, inq := range all {
		m[inq.InquiryID] = inq
	}
	return m
}

func queryParam(rec sandbox.RequestRecord, name string) string {
	v, _ := url.ParseQuery(rec.RawQuery)
	return v.Get(name)
}

// inquiryAt is the qual `inquiry_at op v`; v is a time, or for IN a []any of times.
func inquiryAt(op string, v any) inprocess.Qual {
	return inprocess.Qual{Column: "inquiry_at", Operator: op, Value: v}
}

func between(lo, hi time.Time) []inprocess.Qual {
	return []inprocess.Qual{inquiryAt(">=", lo), inquiryAt("<=", hi)}
}

// TestMain turns off the SDK's debug.FreeOSMemory every 100 streamed rows (a memory guard for
// long-running Steampipe plugins) that otherwise dominates the run time of these small queries,
// and keeps the sellers' shared request budgets in a directory of this process's own, so that no
// other process's sends count against these tests (or theirs against it).
func TestMain(m *testing.M) {
	os.Setenv("STEAMPIPE_FREE_MEM_INTERVAL", "0")
	os.Exit(withOwnBudgetDir(m))
}

// withOwnBudgetDir runs the tests with the shared request budgets in a new temporary directory.
func withOwnBudgetDir(m *testing.M) int {
	dir, err := os.MkdirTemp("", "coupang-test-budget-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.Setenv(ratelimit.EnvDir, dir)
	return m.Run()
}

// startSandbox serves a new sandbox built with opts on loopback until the test ends. Unless opts
// names one, the sandbox accepts an access key of its own: the budget file is per key (and base
// URL), so each test draws from a budget no other test sends against.
func startSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	opts.AccessKey = cmp.Or(opts.AccessKey, "access-key-"+rand.Text())
	opts.BlockAfter = cmp.Or(opts.BlockAfter, blockAfter)
	sb := sandbox.New(opts)
	base, stop, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	return sb, base
}

// blockAfter is the sandbox's Options.BlockAfter in these tests unless one names another: more
// errors within a minute than the 10 unknown inquiry IDs a connection lets through get the tests'
// caller blocked.
const blockAfter = 10
