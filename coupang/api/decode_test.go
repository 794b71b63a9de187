package api

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readExample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/example_list_response.json")
	require.NoError(t, err)
	return b
}

func kst(s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, KST)
	if err != nil {
		panic(err)
	}
	return v
}

// The example response of Coupang's page, rebuilt as valid JSON.
func TestDecodeExampleResponse(t *testing.T) {
	t.Parallel()
	page, err := DecodeListResponse(readExample(t))
	require.NoError(t, err)
	assert.Equal(t, Pagination{CurrentPage: 1, TotalPages: 7, TotalElements: 13, CountPerPage: 2}, page.Pagination)
	require.Len(t, page.Inquiries, 2)

	inq := page.Inquiries[0]
	assert.Equal(t, int64(1015668177), inq.InquiryID)
	assert.Equal(t, "progress", inq.InquiryStatus)
	assert.Equal(t, "answered", inq.CSPartnerCounselingStatus)
	assert.Equal(t, []int64{3285906659, 3285906660}, inq.VendorItemIDs)
	assert.Equal(t, "스파오(SPAO) 인조가죽 A라인 4부 스커트 SPWH749G22, (49)Khaki, L", inq.ItemName)
	assert.Equal(t, int64(10000012345676), inq.OrderID)
	assert.True(t, kst("2018-01-08 16:43:42").Equal(inq.InquiryAt))
	assert.Equal(t, KST, inq.InquiryAt.Location())
	require.NotNil(t, inq.AnsweredAt)
	assert.True(t, kst("2018-01-08 16:56:16").Equal(*inq.AnsweredAt))
	require.NotNil(t, inq.SaleEndedAt)
	assert.Equal(t, "2099-12-30T00:00:00+09:00", inq.SaleEndedAt.Format(time.RFC3339))
	assert.Equal(t, "", inq.BuyerEmail)
	assert.Equal(t, "기타문의>기타>전상담사통화요청", inq.ReceiptCategory)

	require.Len(t, inq.Replies, 2)
	r0, r1 := inq.Replies[0], inq.Replies[1]
	assert.Equal(t, int64(1027082307), r0.AnswerID)
	assert.Equal(t, "csAgent", r0.AnswerType)
	require.NotNil(t, r0.PartnerTransferStatus)
	assert.Equal(t, "answered", *r0.PartnerTransferStatus)
	assert.Nil(t, r1.PartnerTransferStatus)
	assert.Equal(t, "vendor", r1.AnswerType)
	assert.Contains(t, r1.Content, "\r\nAA몰입니다.")
	assert.Equal(t, int64(10000012345620), page.Inquiries[1].OrderID)
}

// listBody wraps one inquiry object (JSON) in a list response.
func listBody(code, inquiry string) string {
	return `{"code":` + code + `,"message":"OK","data":{"content":[` + inquiry +
		`],"pagination":{"currentPage":1,"totalPages":1,"totalElements":1,"countPerPage":30}}}`
}

func decodeOne(t *testing.T, inquiry string) Inquiry {
	t.Helper()
	page, err := DecodeListResponse([]byte(listBody("200", inquiry)))
	require.NoError(t, err)
	require.Len(t, page.Inquiries, 1)
	return page.Inquiries[0]
}

func TestDecodeCodeVariants(t *testing.T) {
	t.Parallel()
	for _, code := range []string{`200`, `"200"`, `"SUCCESS"`, `"ok"`, `" OK "`} {
		_, err := DecodeListResponse([]byte(listBody(code, `{"inquiryId":1}`)))
		assert.NoError(t, err, code)
	}
}

func TestDecodeVendorItemIDVariants(t *testing.T) {
	t.Parallel()
	cases := map[string][]int64{
		`3285906659`:                 {3285906659},
		`"3285906659"`:               {3285906659},
		`[3285906659]`:               {3285906659},
		`[3285906659, "3285906660"]`: {3285906659, 3285906660},
		`null`:                       {},
		`[]`:                         {},
		`""`:                         {},
	}
	for raw, want := range cases {
		inq := decodeOne(t, `{"inquiryId":1,"vendorItemId":`+raw+`}`)
		assert.Equal(t, want, inq.VendorItemIDs, raw)
	}
	inq := decodeOne(t, `{"inquiryId":1}`)
	assert.Equal(t, []int64{}, inq.VendorItemIDs, "absent")
}

