package coupang_test

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	protobuf "google.golang.org/protobuf/proto"
)

// rawObject renders a JSON object from raw JSON member values, in key order, so tests can put
// bytes in it that no encoder would write.
func rawObject(members map[string]string) string {
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, strconv.Quote(k)+":"+members[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// extremeInquiry is an ordinary inquiry asked yesterday at noon (Korean time), as raw JSON members;
// tests override members.
func extremeInquiry(overrides map[string]string) map[string]string {
	at := api.KoreanDate(time.Now()).AddDate(0, 0, -1).Add(12 * time.Hour).Format("2006-01-02 15:04:05")
	m := map[string]string{
		"inquiryId": "1001", "inquiryStatus": `"progress"`, "csPartnerCounselingStatus": `"requestAnswer"`,
		"vendorItemId": "[3285906659]", "itemName": `"스파오 티셔츠"`, "content": `"언제 오나요?"`,
		"answeredAt": "null", "replies": "[]", "inquiryAt": strconv.Quote(at), "buyerEmail": `""`,
		"buyerPhone": `"010-****-1234"`, "orderId": "20240101000001", "orderDate": strconv.Quote(at),
		"receiptCategory": `"배송>배송일정"`, "saleStartedAt": `"2024-01-01"`, "saleEndedAt": `"2099-12-31"`,
	}
	for k, v := range overrides {
		m[k] = v
	}
	return m
}

// listBodyOf is a list response holding the inquiries, one page.
func listBodyOf(code string, inquiries ...map[string]string) []byte {
	items := make([]string, 0, len(inquiries))
	for _, inq := range inquiries {
		items = append(items, rawObject(inq))
	}
	n := strconv.Itoa(len(inquiries))
	return []byte(`{"code":` + code + `,"message":"OK","data":{"content":[` + strings.Join(items, ",") +
		`],"pagination":{"currentPage":1,"totalPages":1,"totalElements":` + n + `,"countPerPage":30}}}`)
}

// replyJSON is one reply as raw JSON.
func replyJSON(id int, content string) string {
	return fmt.Sprintf(`{"answerId":%d,"parentAnswerId":null,"partnerTransferStatus":null,"partnerTransferCompleteReason":"NONE",`+
		`"answerType":"vendor","needAnswer":false,"receptionistName":"판매자","receptionist":"seller","replyAt":"2024-01-02 10:00:00","content":%s}`,
		id, content)
}

// runExtreme serves body for every request of a one-window query on table and returns the rows
// and the error. It fails the test if the plugin panicked or a row could not cross gRPC.
func runExtreme(t *testing.T, table string, body []byte) ([]map[string]any, error) {
	t.Helper()
	ctx := tuneClient(t, time.Minute)
	e := startFaultEnv(t, sandbox.Options{Days: -1}, nil, &fastLimiter)
	e.sb.SetFault(always(func() *sandbox.Fault { return sandbox.FaultBody(http.StatusOK, body) }))
	lo, hi := oneWindow()
	var rows []map[string]any
	err := e.r.Query(ctx, inprocess.Query{Table: table, Quals: between(lo, hi), Limit: -1}, func(cols map[string]*proto.Column) error {
		// Steampipe sends every row over gRPC: it must marshal (valid UTF-8 strings and all).
		if _, err := protobuf.Marshal(&proto.Row{Columns: cols}); err != nil {
			return fmt.Errorf("row does not marshal: %w", err)
		}
		row, err := columnValues(cols)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		assert.NotContains(t, strings.ToLower(err.Error()), "panic")
	}
	return rows, err
}

// TestExtremeResponsesDecodeOrFailCleanly serves bodies with extreme values through the plugin:
// each gives rows with sane values or one clear error, never a panic.
func TestExtremeResponsesDecodeOrFailCleanly(t *testing.T) {
	t.Parallel()
	t.Run("empty strings everywhere", func(t *testing.T) {
		empty := map[string]string{}
		for k := range extremeInquiry(nil) {
			empty[k] = `""`
		}
		// The key and the time stay (see the cases below); replies is an array, not a string.
		empty["inquiryId"], empty["inquiryAt"], empty["replies"] = "1001", extremeInquiry(nil)["inquiryAt"], "[]"
		rows, err := runExtreme(t, inquiryTable, listBodyOf(`"200"`, empty))
		require.NoError(t, err)
		require.Len(t, rows, 1)
		r := rows[0]
		assert.Equal(t, int64(1001), r["inquiry_id"])
		for _, col := range []string{"item_name", "content", "title", "inquiry_status", "buyer_email", "receipt_category"} {
			assert.Equal(t, "", r[col], col)
		}
		for _, col := range []string{"answered_at", "order_date", "order_id", "vendor_item_id", "sale_started_at", "sale_ended_at"} {
			assert.Nil(t, r[col], col)
		}
		assert.Equal(t, []any{}, r["vendor_item_ids"])
		assert.Equal(t, []any{}, r["replies"])
	})
	t.Run("empty inquiryId", func(t *testing.T) {
		_, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{"inquiryId": `""`})))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "data.content[0]: an inquiry without inquiryId")
	})
	t.Run("empty inquiryAt fails loudly rather than being dropped", func(t *testing.T) {
		_, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{"inquiryAt": `""`})))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "inquiry 1001 has no inquiryAt")
	})
	t.Run("10,000 replies", func(t *testing.T) {
		replies := make([]string, 10_000)
		for i := range replies {
			replies[i] = replyJSON(i+1, strconv.Quote(fmt.Sprintf("답변 %d", i+1)))
		}
		body := listBodyOf("200", extremeInquiry(map[string]string{"replies": "[" + strings.Join(replies, ",") + "]"}))
		rows, err := runExtreme(t, inquiryTable, body)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		js := rows[0]["replies"].([]any)
		require.Len(t, js, 10_000)
		assert.Equal(t, "답변 10000", js[9999].(map[string]any)["content"])

		rows, err = runExtreme(t, replyTable, body)
		require.NoError(t, err)
		require.Len(t, rows, 10_000)
		seen := map[int64]bool{}
		for _, r := range rows {
			seen[r["answer_id"].(int64)] = true
			assert.Equal(t, int64(1001), r["inquiry_id"])
		}
		assert.Len(t, seen, 10_000)
	})
	t.Run("1 MB content", func(t *testing.T) {
		content := strings.Repeat("배송이 늦어요. ", 1<<20/len("배송이 늦어요. ")+1)
		rows, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{"content": strconv.Quote(content), "itemName": `""`})))
		require.NoError(t, err)
		require.Len(t, rows, 1)
		assert.Equal(t, content, rows[0]["content"])
		assert.Equal(t, 60, utf8.RuneCountInString(rows[0]["title"].(string)), "title is the start of the content")
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		bad := "\"\xff\xfe\xc3(\xed\xa0\x80 ok\""
		reply := replyJSON(7, bad)
		rows, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{
			"itemName": bad, "content": `"\ud800 lone surrogate"`, "buyerPhone": bad, "replies": "[" + reply + "]"})))
		require.NoError(t, err)
		require.Len(t, rows, 1)
		for _, col := range []string{"item_name", "content", "buyer_phone", "title"} {
			s := rows[0][col].(string)
			assert.True(t, utf8.ValidString(s), col)
			assert.Contains(t, s, "\uFFFD", col)
		}
		assert.Contains(t, rows[0]["item_name"], " ok")
		assert.True(t, utf8.ValidString(rows[0]["replies"].([]any)[0].(map[string]any)["content"].(string)))
	})
	t.Run("numbers as strings", func(t *testing.T) {
		body := []byte(strings.NewReplacer(`"currentPage":1`, `"currentPage":"1"`, `"totalPages":1`, `"totalPages":"1"`,
			`"totalElements":1`, `"totalElements":"1"`).Replace(string(listBodyOf(`"200"`, extremeInquiry(map[string]string{
			"inquiryId": `"1001"`, "orderId": `"20240101000001"`, "vendorItemId": `["3285906659", "77"]`,
			"replies": `[{"answerId":"9","parentAnswerId":"5","needAnswer":"true","replyAt":"2024-01-02T10:00:00","content":"x"}]`})))))
		rows, err := runExtreme(t, inquiryTable, body)
		require.NoError(t, err)
		require.Len(t, rows, 2, "one row per option ID")
		r := rows[0]
		assert.Equal(t, int64(1001), r["inquiry_id"])
		assert.Equal(t, int64(20240101000001), r["order_id"])
		assert.ElementsMatch(t, []any{int64(3285906659), int64(77)}, []any{rows[0]["vendor_item_id"], rows[1]["vendor_item_id"]})
		reply := r["replies"].([]any)[0].(map[string]any)
		assert.Equal(t, "9", fmt.Sprint(reply["answer_id"]))
		assert.Equal(t, "5", fmt.Sprint(reply["parent_answer_id"]))
		assert.Equal(t, true, reply["need_answer"])
	})
	for _, tc := range []struct {
		name, member, value string
		words               []string
	}{
		{"an ID beyond int64", "inquiryId", "99999999999999999999", []string{"inquiryId", "is not an integer"}},
		{"a fractional ID", "orderId", "1.5", []string{"orderId", "is not an integer"}},
		{"a number where a time belongs", "inquiryAt", "20240101", []string{"inquiryAt", "expected a time string"}},
		{"a time in no known layout", "inquiryAt", `"01/02/2024"`, []string{"inquiryAt", "not a time in a known layout"}},
		{"an object where text belongs", "itemName", `{"ko":"x"}`, []string{"itemName", "expected a string, got an object"}},
		{"an empty string where the replies array belongs", "replies", `""`, []string{"replies: a string is not an array"}},
		{"nesting deeper than the decoder allows", "itemName", strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000), []string{"malformed JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{tc.member: tc.value})))
			require.Error(t, err)
			for _, w := range append(tc.words, "unexpected response", "check base_url") {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	t.Run("a body over the size limit", func(t *testing.T) {
		huge := strings.Repeat("x", 17<<20)
		_, err := runExtreme(t, inquiryTable, listBodyOf("200", extremeInquiry(map[string]string{"content": strconv.Quote(huge)})))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "response body larger than")
		assert.Less(t, len(err.Error()), 1000, "the error does not carry the body")
	})
}
