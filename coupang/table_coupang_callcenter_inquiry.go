package coupang

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableInquiry = "coupang_callcenter_inquiry"

func tableCoupangCallcenterInquiry(state *pluginState) *plugin.Table {
	return &plugin.Table{
		Name:        tableInquiry,
		Description: "Call-center inquiries of the seller's products on Coupang, one row per inquiry and option ID (count inquiries with count(distinct inquiry_id)).",
		List: &plugin.ListConfig{
			KeyColumns: optionalKeyColumns(colInquiryID, colInquiryAt, colVendorItemID, colOrderID, colPartnerCounselingStatus,
				colInquiryStatus, colCSPartnerCounselingStatus),
			Hydrate: listRows(state, false, (*scan).run, inquiryRows),
		},
		Columns: []*plugin.Column{
			{Name: colInquiryID, Type: proto.ColumnType_INT, Description: "The inquiry ID (inquiryId); `inquiry_id = X` reads that inquiry from the single-inquiry endpoint, one row per option ID."},
			{Name: colInquiryAt, Type: proto.ColumnType_TIMESTAMP, Sort: plugin.SortDesc, Description: "When the customer asked (inquiryAt, Korean time); ORDER BY inquiry_at DESC is pushed down."},
			{Name: colVendorItemID, Type: proto.ColumnType_INT, Description: "The row's option ID: one element of vendor_item_ids (one row per option), null when the inquiry names none."},
			{Name: "vendor_item_ids", Type: proto.ColumnType_JSON, Description: "All option IDs of the inquiry (vendorItemId), always an array."},
			{Name: colOrderID, Type: proto.ColumnType_INT, Description: "The order number (orderId), null when the inquiry has no order."},
			{Name: colPartnerCounselingStatus, Type: proto.ColumnType_STRING, Description: "The status the rows were listed with: NONE (default), ANSWER, NO_ANSWER or TRANSFER."},
			{Name: colInquiryStatus, Type: proto.ColumnType_STRING, Description: "progress or complete (inquiryStatus)."},
			{Name: colCSPartnerCounselingStatus, Type: proto.ColumnType_STRING, Description: "requestAnswer or answered (csPartnerCounselingStatus)."},
			{Name: "item_name", Type: proto.ColumnType_STRING, Description: "The product name (itemName)."},
			{Name: "content", Type: proto.ColumnType_STRING, Description: "The customer's question (content)."},
			{Name: "answered_at", Type: proto.ColumnType_TIMESTAMP, Description: "When the inquiry was answered (answeredAt), null if never."},
			{Name: "order_date", Type: proto.ColumnType_TIMESTAMP, Description: "When the order was placed (orderDate)."},
			{Name: "buyer_email", Type: proto.ColumnType_STRING, Description: "The buyer's email as sent (empty since 2024-08)."},
			{Name: "buyer_phone", Type: proto.ColumnType_STRING, Description: "The buyer's phone number as sent, masked by Coupang."},
			{Name: "receipt_category", Type: proto.ColumnType_STRING, Description: "The inquiry category path, '>'-separated (receiptCategory)."},
			{Name: "sale_started_at", Type: proto.ColumnType_TIMESTAMP, Description: "The sale start date (saleStartedAt), midnight Korean time."},
			{Name: "sale_ended_at", Type: proto.ColumnType_TIMESTAMP, Description: "The sale end date (saleEndedAt), midnight Korean time."},
			{Name: "replies", Type: proto.ColumnType_JSON, Description: "The replies, with the same snake_case keys and values as coupang_callcenter_inquiry_reply."},
			{Name: "vendor_id", Type: proto.ColumnType_STRING, Description: "The seller ID of the connection."},
			{Name: "title", Type: proto.ColumnType_STRING, Description: "A short label: the item name, else the start of the content."},
		},
	}
}
