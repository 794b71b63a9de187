package coupang_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/sandbox"
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
	sb  *sandbox.Server
	r   *inprocess.Runner
	cfg string // the runner's connection config
}

// newEnv starts a sandbox with opts and a runner whose config is the sandbox's credentials plus
// extraHCL; runnerOpts are added to the runner's options.
func newEnv(t *testing.T, opts sandbox.Options, extraHCL string, runnerOpts ...inprocess.Option) *env {
	t.Helper()
	sb, base := startSandbox(t, opts)
	cfg := fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n%s", sb.VendorID(), sb.AccessKey(), sb.SecretKey(), base, extraHCL)
	r, err := inprocess.New(context.Background(), "coupang", cfg, append([]inprocess.Option{inprocess.WithRateLimiter(fastLimiter)}, runnerOpts...)...)
	require.NoError(t, err)
	return &env{sb: sb, r: r, cfg: cfg}
}

// query runs q and returns its rows as Go values; it resets the sandbox log first.
func (e *env) query(t *testing.T, q inprocess.Query) ([]map[string]any, error) {
	t.Helper()
	e.sb.ResetLog()
	return runQuery(t.Context(), e.r, q)
}

// runQuery runs q under ctx and returns its rows as Go values.
func runQuery(ctx context.Context, r *inprocess.Runner, q inprocess.Query) ([]map[string]any, error) {
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

// listRequests returns the list-endpoint requests logged since the last reset.
func (e *env) listRequests() []sandbox.RequestRecord {
	var out []sandbox.RequestRecord
	for _, rec := range e.sb.Log() {
		if strings.HasSuffix(rec.Path, "/callCenterInquiries") {
			out = append(out, rec)
		}
	}
	return out
}

// kstDay is the Korean midnight of t.
func kstDay(t time.Time) time.Time {
	t = t.In(api.KST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, api.KST)
}

// selects reports whether the sandbox would return inq for a list request (independently of the
// plugin: Korean dates inclusive, option ID, order ID, status).
func selects(inq sandbox.Inquiry, req api.ListRequest) bool {
	if !req.InquiryStartAt.IsZero() {
		d := kstDay(inq.InquiryAt)
		if d.Before(kstDay(req.InquiryStartAt)) || d.After(kstDay(req.InquiryEndAt)) {
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

// minRequests is the fewest list requests the planner's plan for qs can make: for every planned
// request, one per 30 matching rows and at least one.
func minRequests(t *testing.T, all []sandbox.Inquiry, qs query.Quals) int {
	t.Helper()
	qs.Limit = -1 // no limit: every page
	plan, err := query.Build(qs, time.Now(), 7)
	require.NoError(t, err)
	n := 0
	for _, req := range plan.Requests() {
		rows := 0
		for _, inq := range all {
			if selects(inq, req) {
				rows++
			}
		}
		n += max(1, int(math.Ceil(float64(rows)/float64(api.MaxPageSize))))
	}
	return n
}

// ids returns the inquiry_id column of rows, sorted.
func ids(rows []map[string]any) []int64 {
	out := make([]int64, 0, len(rows))
	for _, r := range rows {
		out = append(out, r["inquiry_id"].(int64))
	}
	slices.Sort(out)
	return out
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

func between(lo, hi time.Time) []inprocess.Qual {
	return []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}, {Column: "inquiry_at", Operator: "<=", Value: hi}}
}

// TestMain turns off the SDK's debug.FreeOSMemory every 100 streamed rows (a memory guard for
// long-running Steampipe plugins) that otherwise dominates the run time of these small queries.
func TestMain(m *testing.M) {
	os.Setenv("STEAMPIPE_FREE_MEM_INTERVAL", "0")
	os.Exit(m.Run())
}

// startSandbox serves a new sandbox built with opts on loopback until the test ends.
func startSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	sb := sandbox.New(opts)
	base, stop, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(stop)
	return sb, base
}
