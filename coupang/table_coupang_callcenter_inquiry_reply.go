package coupang

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableReply = "coupang_callcenter_inquiry_reply"

func tableCoupangCallcenterInquiryReply(state *pluginState) *plugin.Table {
	return &plugin.Table{
		Name:        tableReply,
		Description: "Replies to the seller's call-center inquiries on Coupang, one row per reply and option ID of its inquiry, with the inquiry's key columns.",
		List: &plugin.ListConfig{
			KeyColumns: optionalKeyColumns(colInquiryID, colInquiryAt, colVendorItemID, colOrderID,
				colPartnerCounselingStatus, colAnswerType),
			Hydrate: listRows(state, true, (*scan).run, replyRows),
		},
		Columns: []*plugin.Column{
			{Name: colInquiryID, Type: proto.ColumnType_INT, Description: "The inquiry ID; `inquiry_id = X` reads that inquiry from the single-inquiry endpoint."},
			{Name: colInquiryAt, Type: proto.ColumnType_TIMESTAMP, Sort: plugin.SortDesc, Description: "When the customer asked (Korean time); ORDER BY inquiry_at DESC is pushed down."},
			{Name: colVendorItemID, Type: proto.ColumnType_INT, Description: "One option ID of the inquiry (a reply is one row per option), null when the inquiry names none."},
			{Name: colOrderID, Type: proto.ColumnType_INT, Description: "The inquiry's order number, null when it has none."},
			{Name: colPartnerCounselingStatus, Type: proto.ColumnType_STRING, Description: "The status the inquiries were listed with: NONE (default), ANSWER, NO_ANSWER or TRANSFER."},
			{Name: "answer_id", Type: proto.ColumnType_INT, Description: "The reply ID (answerId)."},
			{Name: "parent_answer_id", Type: proto.ColumnType_INT, Description: "The reply this one answers (parentAnswerId), null when none."},
			{Name: colAnswerType, Type: proto.ColumnType_STRING, Description: "Who replied: csAgent (Coupang's call center) or vendor (the seller)."},
			{Name: "need_answer", Type: proto.ColumnType_BOOL, Description: "True when the seller must answer this reply (needAnswer)."},
			{Name: "partner_transfer_status", Type: proto.ColumnType_STRING, Description: "Transfer to the seller: none, requestAnswer or answered; null for vendor replies."},
			{Name: "partner_transfer_complete_reason", Type: proto.ColumnType_STRING, Description: "Why a transfer was closed: NONE, DISPUTE_PROCESS, DISPUTE_PROCESS_COMPLETE or CANCEL."},
			{Name: "receptionist_name", Type: proto.ColumnType_STRING, Description: "The name of whoever replied."},
			{Name: "receptionist", Type: proto.ColumnType_STRING, Description: "The account of whoever replied."},
			{Name: "reply_at", Type: proto.ColumnType_TIMESTAMP, Description: "When the reply was written (Korean time)."},
			{Name: "content", Type: proto.ColumnType_STRING, Description: "The reply's text."},
			{Name: "vendor_id", Type: proto.ColumnType_STRING, Description: "The seller ID of the connection."},
		},
	}
}
