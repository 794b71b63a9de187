package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testVendor = "A00012345"
	testAccess = "test-access-key-1111"
	testSecret = "test-secret-key-SUPER-9876"
)

var testNow = time.Date(2026, 1, 15, 3, 4, 5, 0, time.UTC)

// seen is what the fake API received in one request.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
}

// fakeAPI is a loopback HTTP server whose handler gets the 1-based hit number.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, hit int)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone()})
		hit := len(f.reqs)
		f.mu.Unlock()
		handle(w, r, hit)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) hits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeAPI) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func newTestClient(t *testing.T, baseURL string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: baseURL, VendorID: testVendor, AccessKey: testAccess, SecretKey: testSecret,
		Now: func() time.Time { return testNow }, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
		Timeout: time.Minute} // a loaded machine must not end an attempt; timeout tests set their own
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

var authRE = regexp.MustCompile(`^CEA algorithm=HmacSHA256, access-key=([^,]+), signed-date=([0-9]{6}T[0-9]{6}Z), signature=([0-9a-f]{64})$`)

// verifySignature checks a received request's Authorization header against the CEA rule and
// returns its signed-date and signature.
func verifySignature(t *testing.T, s seen) (string, string) {
	t.Helper()
	m := authRE.FindStringSubmatch(s.Header.Get("Authorization"))
	require.NotNil(t, m, "Authorization header %q", s.Header.Get("Authorization"))
	assert.Equal(t, testAccess, m[1])
	assert.Equal(t, Signature(testSecret, m[2], s.Method, s.Path, s.RawQuery), m[3], "signature must verify")
	return m[2], m[3]
}

const okList = `{"code":200,"message":"OK","data":{"content":[],"pagination":{"currentPage":1,"totalPages":0,"totalElements":0,"countPerPage":30}}}`

func TestListInquiriesSendsSignedRequest(t *testing.T) {
	t.Parallel()
	example := readExample(t)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, string(example)) })
	c := newTestClient(t, f.URL)
	req := ListRequest{VendorItemID: 3285906659, InquiryStartAt: kst("2026-01-09 00:00:00"), InquiryEndAt: kst("2026-01-15 00:00:00"),
		OrderID: 10000012345676, PartnerCounselingStatus: StatusNoAnswer, PageNum: 2, PageSize: 30}
	page, err := c.ListInquiries(context.Background(), req)
	require.NoError(t, err)
	assert.Len(t, page.Inquiries, 2)
	assert.Equal(t, 7, page.Pagination.TotalPages)

	reqs := f.requests()
	require.Len(t, reqs, 1)
	got := reqs[0]
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v2/providers/openapi/apis/api/v5/vendors/A00012345/callCenterInquiries", got.Path)
	assert.Equal(t, "vendorId=A00012345&vendorItemId=3285906659&partnerCounselingStatus=NO_ANSWER"+
		"&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&orderId=10000012345676&pageNum=2&pageSize=30", got.RawQuery)
	assert.Equal(t, "application/json;charset=UTF-8", got.Header.Get("Content-Type"))
	assert.Equal(t, testVendor, got.Header.Get("X-Requested-By"))
	assert.Equal(t, "60000", got.Header.Get("X-EXTENDED-TIMEOUT"), "the gateway waits as long as the attempt")
	date, _ := verifySignature(t, got)
	assert.Equal(t, "260115T030405Z", date)
}

// TestGatewayTimeoutFollowsTheAttempt: X-EXTENDED-TIMEOUT is the attempt's timeout, at most 90 s.
func TestGatewayTimeoutFollowsTheAttempt(t *testing.T) {
	t.Parallel()
	for timeout, want := range map[time.Duration]string{DefaultTimeout: "30000", 2 * time.Minute: "90000"} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, okList) })
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Timeout = timeout })
		_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
		require.NoError(t, err)
		assert.Equal(t, want, f.requests()[0].Header.Get("X-EXTENDED-TIMEOUT"), "timeout %s", timeout)
	}
}

