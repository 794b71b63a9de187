package coupang

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableProductComment = "coupang_product_inquiry_comment"

func tableCoupangProductInquiryComment(state *pluginState) *plugin.Table {
	return &plugin.Table{
		Name:        tableProductComment,
		Description: "Answers to the questions buyers posted on the seller's product pages on Coupang, one row per answer, with the question's key columns.",
		List: &plugin.ListConfig{
			KeyColumns: optionalKeyColumns(colInquiryAt, colAnsweredType),
			Hydrate:    listRows(state, true, (*scan).runProducts, productCommentRows),
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