func TestDecodeParentAnswerIDAndOrderIDVariants(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]int64{`1027082307`: 1027082307, `"1027082307"`: 1027082307, `null`: 0, `""`: 0, `0`: 0} {
		inq := decodeOne(t, `{"inquiryId":1,"replies":[{"answerId":5,"parentAnswerId":`+raw+`}]}`)
		require.Len(t, inq.Replies, 1)
		assert.Equal(t, want, inq.Replies[0].ParentAnswerID, raw)
	}
	// Beyond float64's exact range: proves the decoder never goes through float64.
	for raw, want := range map[string]int64{`10000012345676`: 10000012345676, `"10000012345620"`: 10000012345620,
		`9007199254740993`: 9007199254740993, `null`: 0} {
		assert.Equal(t, want, decodeOne(t, `{"inquiryId":1,"orderId":`+raw+`}`).OrderID, raw)
	}
}

func TestDecodeTimeVariants(t *testing.T) {
	t.Parallel()
	want := kst("2018-01-08 16:56:16")
	for _, raw := range []string{`"2018-01-08 16:56:16"`, `"2018-01-08T16:56:16"`, `"2018-01-08T16:56:16+09:00"`,
		`"2018-01-08T07:56:16Z"`, `"2018-01-08T16:56:16.000+09:00"`, `" 2018-01-08 16:56:16 "`} {
		inq := decodeOne(t, `{"inquiryId":1,"answeredAt":`+raw+`,"inquiryAt":`+raw+`}`)
		require.NotNil(t, inq.AnsweredAt, raw)
		assert.True(t, want.Equal(*inq.AnsweredAt), "%s: got %s", raw, inq.AnsweredAt)
		assert.Equal(t, KST, inq.AnsweredAt.Location(), raw)
		assert.True(t, want.Equal(inq.InquiryAt), raw)
	}
	// An offset other than +09:00 is kept as an instant and shown in KST.
	inq := decodeOne(t, `{"inquiryId":1,"answeredAt":"2018-01-08T16:56:16+00:00"}`)
	assert.Equal(t, "2018-01-09T01:56:16+09:00", inq.AnsweredAt.Format(time.RFC3339))
	// A date alone is midnight KST.
	inq = decodeOne(t, `{"inquiryId":1,"saleStartedAt":"2017-12-12"}`)
	assert.Equal(t, "2017-12-12T00:00:00+09:00", inq.SaleStartedAt.Format(time.RFC3339))
	// null and "" are nil.
	inq = decodeOne(t, `{"inquiryId":1,"answeredAt":null,"orderDate":"","saleEndedAt":null}`)
	assert.Nil(t, inq.AnsweredAt)
	assert.Nil(t, inq.OrderDate)
	assert.Nil(t, inq.SaleEndedAt)
	assert.True(t, inq.InquiryAt.IsZero())
}

func TestDecodeNullsAndUnknownFields(t *testing.T) {
	t.Parallel()
	inq := decodeOne(t, `{"inquiryId":"1","replies":null,"itemName":null,"buyerEmail":null,"someNewField":{"x":[1,2]},
		"needAnswer":"true","receptionist":10000058}`)
	assert.Equal(t, int64(1), inq.InquiryID)
	assert.NotNil(t, inq.Replies)
	assert.Empty(t, inq.Replies)
	assert.Equal(t, "", inq.ItemName)

	inq = decodeOne(t, `{"inquiryId":1,"replies":[{"answerId":2,"needAnswer":"Y","receptionist":10000058,"partnerTransferStatus":"none"}]}`)
	assert.True(t, inq.Replies[0].NeedAnswer)
	assert.Equal(t, "10000058", inq.Replies[0].Receptionist)
	assert.Equal(t, "none", *inq.Replies[0].PartnerTransferStatus)

	page, err := DecodeListResponse([]byte(`{"code":200,"message":"OK","data":{"content":null}}`))
	require.NoError(t, err)
	assert.Empty(t, page.Inquiries)
	assert.Equal(t, Pagination{}, page.Pagination)

	// A body without code is read by its data; a blank code is no success code.
	page, err = DecodeListResponse([]byte(`{"data":{"content":[{"inquiryId":3}]}}`))
	require.NoError(t, err)
	assert.Equal(t, int64(3), page.Inquiries[0].InquiryID)
	_, err = DecodeListResponse([]byte(listBody(`" "`, `{"inquiryId":3}`)))
	assert.Equal(t, KindDecode, KindOf(err))
	assert.ErrorContains(t, err, "in the body: OK")
}