// TestKeyAtTheMessageLimitIsRedacted: a key echoed where the message is shortened (300
// characters for an error's message, 80 for an excerpt of a 200 answer that is not Coupang's JSON)
// is redacted before, so not even its start reaches the error.
func TestKeyAtTheMessageLimitIsRedacted(t *testing.T) {
	t.Parallel()
	for _, key := range []string{testAccess, testSecret} {
		for status, body := range map[int]string{
			401: fmt.Sprintf(`{"code":401,"message":"%s %s"}`, strings.Repeat("x", 290), key),
			200: fmt.Sprintf(`{"code":401,"message":"%s %s"}`, strings.Repeat("x", 290), key), // a code in the body
			201: fmt.Sprintf(`{"code":200,"data": %s %s`, strings.Repeat("x", 50), key),       // malformed JSON
			202: fmt.Sprintf(`<html><title>%s %s</title></html>`, strings.Repeat("x", 70), key),
		} {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, status, body) })
			c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 1 })
			_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "xxxxx", "the message is shown: %d", status)
			assert.NotContains(t, err.Error(), key[:6], "the start of %s, HTTP %d", key, status)
		}
	}
}

// TestKeyInARedirectIsRedacted: a key in the Location of a redirect, where the message shortens
// it (80 characters), is redacted before, like one in a body: not even its start reaches the error.
func TestKeyInARedirectIsRedacted(t *testing.T) {
	t.Parallel()
	for _, key := range []string{testAccess, testSecret} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Location", "/blocked?"+strings.Repeat("x", 65)+key)
			w.WriteHeader(http.StatusFound)
		})
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 1 })
		_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "redirected to \"/blocked?xxxxx", "the location is shown")
		assert.NotContains(t, err.Error(), key[:6], "the start of %s", key)
	}
}

func TestGetInquirySignsEmptyQuery(t *testing.T) {
	t.Parallel()
	body := `{"code":"200","message":"OK","data":{"inquiryId":1015668177,"vendorItemId":3285906659,"orderId":"10000012345676","inquiryAt":"2018-01-08T16:43:42","replies":null}}`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, body) })
	c := newTestClient(t, f.URL)
	inq, err := c.GetInquiry(context.Background(), 1015668177)
	require.NoError(t, err)
	assert.Equal(t, []int64{3285906659}, inq.VendorItemIDs)
	assert.Equal(t, int64(10000012345676), inq.OrderID)
	got := f.requests()[0]
	assert.Equal(t, "/v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/1015668177", got.Path)
	assert.Equal(t, "", got.RawQuery)
	verifySignature(t, got)

	_, err = c.GetInquiry(context.Background(), 42)
	assert.Equal(t, KindDecode, KindOf(err), "an answer about another inquiry is rejected: %v", err)
}

// An inquiry without inquiryAt fails rather than show inquiry_at as year 1.
func TestGetInquiryWithoutTimeFails(t *testing.T) {
	t.Parallel()
	body := `{"code":"200","message":"OK","data":{"inquiryId":5,"vendorItemId":3285906659,"replies":[]}}`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, body) })
	_, err := newTestClient(t, f.URL).GetInquiry(context.Background(), 5)
	assert.Equal(t, KindDecode, KindOf(err), "%v", err)
	assert.ErrorContains(t, err, "inquiry 5 has no inquiryAt")
}

func TestInvalidRequestsAreNotSent(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, okList) })
	c := newTestClient(t, f.URL)
	day := kst("2026-01-09 00:00:00")
	for name, req := range map[string]ListRequest{
		"no dates, no option": {},
		"8 days":              {InquiryStartAt: day, InquiryEndAt: day.AddDate(0, 0, 7)},
		"same day":            {InquiryStartAt: day, InquiryEndAt: day},
		"reversed":            {InquiryStartAt: day, InquiryEndAt: day.AddDate(0, 0, -1)},
		"only start":          {VendorItemID: 1, InquiryStartAt: day},
		"page size":           {VendorItemID: 1, PageSize: 31},
		"status":              {VendorItemID: 1, PartnerCounselingStatus: "ALL"},
		"negative option ID":  {VendorItemID: -1},
		"negative order ID":   {VendorItemID: 1, OrderID: -1},
		"19-digit option ID":  {VendorItemID: 1e18},
		"19-digit order ID":   {VendorItemID: 1, OrderID: 1e18},
		"only end":            {VendorItemID: 1, InquiryEndAt: day},
		"negative page size":  {VendorItemID: 1, PageSize: -1},
		// 8 Korean dates (those sent), though less than 7 x 24 h apart.
		"8 days, not midnight": {InquiryStartAt: day.Add(23 * time.Hour), InquiryEndAt: day.AddDate(0, 0, 7).Add(time.Hour)},
	} {
		_, err := c.ListInquiries(context.Background(), req)
		assert.Equal(t, KindBadRequest, KindOf(err), "%s: %v", name, err)
	}
	for _, id := range []int64{0, 1e18} {
		_, err := c.GetInquiry(context.Background(), id)
		assert.Equal(t, KindBadRequest, KindOf(err), "inquiry %d", id)
	}
	assert.Equal(t, 0, f.hits())
	assert.NoError(t, ListRequest{InquiryStartAt: day, InquiryEndAt: day.AddDate(0, 0, 6)}.Validate())
	assert.NoError(t, ListRequest{VendorItemID: 1}.Validate())
}

