package sandbox_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

var productPath = api.ProductInquiryListPath(sandbox.DemoVendorID)

func TestProductListRulesReject(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	const v = "vendorId=A00012345"
	good := v + "&answeredType=ALL&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=1&pageSize=50"
	with := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	checkRejections(t, s, base, []rejection{
		{"no auth", call{path: productPath, rawQuery: good, auth: str("")}, 401, sandbox.MsgInvalidSignature},
		{"signature of other query", call{path: productPath, rawQuery: good, auth: str("CEA algorithm=HmacSHA256, access-key=" + sandbox.DemoAccessKey +
			", signed-date=" + fixedNow.Format(api.SignedDateLayout) + ", signature=" + api.Signature(sandbox.DemoSecretKey, fixedNow.Format(api.SignedDateLayout), "GET", productPath, with("pageSize=50", "pageSize=10")))}, 401, sandbox.MsgInvalidSignature},
		{"expired", call{path: productPath, rawQuery: good, signAt: fixedNow.Add(-6 * time.Minute)}, 401, sandbox.MsgExpired},
		{"vendor path", call{path: api.ProductInquiryListPath("A00099999"), rawQuery: good}, 400, sandbox.MsgInvalidVendor},
		{"vendor query", call{path: productPath, rawQuery: with(v, "vendorId=A00099999")}, 400, sandbox.MsgInvalidVendor},
		{"vendor query missing", call{path: productPath, rawQuery: with(v+"&", "")}, 400, sandbox.MsgInvalidVendor},
		{"vendor header", call{path: productPath, rawQuery: good, requester: str("A00099999")}, 400, sandbox.MsgInvalidVendor},
		{"content type missing", call{path: productPath, rawQuery: good, ctype: str("")}, 400, sandbox.MsgContentType},
		{"answeredType missing", call{path: productPath, rawQuery: with("&answeredType=ALL", "")}, 400, sandbox.MsgAnsweredTypeNull},
		{"answeredType empty", call{path: productPath, rawQuery: with("=ALL", "=")}, 400, sandbox.MsgAnsweredTypeNull},
		{"answeredType lower case", call{path: productPath, rawQuery: with("=ALL", "=noAnswer")}, 400, sandbox.MsgAnsweredTypeNull},
		{"answeredType of call-center", call{path: productPath, rawQuery: with("=ALL", "=NO_ANSWER")}, 400, sandbox.MsgAnsweredTypeNull},
		{"dates missing", call{path: productPath, rawQuery: v + "&answeredType=ALL"}, 400, sandbox.MsgInterval},
		{"start missing", call{path: productPath, rawQuery: with("inquiryStartAt=2026-01-09&", "")}, 400, sandbox.MsgInterval},
		{"end missing", call{path: productPath, rawQuery: with("&inquiryEndAt=2026-01-15", "")}, 400, sandbox.MsgInterval},
		{"ISO datetime", call{path: productPath, rawQuery: with("2026-01-09", "2026-01-09T00:00:00")}, 400, sandbox.MsgInterval},
		{"date pattern 2026-1-9", call{path: productPath, rawQuery: with("2026-01-09", "2026-1-9")}, 400, sandbox.MsgInterval},
		{"start = end", call{path: productPath, rawQuery: with("2026-01-09", "2026-01-15")}, 400, sandbox.MsgInterval},
		{"start > end", call{path: productPath, rawQuery: with("2026-01-09", "2026-01-16")}, 400, sandbox.MsgInterval},
		{"8 inclusive days", call{path: productPath, rawQuery: with("2026-01-09", "2026-01-08")}, 400, sandbox.MsgInterval},
		{"end after today", call{path: productPath, rawQuery: strings.Replace(with("2026-01-09", "2026-01-10"), "2026-01-15", "2026-01-16", 1)}, 400, sandbox.MsgFutureEnd + "*"},
		{"vendorItemId (not in v5)", call{path: productPath, rawQuery: good + "&vendorItemId=4000000001"}, 400, "Unknown query parameter 'vendorItemId'"},
		{"pageSize 0", call{path: productPath, rawQuery: with("pageSize=50", "pageSize=0")}, 400, "Invalid pageSize*"},
		{"pageSize 51", call{path: productPath, rawQuery: with("pageSize=50", "pageSize=51")}, 400, "Invalid pageSize '51': must be between 1 and 50"},
		{"pageNum 0", call{path: productPath, rawQuery: with("pageNum=1", "pageNum=0")}, 400, "Invalid pageNum*"},
		{"duplicated param", call{path: productPath, rawQuery: good + "&answeredType=ALL"}, 400, "Duplicated query parameter 'answeredType'"},
		{"v4 path", call{path: strings.Replace(productPath, "/v5/", "/v4/", 1), rawQuery: good}, 404, "Not found*"},
		{"reply path", call{path: productPath + "/846/replies", rawQuery: good}, 404, "Not found*"},
		{"POST", call{method: "POST", path: productPath, rawQuery: good}, 405, "Method POST not allowed*"},
	})
}