func TestDecodeRejectsBadBodies(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body    string
		kind    ErrorKind
		message string
	}{
		"html":            {`<!DOCTYPE html><html><head><title>Access Denied</title></head><body>x</body></html>`, KindDecode, `HTML page: "Access Denied"`},
		"garbage":         {`Service Unavailable`, KindDecode, `non-JSON body: "Service Unavailable"`},
		"empty":           {``, KindDecode, "empty body"},
		"truncated":       {`{"code":200,"message":"OK","data":{"content":[{"inquiryId":1`, KindDecode, "malformed JSON"},
		"code 500":        {`{"code":500,"message":"Internal error"}`, KindServer, "code 500 in the body: Internal error"},
		"code string 400": {`{"code":"400","message":"Invalid vendor ID"}`, KindBadRequest, "Invalid vendor ID"},
		"code ERROR":      {`{"code":"ERROR","message":"something broke"}`, KindDecode, "code ERROR in the body: something broke"},
		"code 600":        {`{"code":600,"message":"odd"}`, KindDecode, "code 600 in the body: odd"},
		"no data":         {`{"code":200,"message":"OK"}`, KindDecode, "no data"},
		"not coupang":     {`{"hello":"world"}`, KindDecode, "without code or data"},
		"data array":      {`{"code":200,"data":[1]}`, KindDecode, "not an object"},
		"bad time":        {listBody("200", `{"inquiryId":7,"inquiryAt":"yesterday"}`), KindDecode, `inquiry 7: inquiryAt: "yesterday" is not a time`},
		"bad id":          {listBody("200", `{"inquiryId":1.5}`), KindDecode, "inquiryId: 1.5 is not an integer"},
		"no id":           {listBody("200", `{"itemName":"x"}`), KindDecode, "without inquiryId"},
		"bad vendor item": {listBody("200", `{"inquiryId":1,"vendorItemId":[true]}`), KindDecode, "vendorItemId: [0]"},
		"reply not obj":   {listBody("200", `{"inquiryId":1,"replies":[3]}`), KindDecode, "inquiry 1: replies[0]: a number is not an object"},
		"reply null":      {listBody("200", `{"inquiryId":1,"replies":[{"answerId":2},null]}`), KindDecode, "data.content[0]: inquiry 1: replies[1]: a reply is null, not an object"},
		"inquiry null":    {listBody("200", `{"inquiryId":1},null`), KindDecode, "data.content[1]: an inquiry is null, not an object"},
		"reply bad field": {listBody("200", `{"inquiryId":1,"replies":[{"answerId":2},{"answerId":"x"}]}`), KindDecode, "inquiry 1: replies[1]: answerId: x is not an integer"},
		"json array":      {`[]`, KindDecode, "malformed JSON"},
	}
	for name, c := range cases {
		page, err := DecodeListResponse([]byte(c.body))
		assert.Nil(t, page, name)
		require.Error(t, err, name)
		assert.Equal(t, c.kind, KindOf(err), "%s: %v", name, err)
		assert.Contains(t, err.Error(), c.message, name)
	}
}

func TestDecodeInquiryResponseShapes(t *testing.T) {
	t.Parallel()
	one := `{"inquiryId":1015668177,"vendorItemId":[3285906659],"inquiryAt":"2018-01-08 16:43:42","content":"상담이력","replies":[]}`
	for name, body := range map[string]string{
		"object":          `{"code":200,"message":"OK","data":` + one + `}`,
		"array of one":    `{"code":"200","message":"OK","data":[` + one + `]}`,
		"content wrapper": `{"code":200,"message":"OK","data":{"content":[` + one + `]}}`,
		"byte order mark": bom + `{"code":200,"message":"OK","data":` + one + `}`,
	} {
		inq, err := DecodeInquiryResponse([]byte(body))
		require.NoError(t, err, name)
		assert.Equal(t, int64(1015668177), inq.InquiryID, name)
		assert.Equal(t, "상담이력", inq.Content, name)
	}
	for name, c := range map[string]struct {
		body string
		kind ErrorKind
	}{
		"null data":   {`{"code":200,"message":"OK","data":null}`, KindDecode},
		"empty array": {`{"code":200,"message":"OK","data":[]}`, KindNotFound},
		"two":         {`{"code":200,"message":"OK","data":[` + one + `,` + one + `]}`, KindDecode},
		"html":        {`<html><body>blocked</body></html>`, KindDecode},
	} {
		_, err := DecodeInquiryResponse([]byte(c.body))
		assert.Equal(t, c.kind, KindOf(err), "%s: %v", name, err)
	}
}