func TestDecodeVariantsOverHTTP(t *testing.T) {
	t.Parallel()
	bodies := []string{
		listBody(`"200"`, `{"inquiryId":1,"vendorItemId":"3285906659","orderId":"10000012345620","inquiryAt":"2018-01-08T16:56:16+09:00"}`),
		listBody(`200`, `{"inquiryId":1,"vendorItemId":[3285906659,"3285906660"],"replies":[{"answerId":1,"parentAnswerId":"77"}]}`),
		listBody(`200`, `{"inquiryId":1,"vendorItemId":null,"answeredAt":null,"orderDate":"","replies":null,"extra":true}`),
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) { writeJSON(w, 200, bodies[hit-1]) })
	c := newTestClient(t, f.URL)
	var pages []*Page
	for range bodies {
		p, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
		require.NoError(t, err)
		require.Len(t, p.Inquiries, 1)
		pages = append(pages, p)
	}
	assert.Equal(t, int64(10000012345620), pages[0].Inquiries[0].OrderID)
	assert.Equal(t, []int64{3285906659, 3285906660}, pages[1].Inquiries[0].VendorItemIDs)
	assert.Equal(t, int64(77), pages[1].Inquiries[0].Replies[0].ParentAnswerID)
	assert.Nil(t, pages[2].Inquiries[0].AnsweredAt)
	assert.NotNil(t, pages[2].Inquiries[0].Replies)
}

// Errors that must not be retried: each reaches the server exactly once and says what to check.
func TestErrorsAreClassifiedAndNotRetried(t *testing.T) {
	t.Parallel()
	html403 := "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Request blocked</body></html>"
	cases := []struct {
		name, body, hint string
		status           int
		kind             ErrorKind
	}{
		{"range", `{"code":400,"message":"time interval needs to be less than or equal to 7 days, pattern should be yyyy-MM-dd"}`, "at most 7 calendar days", 400, KindBadRequest},
		{"vendor", `{"code":"ERROR","message":"Invalid vendor ID"}`, "check vendor_id", 400, KindBadRequest},
		{"option ID", `{"code":400,"message":"Invalid vendorItemId '9223372036854775807': must be a positive number"}`, "check the request parameters", 400, KindBadRequest},
		{"expired", `{"code":401,"message":"Specified signature is expired."}`, "clock", 401, KindAuth},
		{"signature", `{"code":401,"message":"Invalid signature."}`, "check access_key and secret_key, and that this machine's clock is correct", 401, KindAuth},
		{"ip", `{"code":403,"message":"Not allowed IP"}`, "register this machine's public IP for the key in Coupang Wing (Open API settings)", 403, KindForbidden},
		{"html 403", html403, "probably blocked", 403, KindForbidden},
		{"404", `{"code":404,"message":"Not Found"}`, "check vendor_id", 404, KindNotFound},
		{"302", ``, "probably blocked", 302, KindForbidden},
		{"300", ``, "probably blocked", 300, KindForbidden},
		{"200 html", html403, "check base_url", 200, KindDecode},
		{"200 malformed", `{"code":200,"message":"OK","data":{"content":[{"inquiryId":1`, "check base_url", 200, KindDecode},
		{"200 code 400", `{"code":"400","message":"Invalid vendor ID"}`, "check vendor_id", 200, KindBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if tc.status == 302 {
					http.Redirect(w, r, "/blocked.html", http.StatusFound)
					return
				}
				if strings.HasPrefix(tc.body, "<") {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
					return
				}
				writeJSON(w, tc.status, tc.body)
			})
			c := newTestClient(t, f.URL)
			page, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
			require.Error(t, err)
			assert.Nil(t, page)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.kind, e.Kind, err.Error())
			assert.Contains(t, err.Error(), tc.hint)
			assert.Equal(t, 1, f.hits(), "must not be retried")
			assert.Equal(t, 1, e.Attempts)
			assert.NotContains(t, err.Error(), "after 1 attempts")
		})
	}
}

