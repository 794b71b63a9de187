package coupang_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	productTable = "coupang_product_inquiry"
	commentTable = "coupang_product_inquiry_comment"
)

// minProductRequests is the fewest requests the planner's plan for qs can make: for every planned
// window, one per 50 questions of the bucket (computed from the sandbox's data) and at least one.
func minProductRequests(t *testing.T, all []sandbox.ProductInquiry, qs query.Quals) int {
	t.Helper()
	qs.Endpoint = query.ProductQnA
	return minPages(t, qs, func(plan *query.Plan, req api.ListRequest) int {
		return pages(count(all, func(q sandbox.ProductInquiry) bool {
			d := api.KoreanDate(q.InquiryAt)
			return !d.Before(api.KoreanDate(req.InquiryStartAt)) && !d.After(api.KoreanDate(req.InquiryEndAt)) && inBucket(q, plan.Filter.PartnerCounselingStatus)
		}), api.MaxProductPageSize)
	})
}

func inBucket(q sandbox.ProductInquiry, bucket string) bool {
	return bucket == api.AnsweredAll || q.Answered() == (bucket == api.AnsweredAnswered)
}

// TestProductInquiryTableMatchesSandbox compares both product tables with the sandbox's data,
// computed independently, in every bucket, and each request count with the minimum.
func TestProductInquiryTableMatchesSandbox(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // its expected windows and default lookback are the plugin's
	e := newEnv(t, smallData, "")
	all := e.sb.ProductInquiries()
	index := map[int64]sandbox.ProductInquiry{}
	for _, q := range all {
		index[q.InquiryID] = q
	}
	now := time.Now()
	lo := now.Add(-30 * 24 * time.Hour)
	for _, bucket := range api.AnsweredTypes {
		t.Run(bucket, func(t *testing.T) {
			quals := between(lo, now)
			qq := query.Quals{InquiryAt: []query.Bound{{Op: ">=", Value: lo}, {Op: "<=", Value: now}}}
			if bucket != api.AnsweredAll {
				quals = append(quals, inprocess.Qual{Column: "answered_type", Operator: "=", Value: bucket})
				qq.PartnerCounselingStatus = [][]string{{bucket}}
			}
			var want, wantComments []int64
			for _, q := range all {
				if !q.InquiryAt.Before(lo) && !q.InquiryAt.After(now) && inBucket(q, bucket) {
					want = append(want, q.InquiryID)
					for _, c := range q.Comments {
						wantComments = append(wantComments, c.InquiryCommentID)
					}
				}
			}
			require.NotEmpty(t, want)
			slices.Sort(want)
			slices.Sort(wantComments)

			rows := e.mustQuery(t, inprocess.Query{Table: productTable, Quals: quals, Limit: -1})
			assert.Equal(t, want, ids(rows))
			assert.Len(t, rows, len(want), "no question twice")
			assert.Len(t, e.requestsTo(productEndpoint), minProductRequests(t, all, qq), "requests")
			assert.Len(t, e.sb.Log(), len(e.requestsTo(productEndpoint)), "no call-center request")
			e.requireAllOK(t)
			for _, row := range rows {
				q := index[row["inquiry_id"].(int64)]
				assert.True(t, q.InquiryAt.Equal(row["inquiry_at"].(time.Time)))
				assert.Equal(t, bucket, row["answered_type"])
				assert.Equal(t, q.VendorItemID, row["vendor_item_id"])
				assert.Equal(t, q.Content, row["content"])
				assert.Equal(t, q.Answered(), row["answered"])
				assert.Equal(t, e.sb.VendorID(), row["vendor_id"])
				if q.SellerProductID == 0 {
					assert.Nil(t, row["seller_product_id"], "absent on old questions")
				} else {
					assert.Equal(t, q.SellerProductID, row["seller_product_id"])
				}
				wantOrders := q.OrderIDs
				if wantOrders == nil {
					wantOrders = []int64{}
				}
				var orders []int64
				require.NoError(t, json.Unmarshal(jsonBytes(t, row["order_ids"]), &orders))
				assert.Equal(t, wantOrders, orders, "order_ids of %d", q.InquiryID)
				var comments []struct {
					InquiryCommentID int64     `json:"inquiry_comment_id"`
					Content          string    `json:"content"`
					CommentAt        time.Time `json:"comment_at"`
				}
				require.NoError(t, json.Unmarshal(jsonBytes(t, row["comments"]), &comments))
				require.Len(t, comments, len(q.Comments))
				for i, c := range q.Comments {
					assert.Equal(t, c.InquiryCommentID, comments[i].InquiryCommentID)
					assert.Equal(t, c.Content, comments[i].Content)
					assert.True(t, c.InquiryCommentAt.Equal(comments[i].CommentAt), "comment_at read from a space-separated time")
				}
			}

			rows = e.mustQuery(t, inprocess.Query{Table: commentTable, Quals: quals, Limit: -1})
			var gotComments []int64
			for _, row := range rows {
				gotComments = append(gotComments, row["inquiry_comment_id"].(int64))
				q := index[row["inquiry_id"].(int64)]
				assert.True(t, q.InquiryAt.Equal(row["inquiry_at"].(time.Time)))
				assert.Equal(t, bucket, row["answered_type"])
			}
			slices.Sort(gotComments)
			assert.Equal(t, wantComments, gotComments)
			e.requireAllOK(t)
		})
	}
}