func TestDescribeBodySanitizes(t *testing.T) {
	t.Parallel()
	body := "\x00\x01garbage\r\n\twith\xff bytes " + strings.Repeat("x", 200)
	d := describeBody([]byte(body))
	assert.True(t, strings.HasPrefix(d, `non-JSON body: "garbage with`), d)
	assert.NotContains(t, d, "\n")
	assert.Less(t, len([]rune(d)), 140)
	// An empty title gives the page's text; a JSON body is called JSON; a text of exactly the limit
	// is whole.
	assert.Equal(t, `HTML page: "blocked"`, describeBody([]byte("<html><title> </title><body>blocked</body></html>")))
	assert.Equal(t, `JSON: "{\"a\":1}"`, describeBody([]byte(`{"a":1}`)))
	assert.Equal(t, strings.Repeat("x", 80), sanitize(strings.Repeat("x", 80), 80))
}

// A signature is redacted in either case, as are a signature field and a CEA header.
func TestRedactSecrets(t *testing.T) {
	t.Parallel()
	sig := Signature("abc123", "700101T000000Z", "GET", "/path", "x=1")
	for text, secret := range map[string]string{"echo " + sig: sig, "echo " + strings.ToUpper(sig): strings.ToUpper(sig),
		"signature=abc, end": "abc", "signature=tOkEn-42, end": "kEn-42", "CEA algorithm=HmacSHA256, access-key=ak": "ak"} {
		got := redactSecrets(text)
		assert.Contains(t, got, "[redacted]", text)
		assert.NotContains(t, got, secret, text)
	}
}

// fuzzSeeds are the example response and the variant bodies of the tests above.
func fuzzSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{readExample(t)}
	for _, s := range []string{
		listBody(`"200"`, `{"inquiryId":"1","vendorItemId":"3285906659","orderId":"10000012345620","answeredAt":"2018-01-08T16:56:16"}`),
		listBody(`200`, `{"inquiryId":1,"vendorItemId":[1,"2",null],"replies":[{"parentAnswerId":"","partnerTransferStatus":null}]}`),
		listBody(`200`, `{"inquiryId":1,"inquiryAt":"2018-01-08T16:56:16+09:00","saleStartedAt":"2017-12-12","replies":null}`),
		`{"code":500,"message":"Internal error"}`,
		`{"code":200,"message":"OK","data":{"inquiryId":5,"content":"x"}}`,
		`{"code":200,"message":"OK","data":{"content":[{"inquiryId":5}]}}`,
		`{"code":200,"message":"OK","data":[{"inquiryId":5}]}`,
		`<!DOCTYPE html><html><title>403 Forbidden</title></html>`,
		`{"code":200,"data":{"content":[{"inquiryId":1`,
		``, `null`, `[]`, `{}`, `"x"`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// checkDecoded asserts the decoder's contract on any input: an error or a value, never both or neither.
func checkDecoded[T any](t *testing.T, v *T, err error) {
	if err != nil {
		if v != nil {
			t.Fatalf("both a value and an error: %v", err)
		}
		if KindOf(err) == 0 {
			t.Fatalf("error is not an *Error: %v", err)
		}
		return
	}
	if v == nil {
		t.Fatal("neither a value nor an error")
	}
}

func FuzzDecodeListResponse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := DecodeListResponse(body)
		checkDecoded(t, page, err)
		if err == nil && !looksLikeJSON(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
	})
}

func FuzzDecodeInquiryResponse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		inq, err := DecodeInquiryResponse(body)
		checkDecoded(t, inq, err)
		if err == nil && inq.InquiryID == 0 {
			t.Fatal("an inquiry without an id")
		}
	})
}

// Members are matched as encoding/json matches them (Coupang sends neither duplicate keys nor keys in
// another case): escaped keys are unescaped, the last of duplicate keys wins, and a key in another
// case fills the member when no exact one does.
func TestDecodeKeysAsEncodingJSON(t *testing.T) {
	t.Parallel()
	inq := decodeOne(t, `{"inquiryId":3,"inquiry\u0049d":7,"itemName":"a","itemName":"b","BuyerEmail":"x@example.com"}`)
	assert.Equal(t, int64(7), inq.InquiryID)
	assert.Equal(t, "b", inq.ItemName)
	assert.Equal(t, "x@example.com", inq.BuyerEmail)
	// Zero fractions are whole numbers; numeric strings may carry a sign.
	inq = decodeOne(t, `{"inquiryId":"12.00","orderId":"+5","vendorItemId":["3.","-0.0"]}`)
	assert.Equal(t, int64(12), inq.InquiryID)
	assert.Equal(t, int64(5), inq.OrderID)
	assert.Equal(t, []int64{3}, inq.VendorItemIDs)
}