func TestHTMLErrorNamesWhatCameBack(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(403)
		_, _ = w.Write([]byte("<html><head><title>Access Denied</title></head><body>You are blocked</body></html>"))
	})
	_, err := newTestClient(t, f.URL).GetInquiry(context.Background(), 5)
	assert.Contains(t, err.Error(), `forbidden (HTTP 403): HTML page: "Access Denied"`)
	assert.Equal(t, 403, err.(*Error).StatusCode)
}

func TestRetries429ThenSucceeds(t *testing.T) {
	t.Parallel()
	for _, retryAfter := range []string{"", "2", testNow.Add(5 * time.Second).Format(http.TimeFormat), "3600"} {
		t.Run("Retry-After="+retryAfter, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit == 1 {
					if retryAfter != "" {
						w.Header().Set("Retry-After", retryAfter)
					}
					writeJSON(w, 429, `{"code":429,"message":"Too many requests"}`)
					return
				}
				writeJSON(w, 200, okList)
			})
			c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MinBackoff, cfg.MaxBackoff = time.Second, 3*time.Second })
			var delays []time.Duration
			c.sleep = func(_ context.Context, d time.Duration) error { delays = append(delays, d); return nil }
			_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
			require.NoError(t, err)
			assert.Equal(t, 2, f.hits())
			require.Len(t, delays, 1)
			switch retryAfter {
			case "":
				assert.GreaterOrEqual(t, delays[0], time.Second)
				assert.LessOrEqual(t, delays[0], 2*time.Second)
			case "2":
				assert.Equal(t, 2*time.Second, delays[0])
			case "3600":
				assert.Equal(t, DefaultMaxRetryAfter, delays[0], "capped")
			default:
				assert.Equal(t, 5*time.Second, delays[0], "HTTP date")
			}
		})
	}
}

// 500 x N: bounded attempts, each freshly signed, and a final error that counts them.
func TestServerErrorsExhaustAttempts(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 500, `{"code":500,"message":"Internal Server Error"}`)
	})
	var clock atomic.Int64
	var infos []RequestInfo
	c := newTestClient(t, f.URL, func(cfg *Config) {
		cfg.MaxAttempts = 3
		cfg.Now = func() time.Time { return testNow.Add(time.Duration(clock.Add(1)) * time.Second) }
	})
	ctx := WithRequestHook(context.Background(), func(i RequestInfo) { infos = append(infos, i) })
	_, err := c.ListInquiries(ctx, ListRequest{VendorItemID: 1})
	require.Error(t, err)
	assert.Equal(t, KindServer, KindOf(err))
	assert.Contains(t, err.Error(), "after 3 attempts")
	assert.Contains(t, err.Error(), "Internal Server Error")
	assert.Equal(t, 3, f.hits())

	sigs := map[string]bool{}
	for _, s := range f.requests() {
		_, sig := verifySignature(t, s)
		sigs[sig] = true
	}
	assert.Len(t, sigs, 3, "a fresh signature for every attempt")
	require.Len(t, infos, 3)
	for i, info := range infos {
		assert.Equal(t, RequestInfo{Method: "GET", Path: ListPath(testVendor), Attempt: i + 1, StatusCode: 500,
			Duration: info.Duration, Kind: KindServer}, info)
	}
}

