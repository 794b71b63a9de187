package api

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// productBody wraps one data.content element in a v5 list envelope.
func productBody(code, item string) string {
	return `{"code":` + code + `,"message":"OK","data":{"content":[` + item +
		`],"pagination":{"currentPage":1,"totalPages":1,"totalElements":1,"countPerPage":50}}}`
}

// The documentation's sample (v4 style: string code, space times, null orderIds, buyerEmail).
func TestDecodeProductInquiryExample(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/example_product_inquiry_list.json")
	require.NoError(t, err)
	page, err := DecodeProductInquiryList(body)
	require.NoError(t, err)
	require.Len(t, page.Inquiries, 2)
	first := page.Inquiries[0]
	at := kst("2016-09-28 16:18:09")
	assert.Equal(t, ProductInquiry{
		InquiryID: 844, ProductID: 2490, VendorItemID: 3100000204,
		Content: "productId딜에 달린 24시간 이내 상품문의2.", InquiryAt: kst("2015-05-27 09:38:32"), OrderIDs: []int64{},
		Comments: []ProductInquiryComment{
			{InquiryCommentID: 351, InquiryID: 844, Content: "just do it9.28", InquiryCommentAt: &at},
			{InquiryCommentID: 352, InquiryID: 844, Content: "just do it9.29", InquiryCommentAt: ptr(kst("2016-09-29 16:18:09"))},
		},
	}, first)
	assert.Equal(t, []int64{15000009153437}, page.Inquiries[1].OrderIDs)
	assert.Empty(t, page.Inquiries[1].Comments)
	assert.Equal(t, Pagination{CurrentPage: 1, TotalPages: 1, TotalElements: 3, CountPerPage: 10}, page.Pagination)
}

func ptr[T any](v T) *T { return &v }

// Every shape the note lists as uncertain decodes to the same values.
func TestDecodeProductInquiryVariants(t *testing.T) {
	t.Parallel()
	want := kst("2026-07-30 12:00:00")
	cases := []struct {
		name, code, item string
		check            func(t *testing.T, inq ProductInquiry)
	}{
		{"v5 T time, number code", `200`, `{"inquiryId":1,"inquiryAt":"2026-07-30T12:00:00"}`,
			func(t *testing.T, inq ProductInquiry) { assert.True(t, inq.InquiryAt.Equal(want)) }},
		{"space time, string code", `"200"`, `{"inquiryId":1,"inquiryAt":"2026-07-30 12:00:00"}`,
			func(t *testing.T, inq ProductInquiry) { assert.True(t, inq.InquiryAt.Equal(want)) }},
		{"offset", `"SUCCESS"`, `{"inquiryId":1,"inquiryAt":"2026-07-30T03:00:00Z"}`,
			func(t *testing.T, inq ProductInquiry) { assert.True(t, inq.InquiryAt.Equal(want)) }},
		{"fraction and offset", `200`, `{"inquiryId":1,"inquiryAt":"2026-07-30T12:00:00.250+09:00"}`,
			func(t *testing.T, inq ProductInquiry) {
				assert.True(t, inq.InquiryAt.Equal(want.Add(250*time.Millisecond)))
			}},
		{"fraction, no offset", `200`, `{"inquiryId":1,"inquiryAt":"2026-07-30 12:00:00.5"}`,
			func(t *testing.T, inq ProductInquiry) {
				assert.True(t, inq.InquiryAt.Equal(want.Add(500*time.Millisecond)))
			}},
		{"orderIds missing", `200`, `{"inquiryId":1}`,
			func(t *testing.T, inq ProductInquiry) { assert.Equal(t, []int64{}, inq.OrderIDs) }},
		{"orderIds null", `200`, `{"inquiryId":1,"orderIds":null}`,
			func(t *testing.T, inq ProductInquiry) { assert.Equal(t, []int64{}, inq.OrderIDs) }},
		{"orderIds several, strings", `200`, `{"inquiryId":1,"orderIds":[16000009476673,"16000009476674"]}`,
			func(t *testing.T, inq ProductInquiry) {
				assert.Equal(t, []int64{16000009476673, 16000009476674}, inq.OrderIDs)
			}},
		{"sellerProductId missing, buyerEmail present", `200`, `{"inquiryId":1,"productId":7,"buyerEmail":"a***@b"}`,
			func(t *testing.T, inq ProductInquiry) {
				assert.Zero(t, inq.SellerProductID)
				assert.EqualValues(t, 7, inq.ProductID)
			}},
		{"ids as strings", `200`, `{"inquiryId":"9","sellerProductId":"12345678901","sellerItemId":"5","vendorItemId":"3285906659"}`,
			func(t *testing.T, inq ProductInquiry) {
				assert.Equal(t, ProductInquiry{InquiryID: 9, SellerProductID: 12345678901, SellerItemID: 5, VendorItemID: 3285906659,
					OrderIDs: []int64{}, Comments: []ProductInquiryComment{}}, inq)
			}},
		{"comment T time, null list", `200`, `{"inquiryId":1,"commentDtoList":[{"inquiryCommentId":2,"inquiryId":1,"content":"네","inquiryCommentAt":"2026-07-30T12:00:00"}]}`,
			func(t *testing.T, inq ProductInquiry) {
				require.Len(t, inq.Comments, 1)
				assert.True(t, inq.Comments[0].InquiryCommentAt.Equal(want))
			}},
		{"comment time null", `200`, `{"inquiryId":1,"commentDtoList":[{"inquiryCommentId":2,"inquiryCommentAt":null}]}`,
			func(t *testing.T, inq ProductInquiry) { assert.Nil(t, inq.Comments[0].InquiryCommentAt) }},
		{"commentDtoList null", `200`, `{"inquiryId":1,"commentDtoList":null}`,
			func(t *testing.T, inq ProductInquiry) { assert.Equal(t, []ProductInquiryComment{}, inq.Comments) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			page, err := DecodeProductInquiryList([]byte(productBody(tc.code, tc.item)))
			require.NoError(t, err)
			require.Len(t, page.Inquiries, 1)
			tc.check(t, page.Inquiries[0])
		})
	}
}