// jsonBytes returns a JSONB column's value as JSON.
func jsonBytes(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestProductInquiryDefaultWindowAndLimit: no time qual reads the last 7 Korean days; limit 5 makes
// one request of 5, newest window first; the comment table's limit counts answers; a contradiction
// or a bad answered_type makes no request.
func TestProductInquiryDefaultWindowAndLimit(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // its today must be the plugin's
	e := newEnv(t, smallData, "")
	clock := e.useStepClock()
	all := e.sb.ProductInquiries()
	today := api.KoreanDate(time.Now())
	var want []int64
	for _, q := range all {
		if !api.KoreanDate(q.InquiryAt).Before(today.AddDate(0, 0, -6)) {
			want = append(want, q.InquiryID)
		}
	}
	slices.Sort(want)
	rows := e.mustQuery(t, inprocess.Query{Table: productTable, Limit: -1})
	assert.Equal(t, want, ids(rows))
	assert.Len(t, rows, len(want), "no question twice")
	reqs := e.requestsTo(productEndpoint)
	require.Len(t, reqs, 1)
	assert.Equal(t, today.AddDate(0, 0, -6).Format(api.DateLayout), queryParam(reqs[0], "inquiryStartAt"))
	assert.Equal(t, today.Format(api.DateLayout), queryParam(reqs[0], "inquiryEndAt"))
	assert.Equal(t, "ALL", queryParam(reqs[0], "answeredType"))

	rows = e.mustQuery(t, inprocess.Query{Table: productTable, Limit: 5})
	assert.Len(t, rows, 5)
	reqs = e.requestsTo(productEndpoint)
	require.Len(t, reqs, 1, "limit 5 stops after the first page")
	assert.Equal(t, "5", queryParam(reqs[0], "pageSize"))

	// A bound some session time zones read differently: the questions every zone keeps come first,
	// so Postgres' recheck of the 5 streamed rows keeps all 5.
	since := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: today.AddDate(0, 0, -3)}}
	rows = e.mustQuery(t, inprocess.Query{Table: productTable, Limit: 5, Quals: since})
	assert.Len(t, rows, 5)

	clock.advance(time.Hour) // the questions' pages are not reused
	rows = e.mustQuery(t, inprocess.Query{Table: commentTable, Limit: 3})
	assert.Len(t, rows, 3)
	assert.Len(t, e.requestsTo(productEndpoint), 1, "three answers fit in the first page of 50 questions of the last 7 days")

	rows = e.mustQuery(t, inprocess.Query{Table: productTable, Limit: -1, Quals: []inprocess.Qual{
		{Column: "answered_type", Operator: "=", Value: "ANSWERED"}, {Column: "answered_type", Operator: "=", Value: "NOANSWER"}}})
	assert.Empty(t, rows)
	assert.Empty(t, e.sb.Log(), "a contradiction makes no request")

	_, err := e.query(t, inprocess.Query{Table: productTable, Limit: -1, Quals: []inprocess.Qual{{Column: "answered_type", Operator: "=", Value: "noanswer"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown answered_type "noanswer": use one of ALL, ANSWERED, NOANSWER`)
	assert.Empty(t, e.sb.Log())
}

// TestProductInquiryINListOfBuckets: answered_type IN (...) runs each bucket once; the rows carry
// the bucket they were listed with.
func TestProductInquiryINListOfBuckets(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // two listings of the default lookback, compared
	e := newEnv(t, smallData, "")
	rows := e.mustQuery(t, inprocess.Query{Table: productTable, Limit: -1, Quals: []inprocess.Qual{
		{Column: "answered_type", Operator: "=", Value: []any{"ANSWERED", "NOANSWER"}}}})
	all := e.mustQuery(t, inprocess.Query{Table: productTable, Limit: -1})
	assert.Equal(t, ids(all), ids(rows), "the two buckets partition ALL")
	for _, r := range rows {
		assert.Equal(t, r["answered"], r["answered_type"] == "ANSWERED")
	}
}

// TestProductInquiryFaults: the product Q&A calls get the call-center calls' retries (a 429 and a
// 500 on every request's first attempt still give the exact rows) and their loud failures (a
// business error in an HTTP 200 fails the query, naming the table and Coupang's message).
func TestProductInquiryFaults(t *testing.T) {
	t.Parallel()
	ctx := tuneClient(t, time.Minute)
	e := startFaultEnv(t, smallData, nil, &fastLimiter)
	lo := api.KoreanDate(time.Now()).AddDate(0, 0, -20)
	quals := []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: lo}}
	var want []int64
	for _, q := range e.sb.ProductInquiries() {
		if !q.InquiryAt.Before(lo) {
			want = append(want, q.InquiryID)
		}
	}
	slices.Sort(want)
	for name, f := range map[string]func() *sandbox.Fault{
		"429": func() *sandbox.Fault { return sandbox.FaultRateLimited("") },
		"500": func() *sandbox.Fault { return sandbox.FaultStatus(500, "Internal Server Error") },
	} {
		e.sb.SetFault(perRequest(1, f))
		rows, err := runQuery(ctx, e.r, inprocess.Query{Table: productTable, Quals: quals, Limit: -1})
		require.NoError(t, err, name)
		assert.Equal(t, want, ids(rows), name)
	}
	e.sb.SetFault(always(func() *sandbox.Fault { return sandbox.FaultCodeInBody(400, "answeredType can't be null") }))
	_, err := runQuery(ctx, e.r, inprocess.Query{Table: productTable, Quals: quals, Limit: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "coupang_product_inquiry")
	assert.Contains(t, err.Error(), "answeredType can't be null")
}