func TestRetriesRetryableFailuresThenSucceeds(t *testing.T) {
	t.Parallel()
	faults := map[string]func(w http.ResponseWriter){
		"code 500 in 200": func(w http.ResponseWriter) { writeJSON(w, 200, `{"code":500,"message":"temporary"}`) },
		"408":             func(w http.ResponseWriter) { writeJSON(w, 408, `{"code":408,"message":"Request Timeout"}`) },
		"502 garbled":     func(w http.ResponseWriter) { writeJSON(w, 502, "<html>Bad Gateway") },
		"504 truncated":   func(w http.ResponseWriter) { writeJSON(w, 504, `{"code":504,"mess`) },
		"truncated 200": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"code":200,"message":"OK","data":{"content":[`))
		},
		"connection reset": resetConnection,
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit == 1 {
					fault(w)
					return
				}
				writeJSON(w, 200, okList)
			})
			page, err := newTestClient(t, f.URL).ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
			require.NoError(t, err)
			assert.NotNil(t, page)
			assert.Equal(t, 2, f.hits())
		})
	}
}

// resetConnection closes the connection with a TCP RST, without any response.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func TestConnectionResetsExhaustAttempts(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { resetConnection(w) })
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 2 })
	_, err := c.GetInquiry(context.Background(), 5)
	assert.Equal(t, KindNetwork, KindOf(err), err)
	assert.Contains(t, err.Error(), "after 2 attempts")
	assert.Equal(t, 2, f.hits())
}

// TestSlowResponseTimesOutPerAttempt: each attempt ends at its own timeout and is retried. The
// attempts are counted as the client reports them: on a busy machine an attempt may time out
// before the server has read it, so the server's count may be lower, never higher.
func TestSlowResponseTimesOutPerAttempt(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Timeout = 500 * time.Millisecond; cfg.MaxAttempts = 2 })
	var attempts []RequestInfo
	ctx := WithRequestHook(context.Background(), func(i RequestInfo) { attempts = append(attempts, i) })
	_, err := c.ListInquiries(ctx, ListRequest{VendorItemID: 1})
	require.Error(t, err)
	assert.Equal(t, KindNetwork, KindOf(err))
	assert.Contains(t, err.Error(), "per-attempt timeout")
	assert.Contains(t, err.Error(), "after 2 attempts")
	require.Len(t, attempts, 2)
	for i, a := range attempts {
		assert.Equal(t, i+1, a.Attempt)
		assert.Equal(t, KindNetwork, a.Kind, "attempt %d", i+1)
		assert.Zero(t, a.StatusCode, "attempt %d got no answer", i+1)
	}
	assert.LessOrEqual(t, f.hits(), 2)
}

func TestContextCancellation(t *testing.T) {
	t.Parallel()
	t.Run("during a request", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{})
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			close(arrived)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		_, err := newTestClient(t, f.URL).ListInquiries(ctx, ListRequest{VendorItemID: 1})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, ErrorKind(0), KindOf(err), "a cancellation is not an API error")
		assert.Equal(t, 1, f.hits())
	})
	t.Run("during a backoff", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeJSON(w, 503, `{"code":503,"message":"busy"}`)
			cancel()
		})
		c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MinBackoff, cfg.MaxBackoff = time.Hour, time.Hour })
		_, err := c.ListInquiries(ctx, ListRequest{VendorItemID: 1})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, f.hits())
	})
	t.Run("before the call", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, okList) })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newTestClient(t, f.URL).GetInquiry(ctx, 5)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// The reserve hook runs before every request, retries included; the signature is made after it.
func TestWithReserveBeforeSigning(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit < 3 {
			writeJSON(w, 429, `{"code":429,"message":"Too many requests"}`)
			return
		}
		writeJSON(w, 200, okList)
	})
	var mu sync.Mutex
	now := testNow
	base := newTestClient(t, f.URL, func(cfg *Config) {
		cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	reserves := 0
	c := base.WithReserve(func(ctx context.Context) (func(), error) {
		mu.Lock()
		defer mu.Unlock()
		reserves++
		now = now.Add(time.Minute) // the clock moves while waiting
		return func() {}, nil
	})
	_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	require.NoError(t, err)
	assert.Equal(t, 3, reserves)
	assert.Equal(t, 3, f.hits())
	for i, s := range f.requests() {
		date, _ := verifySignature(t, s)
		assert.Equal(t, testNow.Add(time.Duration(i+1)*time.Minute).Format(SignedDateLayout), date, "signed after the wait")
	}

	stop := errors.New("limiter closed")
	_, err = base.WithReserve(func(context.Context) (func(), error) { return nil, stop }).GetInquiry(context.Background(), 5)
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 3, f.hits(), "no request after a failed reserve")
}

// Keys, signatures and the Authorization header never reach an error or a log line, even when the
// server echoes the request's headers or the access key back.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		auth := r.Header.Get("Authorization")
		switch hit % 5 {
		case 1:
			writeJSON(w, 401, fmt.Sprintf(`{"code":401,"message":"Invalid signature. header was %s"}`, auth))
		case 2:
			w.WriteHeader(403)
			_, _ = fmt.Fprintf(w, "<html><title>%s</title><body>%s %s</body></html>", auth, auth, testSecret)
		case 3:
			writeJSON(w, 500, fmt.Sprintf(`{"code":500,"message":"secret %s sig %s"}`, testSecret, auth))
		case 4: // the access key alone, outside any header
			writeJSON(w, 401, fmt.Sprintf(`{"code":401,"message":"Invalid access key: %s"}`, testAccess))
		default:
			writeJSON(w, 200, fmt.Sprintf("not json %s", auth))
		}
	})
	var buf bytes.Buffer
	logger := hclog.New(&hclog.LoggerOptions{Output: &buf, Level: hclog.Trace})
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Logger = logger; cfg.MaxAttempts = 1 })
	var msgs []string
	for i := 0; i < 5; i++ {
		_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
		require.Error(t, err)
		msgs = append(msgs, err.Error(), fmt.Sprintf("%+v", err))
	}
	require.NotEmpty(t, buf.String())
	var sigs []string
	for _, s := range f.requests() {
		_, sig := verifySignature(t, s)
		sigs = append(sigs, sig)
	}
	for _, text := range append(msgs, buf.String()) {
		assert.NotContains(t, text, testSecret)
		assert.NotContains(t, text, testAccess)
		assert.NotContains(t, text, "CEA algorithm")
		for _, sig := range sigs {
			assert.NotContains(t, text, sig)
		}
	}
}

// roundTripFunc is an http.RoundTripper, as a caller's HTTPClient may bring its own.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoSecretsInTransportErrors: a caller's transport whose error quotes the request's headers
// (a proxy, a logging wrapper) leaks neither the keys nor the signature into the error.
func TestNoSecretsInTransportErrors(t *testing.T) {
	t.Parallel()
	var sig string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		auth := r.Header.Get("Authorization")
		sig = auth[strings.LastIndex(auth, "=")+1:]
		return nil, fmt.Errorf("proxy refused a request with Authorization: %s", auth)
	})}
	c := newTestClient(t, "https://example.com", func(cfg *Config) { cfg.HTTPClient, cfg.MaxAttempts = hc, 1 })
	_, err := c.GetInquiry(context.Background(), 5)
	require.Equal(t, KindNetwork, KindOf(err), "%v", err)
	require.Len(t, sig, 64)
	for _, secret := range []string{testAccess, sig, "CEA algorithm"} {
		assert.NotContains(t, err.Error(), secret)
	}
}

// TestOversizedBodyIsRefused: a body over maxBodyBytes is an error, not decoded from its first
// maxBodyBytes, even when those would read as a valid page.
func TestOversizedBodyIsRefused(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, okList+strings.Repeat(" ", maxBodyBytes))
	})
	_, err := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 1 }).ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	assert.Equal(t, KindDecode, KindOf(err))
	assert.ErrorContains(t, err, "larger than")
}

// TestOversizedBodyWithAKeyIsRefused: the size limit is applied to the body as received; the
// redaction of a key longer than its replacement must not bring an oversized body under it.
func TestOversizedBodyWithAKeyIsRefused(t *testing.T) {
	t.Parallel()
	body := `{"code":200,"message":"` + testSecret + `","data":` + okList[strings.Index(okList, `{"content"`):]
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, body+strings.Repeat(" ", maxBodyBytes+1-len(body)))
	})
	_, err := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 1 }).ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	assert.Equal(t, KindDecode, KindOf(err))
	assert.ErrorContains(t, err, "larger than")
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	ok := Config{VendorID: testVendor, AccessKey: testAccess, SecretKey: testSecret}
	c, err := New(ok)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, c.BaseURL())
	assert.Equal(t, DefaultTimeout, c.cfg.Timeout)
	// The shared rate budget is keyed by BaseURL: every spelling of one address is one budget.
	for base, want := range map[string]string{
		DefaultBaseURL + "/":                   DefaultBaseURL,
		"HTTPS://API-Gateway.Coupang.COM:443/": DefaultBaseURL,
		"https://api-gateway.coupang.com:8443": "https://api-gateway.coupang.com:8443",
		"http://LOCALHOST:80":                  "http://localhost",
		"http://[::1]:80/":                     "http://[::1]",
		"http://127.0.0.1:443":                 "http://127.0.0.1:443",
		// An empty port, a port with leading zeros and the root's trailing dot name the same server.
		"https://api-gateway.coupang.com:":      DefaultBaseURL,
		"https://api-gateway.coupang.com:0443":  DefaultBaseURL,
		"https://api-gateway.coupang.com.":      DefaultBaseURL,
		"https://api-gateway.coupang.com.:443/": DefaultBaseURL,
		"https://api-gateway.coupang.com:08443": "https://api-gateway.coupang.com:8443",
		"http://[::1]:":                         "http://[::1]",
		"https://[FE80::1%25eth0]:443":          "https://[fe80::1%25eth0]",
	} {
		spelled := ok
		spelled.BaseURL = base
		c, err = New(spelled)
		require.NoError(t, err, base)
		assert.Equal(t, want, c.BaseURL(), base)
	}
	assert.Equal(t, DefaultMaxAttempts, c.cfg.MaxAttempts)

	bad := ok
	bad.BaseURL = "http://api-gateway.coupang.com"
	_, err = New(bad)
	assert.ErrorContains(t, err, "use https")
	bad = ok
	bad.MinBackoff, bad.MaxBackoff = time.Minute, time.Second
	_, err = New(bad)
	assert.Error(t, err)
	bad = ok
	bad.Timeout = -time.Second
	_, err = New(bad)
	assert.ErrorContains(t, err, "must not be negative")
}

func TestValidateBaseURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://api-gateway.coupang.com", "https://api-gateway.coupang.com/", "http://127.0.0.1:8080",
		"http://127.5.0.1", "http://[::1]:9", "http://localhost:1234", "http://LOCALHOST", "http://localhost.:8080"} {
		_, err := parseBaseURL(u)
		assert.NoError(t, err, u)
	}
	for u, want := range map[string]string{
		"http://example.com":                  "use https",
		"http://10.0.0.1":                     "use https",
		"ftp://example.com":                   "must start with https://",
		"api-gateway.coupang.com":             "base_url has no scheme: start it with https://",
		"127.0.0.1:8080":                      "base_url has no scheme: start it with https://",
		"https://":                            "has no host",
		"https://.":                           "has no host",
		"https://.:443/":                      "has no host",
		"http://127.0.0.1:99999":              "has port 99999: use a port from 1 to 65535",
		"https://example.com:0":               "has port 0",
		"https://example.com:65536":           "has port 65536",
		"https://example.com#top":             "has a fragment (#...)",
		"https://api-gateway.coupang.com/v2/": "without a path",
		"https://user:pw@example.com":         "has a user or password (an @)",
		"https://example.com/?x=1":            "without a path",
		"://bad":                              "is not a URL",
	} {
		_, err := parseBaseURL(u)
		require.Error(t, err, u)
		assert.Contains(t, err.Error(), want, u)
	}
	// Nothing that can hold a key is shown: a user name, a password (also one with a / in it, which
	// url.Parse reads as a port it quotes), a query or a fragment.
	for _, u := range []string{"https://u:secretpw@/", "https://u:secretpw@host:bad/", "https://u:secretpw@host/%zz", "ftp://u:secretpw@host",
		"https://secretpw@example.com", "https://secretpw:x@example.com", "https://u:secret/pw@example.com", "https://example.com?key=secretpw",
		"https://example.com/#secretpw", "u:secretpw@example.com",
		"https://u:1234/secretpw@example.com", "https://secret/pw@example.com", "https://example.com:secretpw/"} {
		_, err := parseBaseURL(u)
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "secret", u)
	}
	// A quote inside what a parser quotes is escaped; the part after it is hidden too.
	assert.Equal(t, `invalid URL escape "…"; at "…"`, Unquoted(`invalid URL escape "%\"s"; at "a\\"`))
	assert.Equal(t, `bad "…"`, Unquoted(`bad "key\"`), "a quote left open hides the rest")
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 3*time.Second, parseRetryAfter("3", testNow))
	assert.Equal(t, time.Duration(0), parseRetryAfter("", testNow))
	assert.Equal(t, time.Duration(0), parseRetryAfter("soon", testNow))
	assert.Equal(t, time.Duration(0), parseRetryAfter(testNow.Add(-time.Minute).Format(http.TimeFormat), testNow))
	assert.Equal(t, 90*time.Second, parseRetryAfter(testNow.Add(90*time.Second).Format(http.TimeFormat), testNow))
	assert.Equal(t, 24*time.Hour, parseRetryAfter("10000000000", testNow), "clamped before it overflows a Duration")
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "https://example.com", func(cfg *Config) { cfg.MinBackoff, cfg.MaxBackoff = 100*time.Millisecond, time.Second })
	for n := 1; n < 40; n++ {
		d := c.backoff(n, 0)
		assert.GreaterOrEqual(t, d, 100*time.Millisecond)
		assert.LessOrEqual(t, d, time.Second)
	}
	assert.Equal(t, 7*time.Second, c.backoff(1, 7*time.Second))
	// Before attempt n+1 the jitter stays under MinBackoff*2^n, here 800ms of the 1s allowed.
	for range 100 {
		assert.LessOrEqual(t, c.backoff(3, 0), 800*time.Millisecond)
	}
	// A MinBackoff so large that MinBackoff<<n overflows still gives MinBackoff.
	huge := time.Duration(1<<40 + 1)
	c = newTestClient(t, "https://example.com", func(cfg *Config) { cfg.MinBackoff, cfg.MaxBackoff = huge, huge })
	for n := 1; n < 40; n++ {
		assert.Equal(t, huge, c.backoff(n, 0), "attempt %d", n)
	}
}

// TestUnreachableHostIsNotRetried: nothing listening at the address, or a host name that does not
// resolve, fails after one attempt; a connection that was accepted and then reset is retried
// (TestConnectionResetsExhaustAttempts).
func TestUnreachableHostIsNotRetried(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	noSuchHost := &http.Client{Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "api-gateway.example", IsNotFound: true}
	}}}
	for name, mod := range map[string]func(*Config){
		"refused":      func(cfg *Config) { cfg.BaseURL = refused },
		"no such host": func(cfg *Config) { cfg.HTTPClient = noSuchHost },
	} {
		attempts := 0
		c := newTestClient(t, "https://api-gateway.example", mod, func(cfg *Config) { cfg.MaxAttempts = 5 })
		_, err := c.GetInquiry(WithRequestHook(context.Background(), func(RequestInfo) { attempts++ }), 5)
		assert.Equal(t, KindNetwork, KindOf(err), name)
		assert.Equal(t, 1, attempts, "%s: one attempt, no retries", name)
		assert.Contains(t, err.Error(), hintFor(KindNetwork, "", false), name)
		assert.NotContains(t, err.Error(), "HTTP", "%s: no status came back", name)
		assert.NotContains(t, err.Error(), "://", "%s: the path is shown once, without the URL", name)
	}
	// A DNS lookup that timed out may succeed on a retry.
	dnsTimeout := &http.Client{Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "i/o timeout", Name: "api-gateway.example", IsTimeout: true}
	}}}
	attempts := 0
	c := newTestClient(t, "https://api-gateway.example", func(cfg *Config) { cfg.HTTPClient, cfg.MaxAttempts = dnsTimeout, 3 })
	_, err = c.GetInquiry(WithRequestHook(context.Background(), func(RequestInfo) { attempts++ }), 5)
	assert.Equal(t, KindNetwork, KindOf(err))
	assert.Equal(t, 3, attempts, "a DNS timeout is retried")
}

