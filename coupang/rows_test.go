package coupang

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// TestRowsHaveEveryColumn checks that the rows of every table carry exactly the table's columns,
// since a column missing from a row would silently read as null, and that the default transform
// hands each value over as the row holds it.
func TestRowsHaveEveryColumn(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, api.KST)
	status := "requestAnswer"
	full := query.Row{VendorItemID: 7, PartnerCounselingStatus: "NONE", Inquiry: api.Inquiry{
		InquiryID: 1, InquiryStatus: "progress", CSPartnerCounselingStatus: "answered", VendorItemIDs: []int64{7, 8},
		ItemName: "item", Content: "content", AnsweredAt: &at, InquiryAt: at, BuyerPhone: "010-****-1234",
		OrderID: 9, OrderDate: &at, ReceiptCategory: "a>b", SaleStartedAt: &at, SaleEndedAt: &at,
		Replies: []api.Reply{{AnswerID: 3, ParentAnswerID: 2, PartnerTransferStatus: &status, AnswerType: "csAgent",
			NeedAnswer: true, ReplyAt: &at, Content: "reply"}},
	}}
	empty := query.Row{Inquiry: api.Inquiry{InquiryID: 2, InquiryAt: at, Replies: []api.Reply{{AnswerID: 4}}}}
	product := query.ProductRow{AnsweredType: "ALL", Inquiry: api.ProductInquiry{InquiryID: 5, InquiryAt: at, ProductID: 6,
		VendorItemID: 7, Content: "question", Comments: []api.ProductInquiryComment{{InquiryCommentID: 8, Content: "answer", InquiryCommentAt: &at}}}}
	s := &scan{conn: &connection{vendorID: "A00012345"}}
	rows := map[string][]row{
		tableInquiry:        append(inquiryRows(s, full), inquiryRows(s, empty)...),
		tableReply:          append(replyRows(s, full), replyRows(s, empty)...),
		tableProductInquiry: productInquiryRows(s, product),
		tableProductComment: productCommentRows(s, product),
	}
	p := Plugin(context.Background())
	for table, rs := range rows {
		require.NotEmpty(t, rs, table)
		for _, r := range rs {
			var columns []string
			for _, col := range p.TableMap[table].Columns {
				columns = append(columns, col.Name)
				got, err := columnValue.Transforms[0].Transform(context.Background(), &transform.TransformData{HydrateItem: r, ColumnName: col.Name})
				require.NoError(t, err)
				assert.Equal(t, r[col.Name], got, "%s.%s", table, col.Name)
			}
			assert.ElementsMatch(t, columns, slices.Collect(maps.Keys(r)), table)
		}
	}
	assert.Equal(t, int64(1), rows[tableInquiry][0][colInquiryID])
	assert.Equal(t, []int64{7, 8}, rows[tableInquiry][0]["vendor_item_ids"])
	assert.Equal(t, []int64{}, rows[tableInquiry][1]["vendor_item_ids"], "always an array")
	assert.Nil(t, rows[tableInquiry][1][colOrderID], "no order: null")
	assert.Equal(t, int64(2), *rows[tableReply][0]["parent_answer_id"].(*int64))
	assert.Nil(t, rows[tableReply][1]["parent_answer_id"])
	assert.Equal(t, "answer", rows[tableProductComment][0]["content"])
}

func TestColumnValueNoRow(t *testing.T) {
	t.Parallel()
	for _, item := range []any{nil, 42, struct{ InquiryID int64 }{1}} {
		got, err := columnValue.Transforms[0].Transform(context.Background(), &transform.TransformData{HydrateItem: item, ColumnName: "inquiry_id"})
		if err != nil || got != nil {
			t.Errorf("%#v: got %#v, %v; want nil", item, got, err)
		}
	}
}
