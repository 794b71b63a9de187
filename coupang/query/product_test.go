package query

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// productFake serves the fake's inquiries as product questions (answered: a "answered" counseling
// status), strictly: a request api.ProductInquiryRequest.Validate rejects fails the test.
type productFake struct {
	*fakeAPI
	// repeat, when set, repeats the first row of page 1 at the end of the last page when it has
	// room (a row seen twice as rows shift between pages).
	repeat   bool
	repeated int
	calls    []api.ProductInquiryRequest
}

func (f *productFake) ListProductInquiries(_ context.Context, req api.ProductInquiryRequest) (*api.ProductInquiryPage, error) {
	f.mu.Lock() // called from the fetch's workers
	defer f.mu.Unlock()
	f.calls = append(f.calls, req)
	if err := req.Validate(); err != nil || req.PageNum < 1 || req.PageSize < 1 {
		f.t.Errorf("invalid request %+v: %v", req, err)
		return nil, fmt.Errorf("fake: HTTP 400: %v", err)
	}
	var rows []api.ProductInquiry
	for _, inq := range f.data {
		d := api.KoreanDate(inq.InquiryAt)
		answered := inq.CSPartnerCounselingStatus == "answered"
		if d.Before(api.KoreanDate(req.InquiryStartAt)) || d.After(api.KoreanDate(req.InquiryEndAt)) ||
			(req.AnsweredType == api.AnsweredAnswered && !answered) || (req.AnsweredType == api.AnsweredNoAnswer && answered) {
			continue
		}
		rows = append(rows, api.ProductInquiry{InquiryID: inq.InquiryID, InquiryAt: inq.InquiryAt})
	}
	from := min(len(rows), (req.PageNum-1)*req.PageSize)
	page := slices.Clone(rows[from:min(len(rows), from+req.PageSize)])
	if f.repeat && req.PageNum > 1 && from+req.PageSize >= len(rows) && len(page) < req.PageSize {
		page = append(page, rows[0])
		f.repeated++
	}
	return &api.ProductInquiryPage{Inquiries: page, Pagination: api.Pagination{CurrentPage: req.PageNum,
		TotalPages: (len(rows) + req.PageSize - 1) / req.PageSize, TotalElements: len(rows), CountPerPage: req.PageSize}}, nil
}

type productList = func(context.Context, api.ProductInquiryRequest) (*api.ProductInquiryPage, error)

// fetchProductRows returns every row the fetch streams.
func fetchProductRows(t *testing.T, list productList, p *Plan) []ProductRow {
	t.Helper()
	var rows []ProductRow
	require.NoError(t, FetchProductInquiries(context.Background(), list, p, func(r ProductRow) bool {
		rows = append(rows, r)
		return true
	}))
	return rows
}

func fetchProducts(t *testing.T, list productList, p *Plan, limit int) []int64 {
	t.Helper()
	var ids []int64
	err := FetchProductInquiries(context.Background(), list, p, func(r ProductRow) bool {
		require.Equal(t, p.Filter.PartnerCounselingStatus, r.AnsweredType)
		ids = append(ids, r.Inquiry.InquiryID)
		return limit < 0 || len(ids) < limit
	})
	require.NoError(t, err)
	return ids
}

func TestBuildProductQnA(t *testing.T) {
	t.Parallel()
	p, err := Build(Quals{Endpoint: ProductQnA, Limit: -1}, now, 7)
	require.NoError(t, err)
	assert.Equal(t, api.AnsweredAll, p.Filter.PartnerCounselingStatus, "ALL by default")
	assert.Equal(t, api.MaxProductPageSize, p.PageSize)
	require.Len(t, p.Windows, 1)
	assert.Equal(t, 6, calendarDaysOf(p.Windows[0]), "the default lookback: 7 days, today included")

	p, err = Build(Quals{Endpoint: ProductQnA, Limit: 40}, now, 7)
	require.NoError(t, err)
	assert.Equal(t, 40, p.PageSize, "a limit under 50 shrinks the page")

	_, err = Build(Quals{Endpoint: ProductQnA, PartnerCounselingStatus: [][]string{{"noAnswer"}}, Limit: -1}, now, 7)
	require.EqualError(t, err, `unknown answered_type "noAnswer": use one of ALL, ANSWERED, NOANSWER`)
	_, err = Build(Quals{Endpoint: ProductQnA, PartnerCounselingStatus: [][]string{{"NO_ANSWER"}}, Limit: -1}, now, 7)
	require.Error(t, err, "a call-center status is not an answered type")

	p, err = Build(Quals{Endpoint: ProductQnA, PartnerCounselingStatus: [][]string{{"ANSWERED"}, {"NOANSWER"}}, Limit: -1}, now, 7)
	require.NoError(t, err)
	assert.Empty(t, p.Windows, "contradictory answered_type quals make no request")
}

func calendarDaysOf(w Window) int { return int(w.End.Sub(w.Start).Hours() / 24) }

