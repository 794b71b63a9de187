package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// End to end against the strict fake API: a 7-day window listed page by page finds exactly the
// inquiries of those Korean days, and one of them is fetched by id.
func TestListAgainstSandbox(t *testing.T) {
	t.Parallel()
	srv, baseURL := startSandbox(t, sandbox.Options{Days: 14, PerDay: 20})
	c, err := api.New(api.Config{BaseURL: baseURL, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(),
		SecretKey: srv.SecretKey(), MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	require.NoError(t, err)
	var sent atomic.Int64
	ctx := api.WithRequestHook(context.Background(), func(api.RequestInfo) { sent.Add(1) })

	y, m, d := time.Now().In(api.KST).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, api.KST)
	start := end.AddDate(0, 0, -(api.MaxWindowDays - 1))
	var got []int64
	for pageNum, total := 1, 1; pageNum <= total; pageNum++ {
		page, err := c.ListInquiries(ctx, api.ListRequest{InquiryStartAt: start, InquiryEndAt: end,
			PartnerCounselingStatus: api.StatusNone, PageNum: pageNum, PageSize: api.MaxPageSize})
		require.NoError(t, err)
		total = page.Pagination.TotalPages
		for _, inq := range page.Inquiries {
			got = append(got, inq.InquiryID)
		}
	}
	var want []int64
	for _, inq := range srv.Inquiries() {
		if !inq.InquiryAt.Before(start) && inq.InquiryAt.Before(end.AddDate(0, 0, 1)) {
			want = append(want, inq.InquiryID)
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	require.NotEmpty(t, want)
	assert.Equal(t, want, got)

	one, ok := srv.Inquiry(want[0])
	require.True(t, ok)
	inq, err := c.GetInquiry(ctx, want[0])
	require.NoError(t, err)
	assert.Equal(t, one.VendorItemIDs, inq.VendorItemIDs)
	assert.True(t, one.InquiryAt.Equal(inq.InquiryAt))
	assert.Equal(t, len(one.Replies), len(inq.Replies))
	assert.Equal(t, sent.Load(), srv.Requests())
}

// The sandbox's injected 429 and 5xx are retried; its rule checks reject a wrong vendor without retry.
func TestSandboxFaultsAndRules(t *testing.T) {
	t.Parallel()
	srv, baseURL := startSandbox(t, sandbox.Options{Days: 3, PerDay: 5})
	srv.SetFault(func(n int64, _ *http.Request) *sandbox.Fault {
		switch n {
		case 1:
			return sandbox.FaultRateLimited("")
		case 2:
			return sandbox.FaultStatus(http.StatusServiceUnavailable, "busy")
		}
		return nil
	})
	cfg := api.Config{BaseURL: baseURL, VendorID: srv.VendorID(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey(),
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
	c, err := api.New(cfg)
	require.NoError(t, err)
	_, err = c.ListInquiries(context.Background(), api.ListRequest{VendorItemID: srv.VendorItemIDs()[0]})
	require.NoError(t, err)
	assert.Equal(t, int64(3), srv.Requests())

	cfg.SecretKey = "wrong-secret-key"
	c, err = api.New(cfg)
	require.NoError(t, err)
	_, err = c.ListInquiries(context.Background(), api.ListRequest{VendorItemID: srv.VendorItemIDs()[0]})
	assert.Equal(t, api.KindAuth, api.KindOf(err), "%v", err)
	assert.Equal(t, int64(4), srv.Requests(), "not retried")
}

// startSandbox serves a new sandbox built with o on loopback until the test ends.
func startSandbox(t *testing.T, o sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	s := sandbox.New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}