// productPage is the product list answer as decoded by this test, independently of the client.
type productPage struct {
	Content []map[string]json.RawMessage `json:"content"`
	Paging  struct {
		TotalPages    int `json:"totalPages"`
		TotalElements int `json:"totalElements"`
	} `json:"pagination"`
}

// Every bucket, window and page returns exactly the questions of those Korean dates, newest first,
// and the questions are about the call-center data's own options.
func TestProductListFilteringAndPaging(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	all := s.ProductInquiries()
	if len(all) < 500 {
		t.Fatalf("only %d product questions in 60 days", len(all))
	}
	for _, answered := range api.AnsweredTypes {
		want := []int64{}
		for _, q := range slices.Backward(all) {
			d := q.InquiryAt.Format(api.DateLayout)
			if d >= "2026-01-03" && d <= "2026-01-09" && (answered == api.AnsweredAll || q.Answered() == (answered == api.AnsweredAnswered)) {
				want = append(want, q.InquiryID)
			}
		}
		var got []int64
		for n, total := 1, 1; n <= total; n++ {
			q := "vendorId=A00012345&answeredType=" + answered + "&inquiryStartAt=2026-01-03&inquiryEndAt=2026-01-09&pageNum=" + strconv.Itoa(n) + "&pageSize=7"
			a := do(t, s, base, call{path: productPath, rawQuery: q})
			if a.status != 200 || a.env.Code.String() != "200" {
				t.Fatalf("%s: %d %s", q, a.status, a.body)
			}
			var pg productPage
			if err := json.Unmarshal(a.env.Data, &pg); err != nil {
				t.Fatal(err)
			}
			total = pg.Paging.TotalPages
			if pg.Paging.TotalElements != len(want) {
				t.Fatalf("%s: totalElements %d, want %d", answered, pg.Paging.TotalElements, len(want))
			}
			for _, item := range pg.Content {
				var id int64
				_ = json.Unmarshal(item["inquiryId"], &id)
				got = append(got, id)
				if _, has := item["buyerEmail"]; has {
					t.Errorf("question %d has buyerEmail, removed 2026-03-15", id)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", answered, got, want)
		}
	}
	joined := 0
	for _, q := range all {
		if s.VendorItemCount(q.VendorItemID) > 0 {
			joined++
		}
	}
	if joined*2 < len(all) {
		t.Errorf("only %d of %d product questions share an option with a call-center inquiry", joined, len(all))
	}
}

// The wire shows every shape the client must tolerate: code as a string, inquiryAt with a T,
// inquiryCommentAt with a space, orderIds null, [] or absent, sellerProductId absent on old rows.
func TestProductListWireShapes(t *testing.T) {
	t.Parallel()
	s, base := newServer(t, sandbox.Options{})
	seen := map[string]bool{}
	first, last := s.Span()
	for end := last; !end.Before(first.AddDate(0, 0, 6)); end = end.AddDate(0, 0, -7) {
		q := "vendorId=A00012345&answeredType=ALL&inquiryStartAt=" + end.AddDate(0, 0, -6).Format(api.DateLayout) +
			"&inquiryEndAt=" + end.Format(api.DateLayout) + "&pageNum=1&pageSize=50"
		a := do(t, s, base, call{path: productPath, rawQuery: q})
		if !strings.HasPrefix(string(a.body), `{"code":"200"`) {
			t.Fatalf("code is not the string \"200\": %.40s", a.body)
		}
		var pg productPage
		if err := json.Unmarshal(a.env.Data, &pg); err != nil {
			t.Fatal(err)
		}
		for _, item := range pg.Content {
			at := string(item["inquiryAt"])
			seen["T time"] = seen["T time"] || (len(at) == 21 && at[11] == 'T')
			o, has := item["orderIds"]
			seen["orderIds absent"] = seen["orderIds absent"] || !has
			seen["orderIds null"] = seen["orderIds null"] || string(o) == "null"
			seen["orderIds []"] = seen["orderIds []"] || string(o) == "[]"
			_, hasSeller := item["sellerProductId"]
			seen["sellerProductId absent"] = seen["sellerProductId absent"] || !hasSeller
			seen["sellerProductId present"] = seen["sellerProductId present"] || hasSeller
			var comments []struct{ InquiryCommentAt string }
			if err := json.Unmarshal(item["commentDtoList"], &comments); err != nil {
				t.Fatal(err)
			}
			for _, c := range comments {
				seen["comment space time"] = seen["comment space time"] || (len(c.InquiryCommentAt) == 19 && c.InquiryCommentAt[10] == ' ')
			}
		}
	}
	for _, k := range []string{"T time", "orderIds absent", "orderIds null", "orderIds []", "sellerProductId absent", "sellerProductId present", "comment space time"} {
		if !seen[k] {
			t.Errorf("no question shows %s", k)
		}
	}
}
