package coupang

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableProductInquiry = "coupang_product_inquiry"

func tableCoupangProductInquiry(state *pluginState) *plugin.Table {
	return &plugin.Table{
		Name:        tableProductInquiry,
		Description: "Questions buyers posted on the seller's product pages on Coupang (product Q&A), one row per question.",
		List: &plugin.ListConfig{
			KeyColumns: optionalKeyColumns(colInquiryAt, colAnsweredType), // the only filters of Coupang's product Q&A list
			Hydrate:    listRows(state, false, (*scan).runProducts, productInquiryRows),
		},
		Columns: []*plugin.Column{
			{Name: colInquiryID, Type: proto.ColumnType_INT, Description: "The question ID (inquiryId)."},
			{Name: colInquiryAt, Type: proto.ColumnType_TIMESTAMP, Description: "When the buyer asked (inquiryAt, Korean time)."},
			{Name: colAnsweredType, Type: proto.ColumnType_STRING, Description: "The bucket the rows were listed with: ALL (default), ANSWERED or NOANSWER."},
			{Name: "product_id", Type: proto.ColumnType_INT, Description: "The exposed product ID (productId)."},
			{Name: "seller_product_id", Type: proto.ColumnType_INT, Description: "The registered product ID (sellerProductId), null on old questions."},
			{Name: "seller_item_id", Type: proto.ColumnType_INT, Description: "The seller item ID (sellerItemId), null on old questions."},
			{Name: colVendorItemID, Type: proto.ColumnType_INT, Description: "The option ID (vendorItemId) the question is about."},
			{Name: "content", Type: proto.ColumnType_STRING, Description: "The buyer's question (content)."},
			{Name: "order_ids", Type: proto.ColumnType_JSON, Description: "The buyer's related order numbers (orderIds), always an array."},
			{Name: "answered", Type: proto.ColumnType_BOOL, Description: "True when the question has at least one answer."},
			{Name: "comments", Type: proto.ColumnType_JSON, Description: "The answers (commentDtoList), with the same snake_case keys as coupang_product_inquiry_comment."},
			{Name: "vendor_id", Type: proto.ColumnType_STRING, Description: "The seller ID of the connection."},
			{Name: "title", Type: proto.ColumnType_STRING, Description: "A short label: the start of the question."},
		},
	}
}
