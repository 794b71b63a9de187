package query

import (
	"context"
	"testing"
)

func BenchmarkBuild(b *testing.B) {
	cases := []struct {
		name string
		q    Quals
	}{
		{"neither", Quals{Limit: -1}},
		{"30-day BETWEEN", Quals{Limit: -1, InquiryAt: []Bound{{">=", kst("2025-12-01 00:00:00")}, {"<=", kst("2025-12-30 23:59:59")}}}},
		{"400 days x 10 option IDs", Quals{Limit: -1, VendorItemID: [][]int64{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, InquiryAt: []Bound{{">=", day("2024-12-12")}}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(c.q, now, 7); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFetch measures streaming a 76-day range (1,500 inquiries, about 80 pages) from the
// in-memory fake, without network or rate limit. The fake scans its whole data set per call, so
// this is an upper bound on the fetcher's own cost, useful for spotting regressions in allocations.
func BenchmarkFetch(b *testing.B) {
	fake := newFake(b)
	p, err := Build(Quals{Limit: -1, InquiryAt: []Bound{{">=", kst("2025-10-01 00:00:00")}}}, now, 7)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Fetch(context.Background(), fake.ListInquiries, p, func(Row) bool { return true }); err != nil {
			b.Fatal(err)
		}
	}
}