// Bodies that are not a successful list are errors of the right kind, never an empty page.
func TestDecodeProductInquiryRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		kind       ErrorKind
		msg        string
	}{
		{"business error in a 200", `{"code":400,"message":"answeredType can't be null"}`, KindBadRequest, "answeredType can't be null"},
		{"string error code", `{"code":"429","message":"Too many requests"}`, KindRateLimited, "Too many requests"},
		{"no data", `{"code":200,"message":"OK"}`, KindDecode, "no data"},
		{"data a list", `{"code":200,"message":"OK","data":[{"inquiryId":1}]}`, KindDecode, "data: an array is not an object"},
		{"bad time", productBody("200", `{"inquiryId":1,"inquiryAt":"30/07/2026"}`), KindDecode, "30/07/2026"},
		{"time as a number", productBody("200", `{"inquiryId":1,"inquiryAt":20260730}`), KindDecode, "time string"},
		{"id not an integer", productBody("200", `{"inquiryId":"abc"}`), KindDecode, "data.content[0]: inquiryId: abc is not an integer"},
		{"null question", productBody("200", `{"inquiryId":1},null`), KindDecode, "data.content[1]: a question is null, not an object"},
		// Rows are told apart by inquiryId: questions read without one would collapse into one row.
		{"no id", productBody("200", `{"inquiryId":1},{"productId":7,"content":"x"}`), KindDecode, "data.content[1]: a question without inquiryId"},
		{"null id", productBody("200", `{"inquiryId":null,"content":"x"}`), KindDecode, "data.content[0]: a question without inquiryId"},
		{"null comment", productBody("200", `{"inquiryId":1,"commentDtoList":[null]}`), KindDecode, "data.content[0]: inquiry 1: commentDtoList[0]: a comment is null, not an object"},
		{"bad comment id", productBody("200", `{"inquiryId":1,"commentDtoList":[{"inquiryCommentId":2},{"inquiryCommentId":"x"}]}`), KindDecode, "inquiry 1: commentDtoList[1]: inquiryCommentId: x is not an integer"},
		{"truncated", `{"code":200,"data":{"content":[{"inquiryId":1`, KindDecode, "malformed JSON"},
		{"html", `<!DOCTYPE html><html><title>403 Forbidden</title></html>`, KindDecode, "403 Forbidden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			page, err := DecodeProductInquiryList([]byte(tc.body))
			require.Error(t, err)
			assert.Nil(t, page)
			assert.Equal(t, tc.kind, KindOf(err), err.Error())
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestProductInquiryRequestValidate(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time { return kst(s + " 00:00:00") }
	ok := ProductInquiryRequest{InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-07"), AnsweredType: AnsweredNoAnswer, PageSize: 50}
	require.NoError(t, ok.Validate())
	assert.Equal(t, "vendorId=A00012345&answeredType=NOANSWER&inquiryStartAt=2026-07-01&inquiryEndAt=2026-07-07&pageNum=1&pageSize=50", ok.Query("A00012345"))
	bad := map[string]ProductInquiryRequest{
		"lower case":    {InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-02"), AnsweredType: "noAnswer"},
		"page size 51":  {InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-02"), PageSize: 51},
		"no dates":      {AnsweredType: AnsweredAll},
		"eight days":    {InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-08")},
		"same day":      {InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-01")},
		"negative page": {InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-02"), PageNum: -1},
	}
	for name, r := range bad {
		assert.Error(t, r.Validate(), name)
	}
	assert.ErrorContains(t, ProductInquiryRequest{InquiryEndAt: d("2026-07-07")}.Validate(), "are required")
	// Zero values send the defaults: every question, the largest page.
	assert.Equal(t, "vendorId=A00012345&answeredType=ALL&inquiryStartAt=2026-07-01&inquiryEndAt=2026-07-07&pageNum=1&pageSize=50",
		ProductInquiryRequest{InquiryStartAt: d("2026-07-01"), InquiryEndAt: d("2026-07-07")}.Query("A00012345"))
}

func FuzzDecodeProductInquiryList(f *testing.F) {
	example, err := os.ReadFile("testdata/example_product_inquiry_list.json")
	require.NoError(f, err)
	f.Add(example)
	for _, s := range []string{
		productBody(`"200"`, `{"inquiryId":"1","inquiryAt":"2026-07-30T12:00:00.1+09:00","orderIds":null}`),
		productBody(`200`, `{"inquiryId":1,"commentDtoList":[{"inquiryCommentAt":""}]}`),
		`{"code":400,"message":"answeredType can't be null"}`, `{"code":200,"data":{}}`,
		``, `null`, `[]`, `{}`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := DecodeProductInquiryList(body)
		checkDecoded(t, page, err)
		if err == nil && !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(string(body), "\xef\xbb\xbf")), "{") {
			t.Fatalf("accepted a body that is not a JSON object: %q", body)
		}
	})
}