// recordingReuse serves the pages in serve and records the pages listed.
type recordingReuse struct {
	serve  map[any]any
	listed []any
}

func (r *recordingReuse) Page(_ context.Context, req any) (any, bool) {
	p, ok := r.serve[req]
	return p, ok
}
func (r *recordingReuse) Listed(_, page any)     { r.listed = append(r.listed, page) }
func (r *recordingReuse) Inquiry(int64) *Inquiry { return nil }

// TestWithReuse: a page the policy holds is not sent; only a page Coupang returned is recorded,
// never a failed call's nil.
func TestWithReuse(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit == 1 {
			writeJSON(w, 500, `{"code":500,"message":"temporary"}`)
			return
		}
		writeJSON(w, 200, okList)
	})
	held := &Page{}
	reuse := &recordingReuse{serve: map[any]any{ListRequest{VendorItemID: 2}: held}}
	c := newTestClient(t, f.URL, func(cfg *Config) { cfg.MaxAttempts = 1 }).WithReuse(reuse)
	_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	require.Error(t, err)
	assert.Equal(t, []any{nil}, reuse.listed, "a failed call is listed as nil")
	page, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	require.NoError(t, err)
	assert.Equal(t, []any{nil, page}, reuse.listed)
	got, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 2})
	require.NoError(t, err)
	assert.Same(t, held, got)
	assert.Equal(t, 2, f.hits(), "the held page was not asked for")
}
