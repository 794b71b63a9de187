package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// fixedNow is a fixed clock: 2026-01-15 12:04:05 UTC = 21:04:05 KST.
var fixedNow = time.Date(2026, 1, 15, 12, 4, 5, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

// call is one request to the sandbox, signed unless overridden.
type call struct {
	method    string
	path      string
	rawQuery  string
	auth      *string // nil: sign properly
	signAt    time.Time
	requester *string // X-Requested-By; nil: the vendor
	ctype     *string // Content-Type; nil: Coupang's JSON type
	twice     string  // a header sent a second time, the same
}

type answer struct {
	status int
	header http.Header
	body   []byte
	env    struct {
		Code    json.Number     `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
}

func do(t *testing.T, s *sandbox.Server, base string, c call) answer {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	u := base + c.path
	if c.rawQuery != "" {
		u += "?" + c.rawQuery
	}
	req, err := http.NewRequest(c.method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := c.signAt
	if at.IsZero() {
		at = fixedNow
	}
	if c.auth != nil {
		if *c.auth != "" {
			req.Header.Set("Authorization", *c.auth)
		}
	} else {
		req.Header.Set("Authorization", api.Authorization(s.AccessKey(), s.SecretKey(), at, c.method, c.path, c.rawQuery))
	}
	if c.requester != nil {
		if *c.requester != "" {
			req.Header.Set("X-Requested-By", *c.requester)
		}
	} else {
		req.Header.Set("X-Requested-By", s.VendorID())
	}
	if c.ctype == nil {
		req.Header.Set("Content-Type", sandbox.JSONContentType)
	} else if *c.ctype != "" {
		req.Header.Set("Content-Type", *c.ctype)
	}
	if c.twice != "" {
		req.Header.Add(c.twice, req.Header.Get(c.twice))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, u, err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	a.body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(a.body)))
	dec.UseNumber()
	if err := dec.Decode(&a.env); err != nil {
		t.Fatalf("body is not JSON: %v: %q", err, a.body)
	}
	return a
}

func str(s string) *string { return &s }

// listRequest is a list call with query q to the server at base, signed at signAt with s's keys.
func listRequest(s *sandbox.Server, base, q string, signAt time.Time) *http.Request {
	req, _ := http.NewRequest("GET", base+listPath+"?"+q, nil)
	req.Header.Set("Authorization", api.Authorization(s.AccessKey(), s.SecretKey(), signAt, "GET", listPath, q))
	req.Header.Set("X-Requested-By", s.VendorID())
	req.Header.Set("Content-Type", sandbox.JSONContentType)
	return req
}

var listPath = api.ListPath(sandbox.DemoVendorID)

// page is the list answer as decoded by this test (independently of the client package).
type page struct {
	Content []struct {
		InquiryID                 int64            `json:"inquiryId"`
		CSPartnerCounselingStatus string           `json:"csPartnerCounselingStatus"`
		InquiryStatus             string           `json:"inquiryStatus"`
		VendorItemID              []int64          `json:"vendorItemId"`
		InquiryAt                 string           `json:"inquiryAt"`
		AnsweredAt                *string          `json:"answeredAt"`
		Replies                   []map[string]any `json:"replies"`
	} `json:"content"`
	Pagination struct {
		CurrentPage   int `json:"currentPage"`
		TotalPages    int `json:"totalPages"`
		TotalElements int `json:"totalElements"`
		CountPerPage  int `json:"countPerPage"`
	} `json:"pagination"`
}

func decodePage(t *testing.T, a answer) page {
	t.Helper()
	if a.status != 200 || a.env.Code.String() != "200" || a.env.Message != "OK" {
		t.Fatalf("want 200 OK, got HTTP %d %s", a.status, a.body)
	}
	var p page
	if err := json.Unmarshal(a.env.Data, &p); err != nil {
		t.Fatalf("decode page: %v", err)
	}
	return p
}

func newServer(t *testing.T, o sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	if o.Now == nil {
		o.Now = fixedClock
	}
	return startServer(t, o)
}

// startServer serves a new sandbox built with o on loopback until the test ends.
func startServer(t *testing.T, o sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	s := sandbox.New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func TestRulesReject(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	const v = "vendorId=A00012345"
	good := v + "&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=1&pageSize=30"
	signed := func(secret, date, q string) string {
		return "CEA algorithm=HmacSHA256, access-key=" + sandbox.DemoAccessKey + ", signed-date=" + date +
			", signature=" + api.Signature(secret, date, "GET", listPath, q)
	}
	nowDate := fixedNow.Format(api.SignedDateLayout)
	sig := api.Signature(sandbox.DemoSecretKey, nowDate, "GET", listPath, good)
	checkRejections(t, s, base, []rejection{
		{"no auth", call{path: listPath, rawQuery: good, auth: str("")}, 401, sandbox.MsgInvalidSignature},
		{"garbled auth", call{path: listPath, rawQuery: good, auth: str("CEA nonsense")}, 401, sandbox.MsgInvalidSignature},
		{"bearer auth", call{path: listPath, rawQuery: good, auth: str("Bearer abc")}, 401, sandbox.MsgInvalidSignature},
		{"wrong algorithm", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), "HmacSHA256", "HmacSHA1", 1))}, 401, sandbox.MsgInvalidSignature},
		{"extra auth field", call{path: listPath, rawQuery: good, auth: str(signed(sandbox.DemoSecretKey, nowDate, good) + ", nonce=1")}, 401, sandbox.MsgInvalidSignature},
		{"misnamed auth field", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), "access-key=", "access-kex=", 1))}, 401, sandbox.MsgInvalidSignature},
		{"auth fields without spaces", call{path: listPath, rawQuery: good, auth: str(strings.Replace(strings.ReplaceAll(signed(sandbox.DemoSecretKey, nowDate, good), ", ", ","), "HmacSHA256,", "HmacSHA256, ", 1))}, 401, sandbox.MsgInvalidSignature},
		{"empty access key", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), "access-key="+sandbox.DemoAccessKey, "access-key=", 1))}, 401, sandbox.MsgInvalidSignature},
		{"unknown access key", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), sandbox.DemoAccessKey, "other-key", 1))}, 401, sandbox.MsgInvalidAccessKey},
		{"access key with a suffix", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), sandbox.DemoAccessKey, sandbox.DemoAccessKey+"0", 1))}, 401, sandbox.MsgInvalidAccessKey},
		{"wrong secret", call{path: listPath, rawQuery: good, auth: str(signed("wrong-secret", nowDate, good))}, 401, sandbox.MsgInvalidSignature},
		{"signature in upper case", call{path: listPath, rawQuery: good, auth: str(strings.Replace(signed(sandbox.DemoSecretKey, nowDate, good), sig, strings.ToUpper(sig), 1))}, 401, sandbox.MsgInvalidSignature},
		{"signature with ?", call{path: listPath, rawQuery: good, auth: str(signed(sandbox.DemoSecretKey, nowDate, "?"+good))}, 401, sandbox.MsgInvalidSignature},
		{"signature of other query", call{path: listPath, rawQuery: good, auth: str(signed(sandbox.DemoSecretKey, nowDate, strings.Replace(good, "pageSize=30", "pageSize=10", 1)))}, 401, sandbox.MsgInvalidSignature},
		{"garbled date", call{path: listPath, rawQuery: good, auth: str(signed(sandbox.DemoSecretKey, "2026-01-15T12:04:05Z", good))}, 401, sandbox.MsgExpired},
		{"signed-date with fraction", call{path: listPath, rawQuery: good, auth: str(signed(sandbox.DemoSecretKey, "260115T120405.5Z", good))}, 401, sandbox.MsgExpired},
		{"expired -6min", call{path: listPath, rawQuery: good, signAt: fixedNow.Add(-6 * time.Minute)}, 401, sandbox.MsgExpired},
		{"expired -5min1s", call{path: listPath, rawQuery: good, signAt: fixedNow.Add(-5*time.Minute - time.Second)}, 401, sandbox.MsgExpired},
		{"future +6min", call{path: listPath, rawQuery: good, signAt: fixedNow.Add(6 * time.Minute)}, 401, sandbox.MsgExpired},
		{"future +5min1s", call{path: listPath, rawQuery: good, signAt: fixedNow.Add(5*time.Minute + time.Second)}, 401, sandbox.MsgExpired},
		{"vendor path", call{path: api.ListPath("A00099999"), rawQuery: good}, 400, sandbox.MsgInvalidVendor},
		{"vendor query", call{path: listPath, rawQuery: strings.Replace(good, v, "vendorId=A00099999", 1)}, 400, sandbox.MsgInvalidVendor},
		{"vendor query missing", call{path: listPath, rawQuery: strings.Replace(good, v+"&", "", 1)}, 400, sandbox.MsgInvalidVendor},
		{"vendor header", call{path: listPath, rawQuery: good, requester: str("A00099999")}, 400, sandbox.MsgInvalidVendor},
		{"vendor header missing", call{path: listPath, rawQuery: good, requester: str("")}, 400, sandbox.MsgInvalidVendor},
		{"vendor header lower case", call{path: listPath, rawQuery: good, requester: str(strings.ToLower(sandbox.DemoVendorID))}, 400, sandbox.MsgInvalidVendor},
		{"content type missing", call{path: listPath, rawQuery: good, ctype: str("")}, 400, sandbox.MsgContentType},
		{"content type form", call{path: listPath, rawQuery: good, ctype: str("application/x-www-form-urlencoded")}, 400, sandbox.MsgContentType},
		{"content type without charset", call{path: listPath, rawQuery: good, ctype: str("application/json")}, 400, sandbox.MsgContentType},
		{"content type lower-case charset", call{path: listPath, rawQuery: good, ctype: str("application/json;charset=utf-8")}, 400, sandbox.MsgContentType},
		{"content type missing, single", call{path: api.InquiryPath(1), ctype: str("")}, 400, sandbox.MsgContentType},
		// Each header comes once: a second copy, even the same, is refused as a wrong one is.
		{"auth twice", call{path: listPath, rawQuery: good, twice: "Authorization"}, 401, sandbox.MsgInvalidSignature},
		{"content type twice", call{path: listPath, rawQuery: good, twice: "Content-Type"}, 400, sandbox.MsgContentType},
		{"vendor header twice", call{path: listPath, rawQuery: good, twice: "X-Requested-By"}, 400, sandbox.MsgInvalidVendor},
		{"auth checked before content type", call{path: listPath, rawQuery: good, ctype: str(""), auth: str("")}, 401, sandbox.MsgInvalidSignature},
		{"status missing", call{path: listPath, rawQuery: strings.Replace(good, "&partnerCounselingStatus=NONE", "", 1)}, 400, "Required parameter 'partnerCounselingStatus'*"},
		{"status empty", call{path: listPath, rawQuery: strings.Replace(good, "=NONE", "=", 1)}, 400, "Required parameter 'partnerCounselingStatus'*"},
		{"status bad", call{path: listPath, rawQuery: strings.Replace(good, "=NONE", "=ALL", 1)}, 400, "Invalid partnerCounselingStatus*"},
		{"status lowercase", call{path: listPath, rawQuery: strings.Replace(good, "=NONE", "=none", 1)}, 400, "Invalid partnerCounselingStatus*"},
		{"date pattern 2026-1-9", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-1-9", 1)}, 400, sandbox.MsgInterval},
		{"date pattern slashes", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026/01/09", 1)}, 400, sandbox.MsgInterval},
		{"date with time", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-01-09T00:00:00", 1)}, 400, sandbox.MsgInterval},
		{"date impossible", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-02-30", 1)}, 400, sandbox.MsgInterval},
		{"start = end", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-01-15", 1)}, 400, sandbox.MsgInterval},
		{"start > end", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-01-16", 1)}, 400, sandbox.MsgInterval},
		{"8 inclusive days", call{path: listPath, rawQuery: strings.Replace(good, "2026-01-09", "2026-01-08", 1)}, 400, sandbox.MsgInterval},
		{"end after today", call{path: listPath, rawQuery: strings.Replace(strings.Replace(good, "2026-01-09", "2026-01-10", 1), "2026-01-15", "2026-01-16", 1)}, 400, sandbox.MsgFutureEnd + " '2026-01-16': must not be after today (2026-01-15, Korean time)"},
		{"window in the future", call{path: listPath, rawQuery: strings.Replace(strings.Replace(good, "2026-01-09", "2026-02-01", 1), "2026-01-15", "2026-02-07", 1)}, 400, sandbox.MsgFutureEnd + "*"},
		{"dates missing", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE"}, 400, sandbox.MsgInterval},
		{"end missing", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09"}, 400, sandbox.MsgInterval},
		{"start missing with item", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=4000000001&inquiryEndAt=2026-01-09"}, 400, sandbox.MsgInterval},
		{"end missing with item", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=4000000001&inquiryStartAt=2026-01-09"}, 400, sandbox.MsgInterval},
		{"vendorItemId abc", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=abc"}, 400, "Invalid vendorItemId*"},
		{"vendorItemId 0", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=0"}, 400, "Invalid vendorItemId*"},
		{"vendorItemId negative", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=-5"}, 400, "Invalid vendorItemId*"},
		{"vendorItemId 19 digits", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=1000000000000000000"}, 400, "Invalid vendorItemId*"},
		{"vendorItemId with plus sign", call{path: listPath, rawQuery: v + "&partnerCounselingStatus=NONE&vendorItemId=%2B4000000001"}, 400, "Invalid vendorItemId*"},
		{"orderId abc", call{path: listPath, rawQuery: good + "&orderId=abc"}, 400, "Invalid orderId*"},
		{"pageSize 0", call{path: listPath, rawQuery: strings.Replace(good, "pageSize=30", "pageSize=0", 1)}, 400, "Invalid pageSize*"},
		{"pageSize 31", call{path: listPath, rawQuery: strings.Replace(good, "pageSize=30", "pageSize=31", 1)}, 400, "Invalid pageSize*"},
		{"pageSize abc", call{path: listPath, rawQuery: strings.Replace(good, "pageSize=30", "pageSize=abc", 1)}, 400, "Invalid pageSize*"},
		{"pageNum 0", call{path: listPath, rawQuery: strings.Replace(good, "pageNum=1", "pageNum=0", 1)}, 400, "Invalid pageNum*"},
		{"pageNum -1", call{path: listPath, rawQuery: strings.Replace(good, "pageNum=1", "pageNum=-1", 1)}, 400, "Invalid pageNum*"},
		{"pageNum 01", call{path: listPath, rawQuery: strings.Replace(good, "pageNum=1", "pageNum=01", 1)}, 400, "Invalid pageNum*"},
		{"pageNum past 2^30", call{path: listPath, rawQuery: strings.Replace(good, "pageNum=1", "pageNum=1073741825", 1)}, 400, "Invalid pageNum*"},
		{"unknown param", call{path: listPath, rawQuery: good + "&nextToken=abc"}, 400, "Unknown query parameter 'nextToken'"},
		{"answeredType (product Q&A only)", call{path: listPath, rawQuery: good + "&answeredType=ALL"}, 400, "Unknown query parameter 'answeredType'"},
		{"duplicated param", call{path: listPath, rawQuery: good + "&pageNum=2"}, 400, "Duplicated query parameter 'pageNum'"},
		{"empty parameter", call{path: listPath, rawQuery: good + "&"}, 400, "Malformed query string"},
		{"bad escape in value", call{path: listPath, rawQuery: good + "&orderId=%zz"}, 400, "Malformed query string"},
		{"auth checked before vendor", call{path: api.ListPath("A00099999"), rawQuery: good, auth: str(signed("wrong-secret", nowDate, good))}, 401, sandbox.MsgInvalidSignature},
		{"vendor checked before params", call{path: listPath, rawQuery: "vendorId=A00099999&pageSize=99", requester: str("A00099999")}, 400, sandbox.MsgInvalidVendor},
		{"POST", call{method: "POST", path: listPath, rawQuery: good}, 405, "Method POST not allowed*"},
		{"unknown path", call{path: "/v2/providers/openapi/apis/api/v5/vendors/A00012345/returnRequests", rawQuery: good}, 404, "Not found*"},
		{"v3 path", call{path: "/v2/providers/openapi/apis/api/v3/vendors/A00012345/callCenterInquiries", rawQuery: good}, 404, "Not found*"},
		{"trailing slash", call{path: listPath + "/", rawQuery: good}, 404, "Not found*"},
		{"empty vendor in path", call{path: "/v2/providers/openapi/apis/api/v5/vendors//callCenterInquiries", rawQuery: good}, 404, "Not found*"},
		{"sellers, not vendors", call{path: strings.Replace(listPath, "/vendors/", "/sellers/", 1), rawQuery: good}, 404, "Not found*"},
		{"single unknown id", call{path: api.InquiryPath(1)}, 404, "Inquiry 1 not found*"},
		{"single in v4", call{path: strings.Replace(api.InquiryPath(s.Inquiries()[0].InquiryID), "/v5/", "/v4/", 1)}, 404, "Not found*"},
		{"single bad id", call{path: "/v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/abc"}, 400, "Invalid inquiryId*"},
		{"single id with leading zero", call{path: "/v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/0" + strconv.FormatInt(s.Inquiries()[0].InquiryID, 10)}, 400, "Invalid inquiryId*"},
		{"single vendor header", call{path: api.InquiryPath(1), requester: str("A00099999")}, 400, sandbox.MsgInvalidVendor},
		{"single query param", call{path: api.InquiryPath(1), rawQuery: "vendorId=A00012345"}, 400, "Unknown query parameter 'vendorId'"},
	})
}

// rejection is one request the sandbox must refuse, with its status and message.
type rejection struct {
	name   string
	c      call
	status int
	msg    string // exact, or prefix when ending in "*"
}

// checkRejections sends each request and checks the status, and the code and message of the JSON
// error body.
func checkRejections(t *testing.T, s *sandbox.Server, base string, tests []rejection) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, s, base, tc.c)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			if a.env.Code.String() != strconv.Itoa(tc.status) {
				t.Errorf("body code %s, want %d", a.env.Code, tc.status)
			}
			if p, ok := strings.CutSuffix(tc.msg, "*"); ok {
				if !strings.HasPrefix(a.env.Message, p) {
					t.Errorf("message %q, want prefix %q", a.env.Message, p)
				}
			} else if a.env.Message != tc.msg {
				t.Errorf("message %q, want %q", a.env.Message, tc.msg)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=1&pageSize=30"
	for _, c := range []struct {
		name string
		c    call
	}{
		{"7 inclusive days", call{path: listPath, rawQuery: q}},
		{"signed 4 min ago", call{path: listPath, rawQuery: q, signAt: fixedNow.Add(-4 * time.Minute)}},
		{"signed 4 min ahead", call{path: listPath, rawQuery: q, signAt: fixedNow.Add(4 * time.Minute)}},
		{"signed exactly 5 min ago", call{path: listPath, rawQuery: q, signAt: fixedNow.Add(-5 * time.Minute)}},
		{"v4 path", call{path: "/v2/providers/openapi/apis/api/v4/vendors/A00012345/callCenterInquiries", rawQuery: q}},
		{"2 days", call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=ANSWER&inquiryStartAt=2026-01-14&inquiryEndAt=2026-01-15"}},
		{"vendorItemId alone", call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&vendorItemId=" + strconv.FormatInt(s.VendorItemIDs()[0], 10)}},
		{"vendorItemId with dates", call{path: listPath, rawQuery: q + "&vendorItemId=" + strconv.FormatInt(s.VendorItemIDs()[0], 10)}},
		{"parameters in another order", call{path: listPath, rawQuery: "pageSize=5&inquiryEndAt=2026-01-15&partnerCounselingStatus=TRANSFER&inquiryStartAt=2026-01-09&vendorId=A00012345"}},
		{"percent-encoded value", call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=NO%5FANSWER&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := decodePage(t, do(t, s, base, c.c))
			if p.Pagination.TotalElements == 0 {
				t.Errorf("no rows")
			}
		})
	}
}

// A 405 names the method that is served, in Allow.
func TestMethodNotAllowedAllow(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	a := do(t, s, base, call{method: http.MethodPost, path: listPath})
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != http.MethodGet {
		t.Errorf("HTTP %d, Allow %q: want 405, Allow GET", a.status, a.header.Get("Allow"))
	}
}

// TestWindowEndsTodayInKorea: "today" is the Korean date. At 00:30 KST, still the day before in
// UTC, a window ending on the Korean date is served; one ending a day later is refused.
func TestWindowEndsTodayInKorea(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 15, 15, 30, 0, 0, time.UTC) // 2026-01-16 00:30 KST
	s, base := newServer(t, sandbox.Options{Now: func() time.Time { return now }})
	q := func(start, end string) call {
		return call{path: listPath, signAt: now,
			rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=" + start + "&inquiryEndAt=" + end}
	}
	decodePage(t, do(t, s, base, q("2026-01-10", "2026-01-16")))
	checkRejections(t, s, base, []rejection{
		{"end tomorrow in Korea", q("2026-01-11", "2026-01-17"), 400, sandbox.MsgFutureEnd + " '2026-01-17': must not be after today (2026-01-16, Korean time)"},
	})
}

// TestWindowMidnightEdges: an inquiry at exactly 00:00:00 KST belongs to the day it starts, not to
// the day before. Seed 87 of this size has one at 2026-01-10 00:00:00.
func TestWindowMidnightEdges(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{Seed: 87, Days: 8, PerDay: 400})
	midnight := time.Date(2026, 1, 10, 0, 0, 0, 0, api.KST)
	if !slices.ContainsFunc(s.InquiryTimes(), midnight.Equal) {
		t.Fatalf("no inquiry at %s: the data changed, pick another seed", midnight)
	}
	for _, w := range [][2]string{{"2026-01-08", "2026-01-09"}, {"2026-01-10", "2026-01-11"}} {
		start, _ := time.ParseInLocation(api.DateLayout, w[0], api.KST)
		end, _ := time.ParseInLocation(api.DateLayout, w[1], api.KST)
		want := 0
		for _, at := range s.InquiryTimes() {
			if !at.Before(start) && at.Before(end.AddDate(0, 0, 1)) {
				want++
			}
		}
		p := decodePage(t, do(t, s, base, call{path: listPath,
			rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=" + w[0] + "&inquiryEndAt=" + w[1] + "&pageSize=1"}))
		if p.Pagination.TotalElements != want {
			t.Errorf("%s..%s: totalElements %d, want %d", w[0], w[1], p.Pagination.TotalElements, want)
		}
	}
}

// expected filters s.Inquiries() independently of the server's query code, newest first.
func expected(all []sandbox.Inquiry, start, end string, vendorItemID, orderID int64, status string) []sandbox.Inquiry {
	var out []sandbox.Inquiry
	for _, inq := range all {
		day := inq.InquiryAt.In(api.KST).Format(api.DateLayout)
		if start != "" && (day < start || day > end) {
			continue
		}
		if vendorItemID != 0 && !slices.Contains(inq.VendorItemIDs, vendorItemID) {
			continue
		}
		if orderID != 0 && inq.OrderID != orderID {
			continue
		}
		if !sandbox.MatchesStatus(inq, status) {
			continue
		}
		out = append(out, inq)
	}
	slices.SortFunc(out, func(a, b sandbox.Inquiry) int {
		if c := b.InquiryAt.Compare(a.InquiryAt); c != 0 {
			return c
		}
		return int(b.InquiryID - a.InquiryID)
	})
	return out
}

// fetchAll pages through a query and checks the pagination of every page.
func fetchAll(t *testing.T, s *sandbox.Server, base, q string, size int) []int64 {
	t.Helper()
	var ids []int64
	var total, pages int
	for n := 1; ; n++ {
		p := decodePage(t, do(t, s, base, call{path: listPath, rawQuery: q + "&pageNum=" + strconv.Itoa(n) + "&pageSize=" + strconv.Itoa(size)}))
		if n == 1 {
			total, pages = p.Pagination.TotalElements, p.Pagination.TotalPages
			if want := (total + size - 1) / size; pages != want {
				t.Fatalf("totalPages %d for %d rows of %d, want %d", pages, total, size, want)
			}
		}
		if p.Pagination.TotalElements != total || p.Pagination.TotalPages != pages || p.Pagination.CurrentPage != n || p.Pagination.CountPerPage != size {
			t.Fatalf("page %d pagination %+v, first page said %d rows in %d pages", n, p.Pagination, total, pages)
		}
		if n > pages {
			if len(p.Content) != 0 {
				t.Fatalf("page %d past the end has %d rows", n, len(p.Content))
			}
			break
		}
		wantLen := size
		if n == pages && total%size != 0 {
			wantLen = total % size
		}
		if len(p.Content) != wantLen {
			t.Fatalf("page %d/%d has %d rows, want %d", n, pages, len(p.Content), wantLen)
		}
		for _, c := range p.Content {
			ids = append(ids, c.InquiryID)
		}
	}
	if len(ids) != total {
		t.Fatalf("got %d rows, totalElements %d", len(ids), total)
	}
	return ids
}

func idsOf(inqs []sandbox.Inquiry) []int64 {
	ids := make([]int64, len(inqs))
	for i, q := range inqs {
		ids[i] = q.InquiryID
	}
	return ids
}

func TestFilteringAndPagination(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{Seed: 7, Days: 30, PerDay: 25, HotInquiries: 70})
	all := s.Inquiries()
	first, last := s.Span()
	end := last.Format(api.DateLayout)
	start := last.AddDate(0, 0, -6).Format(api.DateLayout)
	vids := s.VendorItemIDs()
	busiest := vids[0]
	for _, v := range vids {
		if s.VendorItemCount(v) > s.VendorItemCount(busiest) {
			busiest = v
		}
	}
	hot := s.HotVendorItemID()
	if hot != sandbox.DemoHotVendorItemID || s.VendorItemCount(hot) != 70 {
		t.Errorf("hot option %d has %d rows, want 70", hot, s.VendorItemCount(hot))
	}
	var withOrder int64
	for _, inq := range all {
		if inq.OrderID != 0 && inq.InquiryAt.In(api.KST).Format(api.DateLayout) >= start {
			withOrder = inq.OrderID
		}
	}
	for _, status := range api.PartnerCounselingStatuses {
		for _, size := range []int{1, 7, 30} {
			name := status + "/" + strconv.Itoa(size)
			t.Run("window/"+name, func(t *testing.T) {
				got := fetchAll(t, s, base, "vendorId=A00012345&partnerCounselingStatus="+status+"&inquiryStartAt="+start+"&inquiryEndAt="+end, size)
				want := idsOf(expected(all, start, end, 0, 0, status))
				if !slices.Equal(got, want) {
					t.Fatalf("got %d ids, want %d", len(got), len(want))
				}
				if status == api.StatusNone && len(want) == 0 {
					t.Fatal("empty window")
				}
			})
		}
		for _, opt := range []int64{busiest, hot, vids[len(vids)/2]} {
			t.Run("option/"+status+"/"+strconv.FormatInt(opt, 10), func(t *testing.T) {
				got := fetchAll(t, s, base, "vendorId=A00012345&partnerCounselingStatus="+status+"&vendorItemId="+strconv.FormatInt(opt, 10), 30)
				if want := idsOf(expected(all, "", "", opt, 0, status)); !slices.Equal(got, want) {
					t.Fatalf("got %d ids, want %d", len(got), len(want))
				}
			})
		}
	}
	t.Run("oldest window with option", func(t *testing.T) {
		st, en := first.Format(api.DateLayout), first.AddDate(0, 0, 6).Format(api.DateLayout)
		got := fetchAll(t, s, base, "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt="+st+"&inquiryEndAt="+en+"&vendorItemId="+strconv.FormatInt(busiest, 10), 10)
		if want := idsOf(expected(all, st, en, busiest, 0, "NONE")); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("orderId", func(t *testing.T) {
		got := fetchAll(t, s, base, "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt="+start+"&inquiryEndAt="+end+"&orderId="+strconv.FormatInt(withOrder, 10), 10)
		if want := idsOf(expected(all, start, end, 0, withOrder, "NONE")); len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("no rows", func(t *testing.T) {
		p := decodePage(t, do(t, s, base, call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2020-01-01&inquiryEndAt=2020-01-07"}))
		if len(p.Content) != 0 || p.Pagination.TotalPages != 0 || p.Pagination.TotalElements != 0 || p.Pagination.CurrentPage != 1 || p.Pagination.CountPerPage != 10 {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("default page size 10", func(t *testing.T) {
		p := decodePage(t, do(t, s, base, call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=" + start + "&inquiryEndAt=" + end}))
		if p.Pagination.CountPerPage != 10 || len(p.Content) != 10 {
			t.Fatalf("countPerPage %d, %d rows", p.Pagination.CountPerPage, len(p.Content))
		}
	})
}

func TestStatusSemantics(t *testing.T) {
	t.Parallel()
	s := sandbox.New(sandbox.Options{Now: fixedClock, Days: 10, PerDay: 60})
	counts := map[string]int{}
	for _, inq := range s.Inquiries() {
		for _, st := range api.PartnerCounselingStatuses {
			if sandbox.MatchesStatus(inq, st) {
				counts[st]++
			}
		}
		ans, no, tr := sandbox.MatchesStatus(inq, "ANSWER"), sandbox.MatchesStatus(inq, "NO_ANSWER"), sandbox.MatchesStatus(inq, "TRANSFER")
		if ans == no {
			t.Fatalf("inquiry %d is ANSWER=%v and NO_ANSWER=%v", inq.InquiryID, ans, no)
		}
		if tr && !no {
			t.Fatalf("inquiry %d is TRANSFER but not NO_ANSWER", inq.InquiryID)
		}
		if sandbox.MatchesStatus(inq, "none") || sandbox.MatchesStatus(inq, "") {
			t.Fatal("unknown statuses must match nothing")
		}
	}
	if counts["NONE"] != s.Count() || counts["ANSWER"]+counts["NO_ANSWER"] != s.Count() {
		t.Fatalf("counts %v of %d", counts, s.Count())
	}
	for _, st := range []string{"ANSWER", "NO_ANSWER", "TRANSFER"} {
		if counts[st] == 0 || counts[st] == s.Count() {
			t.Errorf("status %s selects %d of %d: want some but not all", st, counts[st], s.Count())
		}
	}
	if counts["TRANSFER"] == counts["NO_ANSWER"] {
		t.Error("want NO_ANSWER inquiries that are not transfers (no reply yet)")
	}
}

func TestDataShape(t *testing.T) {
	t.Parallel()
	s := sandbox.New(sandbox.Options{Now: fixedClock, Days: 14, PerDay: 50})
	all := s.Inquiries()
	first, last := s.Span()
	if got := last.Format(api.DateLayout); got != "2026-01-15" {
		t.Fatalf("today %s", got)
	}
	if !first.Equal(last.AddDate(0, 0, -13)) {
		t.Fatalf("first day %s", first)
	}
	if len(all) != s.Count() || len(all) < 14*50/2 {
		t.Fatalf("%d inquiries, Count %d", len(all), s.Count())
	}
	seen := map[int64]bool{}
	var noReply, multi, noOrder, transfers, answeredNull int
	for _, inq := range all {
		if seen[inq.InquiryID] {
			t.Fatalf("duplicate inquiryId %d", inq.InquiryID)
		}
		seen[inq.InquiryID] = true
		if inq.InquiryAt.Before(first) || inq.InquiryAt.After(fixedNow) {
			t.Fatalf("inquiry %d at %s outside [%s, %s]", inq.InquiryID, inq.InquiryAt, first, fixedNow)
		}
		if inq.InquiryAt.Location() != api.KST {
			t.Fatalf("inquiryAt not in KST")
		}
		if len(inq.VendorItemIDs) == 0 || len(inq.VendorItemIDs) > 3 {
			t.Fatalf("vendorItemIds %v", inq.VendorItemIDs)
		}
		if len(inq.VendorItemIDs) > 1 {
			multi++
		}
		for _, id := range inq.VendorItemIDs {
			if id < 1000000000 || id > 9999999999 {
				t.Fatalf("option ID %d is not 10 digits", id)
			}
		}
		if !strings.Contains(inq.ItemName, ", ") || inq.BuyerEmail != "" || !strings.HasPrefix(inq.BuyerPhone, "010-****-") {
			t.Fatalf("fields %+v", inq)
		}
		if !strings.Contains(inq.ReceiptCategory, ">") {
			t.Fatalf("category %q", inq.ReceiptCategory)
		}
		if inq.OrderID == 0 {
			noOrder++
			if inq.OrderDate != nil {
				t.Fatal("orderDate without order")
			}
		} else if inq.OrderID < 1e13 || inq.OrderID >= 1e14 || inq.OrderDate == nil || !inq.OrderDate.Before(inq.InquiryAt) {
			t.Fatalf("order %d %v at %s", inq.OrderID, inq.OrderDate, inq.InquiryAt)
		}
		if len(inq.Replies) == 0 {
			noReply++
		}
		var lastVendor *time.Time
		prev := inq.InquiryAt
		for _, r := range inq.Replies {
			if r.ReplyAt.Before(prev) || r.ReplyAt.After(fixedNow) {
				t.Fatalf("reply at %s after %s / now", r.ReplyAt, prev)
			}
			prev = r.ReplyAt
			if r.ParentAnswerID != 0 {
				t.Fatal("parentAnswerId")
			}
			switch r.AnswerType {
			case "vendor":
				if r.PartnerTransferStatus != nil || r.NeedAnswer {
					t.Fatal("vendor reply with transfer status")
				}
				ra := r.ReplyAt
				lastVendor = &ra
			case "csAgent":
				if r.PartnerTransferStatus == nil {
					t.Fatal("csAgent reply without transfer status")
				}
				if *r.PartnerTransferStatus == "requestAnswer" {
					transfers++
				}
			default:
				t.Fatalf("answerType %q", r.AnswerType)
			}
		}
		if (lastVendor == nil) != (inq.AnsweredAt == nil) || (lastVendor != nil && !lastVendor.Equal(*inq.AnsweredAt)) {
			t.Fatalf("answeredAt %v, last vendor reply %v", inq.AnsweredAt, lastVendor)
		}
		if inq.AnsweredAt == nil {
			answeredNull++
		}
		if inq.InquiryStatus != "progress" && inq.InquiryStatus != "complete" {
			t.Fatalf("inquiryStatus %q", inq.InquiryStatus)
		}
	}
	if noReply == 0 || multi == 0 || noOrder == 0 || transfers == 0 || answeredNull == 0 {
		t.Errorf("want variety: noReply %d multi-option %d noOrder %d transfers %d answeredAt null %d", noReply, multi, noOrder, transfers, answeredNull)
	}
	t.Logf("%d inquiries: %d without reply, %d with several option IDs, %d without order, %d awaiting transfers",
		len(all), noReply, multi, noOrder, transfers)
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	o := sandbox.Options{Now: fixedClock, Seed: 42, Days: 20, PerDay: 30, HotInquiries: 10}
	a, b := sandbox.New(o).Inquiries(), sandbox.New(o).Inquiries()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("same options gave different data")
	}
	o.Seed = 43
	jc, _ := json.Marshal(sandbox.New(o).Inquiries())
	if string(ja) == string(jc) {
		t.Fatal("another seed gave the same data")
	}
	// Later the same day: the earlier rows are unchanged, new ones are only added after fixedNow.
	early := sandbox.New(o).Inquiries()
	o.Now = func() time.Time { return fixedNow.Add(2 * time.Hour) }
	later := sandbox.New(o).Inquiries()
	if len(later) < len(early) {
		t.Fatalf("later build has %d rows, earlier %d", len(later), len(early))
	}
	// Replies of recent rows are squeezed before the build's clock, so they may differ; identity and
	// time of every row may not, and older rows (replies span at most 4 days) must be identical.
	for i, e := range early {
		l := later[i]
		if e.InquiryID != l.InquiryID || !e.InquiryAt.Equal(l.InquiryAt) || !slices.Equal(e.VendorItemIDs, l.VendorItemIDs) {
			t.Fatalf("row %d changed: %d at %s -> %d at %s", i, e.InquiryID, e.InquiryAt, l.InquiryID, l.InquiryAt)
		}
		if e.InquiryAt.Before(fixedNow.AddDate(0, 0, -4)) {
			je, _ := json.Marshal(e)
			jl, _ := json.Marshal(l)
			if string(je) != string(jl) {
				t.Fatalf("row %d changed in a later build of the same day", e.InquiryID)
			}
		}
	}
	for _, inq := range later[len(early):] {
		if !inq.InquiryAt.After(fixedNow) {
			t.Fatalf("new row %d at %s is not after the first build", inq.InquiryID, inq.InquiryAt)
		}
	}
}

// TestWireFormat checks the raw JSON of the single-inquiry endpoint looks like Coupang's.
func TestWireFormat(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	var unanswered, vendorAnswered sandbox.Inquiry
	for _, inq := range s.Inquiries() {
		if inq.AnsweredAt == nil && len(inq.Replies) > 0 && unanswered.InquiryID == 0 {
			unanswered = inq
		}
		if inq.AnsweredAt != nil && inq.OrderID != 0 {
			vendorAnswered = inq
		}
	}
	for _, inq := range []sandbox.Inquiry{unanswered, vendorAnswered} {
		a := do(t, s, base, call{path: api.InquiryPath(inq.InquiryID)})
		if a.status != 200 || a.env.Code.String() != "200" || a.env.Message != "OK" {
			t.Fatalf("HTTP %d %s", a.status, a.body)
		}
		raw := string(a.body)
		if !strings.HasPrefix(raw, `{"code":200,"message":"OK","data":{"inquiryId":`+strconv.FormatInt(inq.InquiryID, 10)) {
			t.Fatalf("raw %s", raw)
		}
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(string(a.env.Data)))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["vendorItemId"].([]any); !ok {
			t.Errorf("vendorItemId %T, want array", m["vendorItemId"])
		}
		if m["inquiryAt"] != inq.InquiryAt.Format("2006-01-02 15:04:05") {
			t.Errorf("inquiryAt %v, want %s", m["inquiryAt"], inq.InquiryAt.Format("2006-01-02 15:04:05"))
		}
		if inq.AnsweredAt == nil && m["answeredAt"] != nil {
			t.Errorf("answeredAt %v, want null", m["answeredAt"])
		}
		if _, ok := m["answeredAt"]; !ok {
			t.Error("answeredAt absent, want null")
		}
		if inq.OrderID != 0 && m["orderId"] != json.Number(strconv.FormatInt(inq.OrderID, 10)) {
			t.Errorf("orderId %v", m["orderId"])
		}
		for _, r := range m["replies"].([]any) {
			rm := r.(map[string]any)
			if rm["parentAnswerId"] != json.Number("0") {
				t.Errorf("parentAnswerId %v", rm["parentAnswerId"])
			}
			if _, isNum := rm["answerId"].(json.Number); !isNum {
				t.Errorf("answerId %T", rm["answerId"])
			}
			if rm["answerType"] == "vendor" && rm["partnerTransferStatus"] != nil {
				t.Errorf("vendor partnerTransferStatus %v", rm["partnerTransferStatus"])
			}
		}
		if strings.Contains(raw, `\u003c`) || strings.Contains(raw, `\u003e`) {
			t.Error("HTML-escaped JSON; Coupang sends < and > as is")
		}
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	send := func() (*http.Response, []byte, error) {
		req := listRequest(s, base, q, fixedNow)
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	var fault *sandbox.Fault
	var calls []int64
	s.SetFault(func(n int64, r *http.Request) *sandbox.Fault {
		calls = append(calls, n)
		return fault
	})
	cases := []struct {
		name  string
		f     *sandbox.Fault
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"500", sandbox.FaultStatus(500, "Internal Server Error"), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 500 || string(body) != `{"code":500,"message":"Internal Server Error"}`+"\n" {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
		{"503", sandbox.FaultStatus(503, "Service Unavailable"), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 503 {
				t.Fatalf("%v %v", err, resp)
			}
		}},
		{"429 retry-after", sandbox.FaultRateLimited("2"), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(body), `"code":429`) {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
		{"reset", sandbox.FaultReset(), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err == nil {
				t.Fatalf("want a connection error, got %v", resp.Status)
			}
		}},
		{"malformed json", sandbox.FaultMalformedJSON(), func(t *testing.T, resp *http.Response, body []byte, err error) {
			var v any
			if err != nil || resp.StatusCode != 200 || json.Unmarshal(body, &v) == nil {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
		{"truncated", sandbox.FaultTruncated(), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err == nil {
				t.Fatalf("want a read error, got full body %d bytes", len(body))
			}
			if resp == nil && len(body) == 0 {
				return // the transport reported the short body
			}
			if resp != nil && resp.ContentLength <= int64(len(body)) {
				t.Errorf("Content-Length %d, want the full body's, more than the %d bytes sent", resp.ContentLength, len(body))
			}
		}},
		{"html 403", sandbox.FaultHTML403(), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html>") {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
		{"code 500 in 200", sandbox.FaultCodeInBody(500, "Internal Server Error"), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"code":500,`) {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
		{"slow", sandbox.FaultSlow(50 * time.Millisecond), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || !strings.Contains(string(body), `"totalElements"`) {
				t.Fatalf("%v %v %s", err, resp, body)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fault = tc.f
			before := s.Requests()
			s.ResetLog()
			resp, body, err := send()
			tc.check(t, resp, body, err)
			if s.Requests() != before+1 {
				t.Errorf("requests %d -> %d", before, s.Requests())
			}
			log := s.Log()
			if len(log) != 1 || log[0].Fault != string(tc.f.Kind) || log[0].N != before+1 || log[0].Path != listPath || log[0].RawQuery != q {
				t.Errorf("log %+v", log)
			}
		})
	}
	fault = nil
	if resp, _, err := send(); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after faults: %v %v", err, resp)
	}
	if !slices.Equal(calls, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("fault func saw request numbers %v", calls)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{RateLimit: 3})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	var ok, limited int
	for range 10 {
		a := do(t, s, base, call{path: listPath, rawQuery: q})
		switch a.status {
		case 200:
			ok++
		case 429:
			limited++
			if a.env.Code.String() != "429" || a.env.Message != sandbox.MsgTooManyRequests {
				t.Fatalf("429 body %s", a.body)
			}
		default:
			t.Fatalf("status %d", a.status)
		}
	}
	// 10 quick requests: at least 3 admitted, and unless the machine is extremely slow
	// (>1 s for 10 loopback calls) some refused; both numbers are checked against the log.
	if ok < 3 || ok+limited != 10 {
		t.Fatalf("%d ok, %d limited", ok, limited)
	}
	n429 := 0
	for _, r := range s.Log() {
		if r.Status == 429 {
			n429++
		}
	}
	if n429 != limited || s.Requests() != 10 {
		t.Fatalf("log shows %d 429s, requests %d", n429, s.Requests())
	}
	t.Logf("RateLimit 3: %d admitted, %d refused with 429", ok, limited)

	// +Inf is no limit: back-to-back requests are all answered.
	s3, base3 := newServer(t, sandbox.Options{RateLimit: math.Inf(1)})
	for i := range 20 {
		if a := do(t, s3, base3, call{path: listPath, rawQuery: q}); a.status != 200 {
			t.Fatalf("RateLimit +Inf, request %d: %d %s", i+1, a.status, a.body)
		}
	}

	// One request per 100 s: the second of two back-to-back requests is refused whatever the speed.
	s2, base2 := newServer(t, sandbox.Options{RateLimit: 0.01})
	if a := do(t, s2, base2, call{path: listPath, rawQuery: q}); a.status != 200 {
		t.Fatalf("first request: %d", a.status)
	}
	for range 3 {
		if a := do(t, s2, base2, call{path: listPath, rawQuery: q}); a.status != 429 || a.env.Message != sandbox.MsgTooManyRequests {
			t.Fatalf("over the limit: %d %s", a.status, a.body)
		}
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	s := sandbox.New(sandbox.Options{Now: fixedClock, Days: 3, PerDay: 5})
	base, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("base %q", base)
	}
	a := do(t, s, base, call{path: listPath, rawQuery: "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-13&inquiryEndAt=2026-01-15"})
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	stop()
	if _, err := http.Get(base + listPath); err == nil {
		t.Fatal("server still answering after stop")
	}
	if _, _, err := s.StartOn("0.0.0.0:0"); err == nil {
		t.Fatal("non-loopback address accepted")
	}
}

// TestDefaultClock checks the defaults: data up to the real now, found by a default 7-day query.
func TestDefaultClock(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // the data's today must be the test's
	s, base := startServer(t, sandbox.Options{})
	now := time.Now()
	first, last := s.Span()
	if last.Format(api.DateLayout) != now.In(api.KST).Format(api.DateLayout) || !first.Equal(last.AddDate(0, 0, -(sandbox.DefaultDays-1))) {
		t.Fatalf("span %s..%s", first, last)
	}
	for _, inq := range s.Inquiries() {
		if inq.InquiryAt.After(s.BuiltAt()) {
			t.Fatalf("inquiry %d in the future: %s", inq.InquiryID, inq.InquiryAt)
		}
	}
	end := now.In(api.KST).Format(api.DateLayout)
	start := now.In(api.KST).AddDate(0, 0, -6).Format(api.DateLayout)
	q := "vendorId=" + sandbox.DemoVendorID + "&partnerCounselingStatus=NONE&inquiryStartAt=" + start + "&inquiryEndAt=" + end + "&pageNum=1&pageSize=30"
	req := listRequest(s, base, q, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	a.status = resp.StatusCode
	a.body, _ = io.ReadAll(resp.Body)
	if err := json.Unmarshal(a.body, &a.env); err != nil {
		t.Fatal(err)
	}
	if p := decodePage(t, a); p.Pagination.TotalElements < 6*sandbox.DefaultPerDay/2 {
		t.Fatalf("default 7-day query found %d rows", p.Pagination.TotalElements)
	}
}

// TestSingleInquiry checks the single endpoint answers every kind of inquiry as Inquiries has it.
func TestSingleInquiry(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{Days: 5, PerDay: 20})
	for _, inq := range s.Inquiries()[:20] {
		a := do(t, s, base, call{path: api.InquiryPath(inq.InquiryID)})
		if a.status != 200 {
			t.Fatalf("status %d %s", a.status, a.body)
		}
		var got struct {
			InquiryID    int64   `json:"inquiryId"`
			VendorItemID []int64 `json:"vendorItemId"`
			ItemName     string  `json:"itemName"`
			Content      string  `json:"content"`
			Replies      []struct {
				AnswerID int64  `json:"answerId"`
				Content  string `json:"content"`
				ReplyAt  string `json:"replyAt"`
			} `json:"replies"`
		}
		if err := json.Unmarshal(a.env.Data, &got); err != nil {
			t.Fatal(err)
		}
		if got.InquiryID != inq.InquiryID || !slices.Equal(got.VendorItemID, inq.VendorItemIDs) || got.ItemName != inq.ItemName ||
			got.Content != inq.Content || len(got.Replies) != len(inq.Replies) {
			t.Fatalf("got %+v, want %+v", got, inq)
		}
		for k, r := range got.Replies {
			if r.AnswerID != inq.Replies[k].AnswerID || r.Content != inq.Replies[k].Content || r.ReplyAt != inq.Replies[k].ReplyAt.Format("2006-01-02 15:04:05") {
				t.Fatalf("reply %d: %+v", k, r)
			}
		}
	}
}

// TestLatencyAndSlowFault: a request held by the latency or a slow fault is counted and logged on
// arrival, and gets no answer before the delay, however slowly the machine runs: the client gives up
// once the sandbox has counted the request, and the log then shows that no answer was sent (status 0:
// the client gave up). A sandbox that skipped the delay would have logged its 200 before answering.
func TestLatencyAndSlowFault(t *testing.T) {
	t.Parallel()
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	for _, mode := range []string{"latency", "slow"} {
		t.Run(mode, func(t *testing.T) {
			o := sandbox.Options{Now: fixedClock}
			if mode == "latency" {
				o.Latency = time.Hour
			}
			s, base := startServer(t, o)
			if mode == "slow" {
				s.SetFault(func(int64, *http.Request) *sandbox.Fault { return sandbox.FaultSlow(time.Hour) })
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				resp, err := http.DefaultClient.Do(listRequest(s, base, q, fixedNow).WithContext(ctx))
				if err == nil {
					resp.Body.Close()
				}
				done <- err
			}()
			waitUntil(t, func() bool { return s.Requests() == 1 })
			cancel()
			if err := <-done; err == nil {
				t.Fatal("answer arrived before the injected delay")
			}
			waitUntil(t, func() bool { return len(s.Log()) == 1 }) // once the handler has seen the client go
			if log := s.Log(); log[0].N != 1 || log[0].Status != 0 {
				t.Fatalf("log %+v: want request 1 without an answer", log)
			}
			if s.Requests() != 1 {
				t.Fatalf("requests %d", s.Requests())
			}
		})
	}
}

// waitUntil polls cond until it holds: what it waits for happens within milliseconds on an idle
// machine, and only go test's own timeout bounds the wait on a loaded one.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// TestMillion builds a 1,000,000-inquiry server, reports its build time and heap, and queries it.
func TestMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("large data set")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := sandbox.New(sandbox.Options{Now: fixedClock, Days: 60, PerDay: 16600, HotInquiries: 5000})
	built := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d inquiries built in %s, heap %.1f MiB (%.0f bytes per inquiry)", s.Count(), built.Round(time.Millisecond),
		float64(heap)/(1<<20), float64(heap)/float64(s.Count()))
	if s.Count() < 900000 {
		t.Fatalf("only %d inquiries", s.Count())
	}
	if n := s.VendorItemCount(sandbox.DemoHotVendorItemID); n != 5000 {
		t.Fatalf("hot option has %d inquiries", n)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	q := "vendorId=A00012345&partnerCounselingStatus=TRANSFER&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=3&pageSize=30"
	start = time.Now()
	p := decodePage(t, do(t, s, ts.URL, call{path: listPath, rawQuery: q}))
	t.Logf("7-day TRANSFER query: %d rows, page 3 in %s", p.Pagination.TotalElements, time.Since(start).Round(time.Microsecond))
	if p.Pagination.TotalElements < 1000 || len(p.Content) != 30 {
		t.Fatalf("pagination %+v, %d rows", p.Pagination, len(p.Content))
	}
	for _, c := range p.Content {
		inq, ok := s.Inquiry(c.InquiryID)
		if !ok || !sandbox.MatchesStatus(inq, "TRANSFER") || inq.InquiryAt.Format("2006-01-02 15:04:05") != c.InquiryAt {
			t.Fatalf("row %d does not match", c.InquiryID)
		}
	}
	q = "vendorId=A00012345&partnerCounselingStatus=NONE&vendorItemId=" + strconv.FormatInt(sandbox.DemoHotVendorItemID, 10) + "&pageNum=167&pageSize=30"
	p = decodePage(t, do(t, s, ts.URL, call{path: listPath, rawQuery: q}))
	if p.Pagination.TotalElements != 5000 || p.Pagination.TotalPages != 167 || len(p.Content) != 5000-166*30 {
		t.Fatalf("hot option last page: %+v, %d rows", p.Pagination, len(p.Content))
	}
}

// BenchmarkList measures one 7-day list page on a 100,000-inquiry server.
func BenchmarkList(b *testing.B) {
	s := sandbox.New(sandbox.Options{Now: fixedClock, Days: 60, PerDay: 1700})
	ts := httptest.NewServer(s)
	defer ts.Close()
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=2&pageSize=30"
	client := &http.Client{}
	b.ResetTimer()
	for b.Loop() {
		req := listRequest(s, ts.URL, q, fixedNow)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

// TestConcurrent checks counting and logging under concurrent requests, with a fault on every
// third request number.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{Days: 5, PerDay: 20})
	s.SetFault(func(n int64, _ *http.Request) *sandbox.Fault {
		if n%3 == 0 {
			return sandbox.FaultStatus(http.StatusBadGateway, "Bad Gateway")
		}
		return nil
	})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	const workers, each = 8, 15
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				req := listRequest(s, base, q, fixedNow)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	log := s.Log()
	if s.Requests() != workers*each || len(log) != workers*each {
		t.Fatalf("requests %d, log %d, want %d", s.Requests(), len(log), workers*each)
	}
	seen := map[int64]bool{}
	for _, r := range log {
		if seen[r.N] {
			t.Fatalf("request number %d twice", r.N)
		}
		seen[r.N] = true
		want := 200
		if r.N%3 == 0 {
			want = 502
		}
		if r.Status != want {
			t.Fatalf("request %d: status %d, want %d", r.N, r.Status, want)
		}
	}
}

// TestBlockAfterErrors: with BlockAfter 3, a fourth error within a minute blocks the caller: every
// request, a valid one too, then gets the gateway's HTML 403 page until BlockedFor has passed.
// Errors further apart, injected faults and the block's own 403s do not count; the rate limiter's
// 429s and the errors of an answer only delayed (FaultSlow) do.
func TestBlockAfterErrors(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := fixedNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s, base := startServer(t, sandbox.Options{Now: clock, BlockAfter: 3})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	send := func(badSignature bool) (int, string) {
		t.Helper()
		req := listRequest(s, base, q, clock())
		if badSignature {
			req.Header.Set("Authorization", "CEA algorithm=HmacSHA256, nonsense")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	expect := func(step string, badSignature bool, want int) {
		t.Helper()
		if got, body := send(badSignature); got != want {
			t.Fatalf("%s: status %d, want %d: %.80s", step, got, want, body)
		}
	}
	for i := range 3 {
		expect(fmt.Sprintf("error %d", i+1), true, 401)
		advance(20 * time.Second)
	}
	expect("3 errors", false, 200)
	advance(10 * time.Second) // the first error is 70 s old: three within the minute
	expect("error 4, 70 s after the first", true, 401)
	expect("3 errors within the minute", false, 200)
	s.SetFault(func(int64, *http.Request) *sandbox.Fault { return sandbox.FaultStatus(400, "injected") })
	for range 5 {
		expect("injected fault", false, 400)
	}
	s.SetFault(nil)
	expect("after injected faults", false, 200)

	advance(time.Second)
	expect("error 5: four within the minute", true, 401)
	status, body := send(false)
	log := s.Log()
	if status != 403 || !strings.Contains(body, "<title>403 Forbidden</title>") || log[len(log)-1].Fault != "blocked" {
		t.Fatalf("after 4 errors within a minute: %d %.80s, logged %+v; want the HTML 403, logged as blocked", status, body, log[len(log)-1])
	}
	advance(sandbox.BlockedFor - time.Second)
	expect("1 s before the block ends", false, 403)
	advance(time.Second)
	expect("the block ended", false, 200)
	for i := range 3 { // the count started again: the block's own 403s were none of it
		expect(fmt.Sprintf("error %d after the block", i+1), true, 401)
	}
	expect("3 errors after the block", false, 200)
	s.SetFault(func(int64, *http.Request) *sandbox.Fault { return sandbox.FaultSlow(time.Millisecond) })
	expect("a late answer's own error counts", true, 401)
	s.SetFault(nil)
	expect("4 errors, one of them late", false, 403)

	// The rate limiter's 429s are errors the caller caused.
	s2, base2 := startServer(t, sandbox.Options{Now: fixedClock, BlockAfter: 1, RateLimit: 0.01})
	for i, want := range []int{200, 429, 429, 403} {
		a, err := http.DefaultClient.Do(listRequest(s2, base2, q, fixedNow))
		if err != nil {
			t.Fatal(err)
		}
		a.Body.Close()
		if a.StatusCode != want {
			t.Fatalf("one request per 100 s, BlockAfter 1: request %d got %d, want %d", i+1, a.StatusCode, want)
		}
	}
}

// TestSignatureCoversThePathAsSent: the signature covers the path exactly as it went on the wire,
// as it covers the query: a path spelled with an escape ("%41" for "A") is signed that way, and a
// signature over the decoded path, which is not what was sent, is refused.
func TestSignatureCoversThePathAsSent(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	q := "vendorId=A00012345&partnerCounselingStatus=NONE&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15"
	sent := strings.Replace(listPath, "/vendors/A", "/vendors/%41", 1)
	decoded := api.Authorization(s.AccessKey(), s.SecretKey(), fixedNow, "GET", listPath, q)
	checkRejections(t, s, base, []rejection{
		{"signed over the decoded path", call{path: sent, rawQuery: q, auth: &decoded}, 401, sandbox.MsgInvalidSignature},
	})
	if p := decodePage(t, do(t, s, base, call{path: sent, rawQuery: q})); p.Pagination.TotalElements == 0 {
		t.Errorf("no rows")
	}
}
