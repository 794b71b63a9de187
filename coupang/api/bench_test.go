package api

import (
	"encoding/json"
	"os"
	"testing"
)

// pageOf30 builds a list response of 30 inquiries from the documented example (replies and all),
// each with its own inquiryId.
func pageOf30(tb testing.TB) []byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/example_list_response.json")
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	data := doc["data"].(map[string]any)
	first := data["content"].([]any)[0].(map[string]any)
	content := make([]any, 30)
	for i := range content {
		inq := make(map[string]any, len(first))
		for k, v := range first {
			inq[k] = v
		}
		inq["inquiryId"] = 1015668177 + i
		content[i] = inq
	}
	data["content"] = content
	data["pagination"] = map[string]any{"currentPage": 1, "totalPages": 1, "totalElements": 30, "countPerPage": 30}
	body, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodeListResponse decodes one page of 30 inquiries, the unit of every list request.
func BenchmarkDecodeListResponse(b *testing.B) {
	body := pageOf30(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		pg, err := DecodeListResponse(body)
		if err != nil || len(pg.Inquiries) != 30 {
			b.Fatalf("%v, %d inquiries", err, len(pg.Inquiries))
		}
	}
}