// The product Q&A fetch returns exactly the questions in range and bucket, each once, in the
// fewest requests, sequentially and concurrently alike.
func TestFetchProductInquiries(t *testing.T) {
	t.Parallel()
	lo, hi := kst("2025-11-03 10:00:00"), kst("2025-12-20 18:00:00")
	for _, status := range []string{"", api.AnsweredAnswered, api.AnsweredNoAnswer} {
		for _, limit := range []int64{-1, 1_000_000} {
			t.Run(fmt.Sprintf("%s limit %d", status, limit), func(t *testing.T) {
				f := &productFake{fakeAPI: newFake(t), repeat: true}
				q := Quals{Endpoint: ProductQnA, InquiryAt: []Bound{b(">=", lo), b("<=", hi)}, Limit: limit}
				if status != "" {
					q.PartnerCounselingStatus = [][]string{{status}}
				}
				p, err := Build(q, now, 7)
				require.NoError(t, err)
				var got []int64
				for _, r := range fetchProductRows(t, f.ListProductInquiries, p) {
					require.NotEqual(t, Rejected, p.Filter.Certainty(r.Inquiry.InquiryAt), "a question no session TimeZone keeps reached Postgres")
					if (Bound{OpGe, lo}).admits(r.Inquiry.InquiryAt) && (Bound{OpLe, hi}).admits(r.Inquiry.InquiryAt) {
						got = append(got, r.Inquiry.InquiryID) // Postgres' recheck, in a UTC session
					}
				}
				want := []int64{}
				minimum := 0
				for _, w := range p.Windows {
					n := 0
					for _, inq := range f.data {
						answered := inq.CSPartnerCounselingStatus == "answered"
						d := api.KoreanDate(inq.InquiryAt)
						if !d.Before(w.Start) && !d.After(w.End) && (status == "" || (status == api.AnsweredAnswered) == answered) {
							n++
							if !inq.InquiryAt.Before(lo) && !inq.InquiryAt.After(hi) {
								want = append(want, inq.InquiryID)
							}
						}
					}
					minimum += max(1, (n+p.PageSize-1)/p.PageSize)
				}
				slices.Sort(want)
				require.Len(t, got, len(slices.Compact(slices.Clone(got))), "a question streamed twice")
				slices.Sort(got)
				assert.Equal(t, want, got)
				assert.Positive(t, f.repeated, "the deduplication was exercised")
				assert.Equal(t, minimum, len(f.calls), "one request per page of 50, no more")
			})
		}
	}
}

// A limit stops the fetch at the first page that fills it, newest window first.
func TestFetchProductInquiriesLimitStopsEarly(t *testing.T) {
	t.Parallel()
	f := &productFake{fakeAPI: newFake(t)}
	p, err := Build(Quals{Endpoint: ProductQnA, Limit: 3}, now, 7)
	require.NoError(t, err)
	ids := fetchProducts(t, f.ListProductInquiries, p, 3)
	assert.Len(t, ids, 3)
	require.Len(t, f.calls, 1)
	assert.Equal(t, p.Windows[0].End, f.calls[0].InquiryEndAt, "the newest window first")
	assert.Equal(t, 3, f.calls[0].PageSize)
}

// The planner's request becomes the product call unchanged.
func TestProductRequest(t *testing.T) {
	t.Parallel()
	s, e := day("2026-01-01"), day("2026-01-07")
	got := productRequest(api.ListRequest{InquiryStartAt: s, InquiryEndAt: e, PartnerCounselingStatus: "NOANSWER", PageNum: 2, PageSize: 50})
	assert.Equal(t, api.ProductInquiryRequest{InquiryStartAt: s, InquiryEndAt: e, AnsweredType: "NOANSWER", PageNum: 2, PageSize: 50}, got)
	assert.True(t, got.InquiryEndAt.Equal(s.Add(6*24*time.Hour)))
}

// A product Q&A page without a pagination block cannot be told from the last page: its rows fail
// the fetch rather than stop it early, and no further page is asked for.
func TestFetchProductInquiriesWithoutPagination(t *testing.T) {
	t.Parallel()
	body := `{"code":200,"message":"OK","data":{"content":[{"inquiryId":1,"inquiryAt":"2026-01-10 10:00:00"}]}}`
	calls := 0
	list := func(context.Context, api.ProductInquiryRequest) (*api.ProductInquiryPage, error) {
		calls++
		return api.DecodeProductInquiryList([]byte(body))
	}
	p, err := Build(Quals{Endpoint: ProductQnA, Limit: -1}, now, 7)
	require.NoError(t, err)
	err = FetchProductInquiries(context.Background(), list, p, func(ProductRow) bool { return true })
	require.ErrorIs(t, err, errBadPage)
	assert.ErrorContains(t, err, "1 rows but totalPages 0")
	assert.Equal(t, 1, calls)
}
