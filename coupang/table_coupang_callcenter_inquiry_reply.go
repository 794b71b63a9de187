package coupang

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

const tableReply = "coupang_callcenter_inquiry_reply"

func tableCoupangCallcenterInquiryReply(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        tableReply,
		Description: "Replies to the seller's call-center inquiries on Coupang, one row per reply, with the inquiry's key columns.",
		List: &plugin.ListConfig{
			KeyColumns: append(inquiryListKeyColumns()[:4:4],
				&plugin.KeyColumn{Name: colInquiryID, Require: plugin.Optional},
				&plugin.KeyColumn{Name: colAnswerType, Require: plugin.Optional},
			),
			Hydrate: listCallcenterInquiryReplies,
		},
		Columns: []*plugin.Column{
			{Name: colInquiryID, Type: proto.ColumnType_INT, Description: "The inquiry ID; `inquiry_id = X` reads that inquiry from the single-inquiry endpoint."},
			{Name: colInquiryAt, Type: proto.ColumnType_TIMESTAMP, Description: "When the customer asked (Korean time)."},
			{Name: colVendorItemID, Type: proto.ColumnType_INT, Description: "The inquiry's option ID: the one the query asked for, else its first."},
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

func listCallcenterInquiryReplies(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (_ any, err error) {
	defer trackFetch(ctx)(&err)
	keyQuals, run := originalQuals(d)
	if !run {
		return nil, nil
	}
	conn, client, err := queryClient(ctx, d)
	if err != nil {
		return nil, err
	}
	tq, err := convertQuals(keyQuals, queryLimit(d), true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tableReply, err)
	}
	if tq.HasAnswerType && len(tq.AnswerTypes) == 0 {
		return nil, nil // contradictory answer_type quals: nothing to ask Coupang for
	}
	// emit streams the replies of one inquiry that pass answer_type; the limit counts replies.
	emit := func(r query.Row) bool {
		for _, rep := range r.Inquiry.Replies {
			if tq.HasAnswerType && !slices.Contains(tq.AnswerTypes, rep.AnswerType) {
				continue
			}
			if d.RowsRemaining(ctx) <= 0 {
				return false
			}
			d.StreamListItem(ctx, &replyTableRow{
				InquiryID:               r.Inquiry.InquiryID,
				InquiryAt:               r.Inquiry.InquiryAt,
				VendorItemID:            nonZero(r.VendorItemID),
				OrderID:                 nonZero(r.Inquiry.OrderID),
				PartnerCounselingStatus: r.PartnerCounselingStatus,
				VendorID:                conn.config.VendorID,
				replyRow:                newReplyRow(rep),
			})
		}
		return d.RowsRemaining(ctx) > 0
	}
	if tq.HasInquiryID {
		err = listRepliesByInquiryID(ctx, client, tq, conn.config.LookbackDays, emit)
	} else {
		err = runVariants(ctx, d, client, conn.config.LookbackDays, tq.Variants, emit)
	}
	return nil, fetchError(d, tableReply, err)
}

// listRepliesByInquiryID reads each asked-for inquiry from the single-inquiry endpoint and applies
// the other key-column quals exactly, with the planner's own filter, so that no streamed row is
// one Postgres would drop.
func listRepliesByInquiryID(ctx context.Context, client *api.Client, tq tableQuals, lookbackDays int, emit func(query.Row) bool) error {
	now := time.Now()
	for _, id := range tq.InquiryIDs {
		var inq *api.Inquiry
		for _, v := range tq.Variants {
			v.Limit = -1 // the limit is enforced by emit; the plan is used for its filter only
			plan, err := query.Build(v, now, lookbackDays)
			if err != nil {
				return err
			}
			if len(plan.Windows) == 0 {
				continue // the quals select nothing
			}
			if inq == nil {
				got, err := client.GetInquiry(ctx, id)
				if api.KindOf(err) == api.KindNotFound {
					break
				}
				if err != nil {
					return fmt.Errorf("get inquiry %d: %w", id, err)
				}
				inq = got
			}
			if !inquiryHasStatus(*inq, plan.Status) {
				continue
			}
			row := query.Row{Inquiry: *inq, VendorItemID: pickVendorItemID(inq.VendorItemIDs, plan.Filter.VendorItemIDs), PartnerCounselingStatus: plan.Status}
			if !plan.Filter.Match(row) {
				continue
			}
			if !emit(row) {
				return nil
			}
		}
	}
	return nil
}
