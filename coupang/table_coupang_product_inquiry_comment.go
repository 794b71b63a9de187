package coupang

import (
	"context"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableProductComment = "coupang_product_inquiry_comment"

func tableCoupangProductInquiryComment(fans *fanOuts) *plugin.Table {
	return &plugin.Table{
		Name:        tableProductComment,
		Description: "Answers to the questions buyers posted on the seller's product pages on Coupang, one row per answer, with the question's key columns.",
		List: &plugin.ListConfig{
			KeyColumns: productInquiryKeyColumns(),
			Hydrate:    listRows(fans, tableProductComment, true, streamProductComments),
		},
		Columns: []*plugin.Column{
			{Name: colInquiryID, Type: proto.ColumnType_INT, Description: "The question ID."},
			{Name: colInquiryAt, Type: proto.ColumnType_TIMESTAMP, Description: "When the buyer asked (Korean time)."},
			{Name: colAnsweredType, Type: proto.ColumnType_STRING, Description: "The bucket the questions were listed with: ALL (default), ANSWERED or NOANSWER."},
			{Name: colVendorItemID, Type: proto.ColumnType_INT, Description: "The option ID the question is about."},
			{Name: "inquiry_comment_id", Type: proto.ColumnType_INT, Description: "The answer ID (inquiryCommentId)."},
			{Name: "content", Type: proto.ColumnType_STRING, Description: "The answer's text."},
			{Name: "comment_at", Type: proto.ColumnType_TIMESTAMP, Description: "When the answer was written (inquiryCommentAt, Korean time)."},
			{Name: "vendor_id", Type: proto.ColumnType_STRING, Description: "The seller ID of the connection."},
		},
	}
}

// streamProductComments streams the answer rows of a scan; the limit counts answers, so it is
// checked before every answer.
func streamProductComments(ctx context.Context, d *plugin.QueryData, s *scan) error {
	return s.runProducts(ctx, d, func(r query.ProductRow) bool {
		for _, c := range r.Inquiry.Comments {
			if d.RowsRemaining(ctx) <= 0 {
				return false
			}
			d.StreamListItem(ctx, newProductCommentTableRow(r, c, s.conn.vendorID))
		}
		return d.RowsRemaining(ctx) > 0
	})
}
