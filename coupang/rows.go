package coupang

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// row is one streamed row of any table, by column name; a column it lacks is null.
type row map[string]any

// columnValue is the plugin's default transform: a map lookup, where the SDK's FromGo reflects and
// compiles a regular expression for every value.
var columnValue = transform.From(func(_ context.Context, d *transform.TransformData) (any, error) {
	r, _ := d.HydrateItem.(row)
	return r[d.ColumnName], nil
})

// replyRow is one reply: an element of the inquiry table's replies JSON, and by its json keys the
// reply table's own columns.
type replyRow struct {
	AnswerID                      int64      `json:"answer_id"`
	ParentAnswerID                *int64     `json:"parent_answer_id"`
	AnswerType                    string     `json:"answer_type"`
	NeedAnswer                    bool       `json:"need_answer"`
	PartnerTransferStatus         *string    `json:"partner_transfer_status"`
	PartnerTransferCompleteReason string     `json:"partner_transfer_complete_reason"`
	ReceptionistName              string     `json:"receptionist_name"`
	Receptionist                  string     `json:"receptionist"`
	ReplyAt                       *time.Time `json:"reply_at"`
	Content                       string     `json:"content"`
}

func newReplyRow(rep api.Reply) replyRow {
	return replyRow{
		AnswerID:                      rep.AnswerID,
		ParentAnswerID:                nonZero(rep.ParentAnswerID),
		AnswerType:                    rep.AnswerType,
		NeedAnswer:                    rep.NeedAnswer,
		PartnerTransferStatus:         rep.PartnerTransferStatus,
		PartnerTransferCompleteReason: rep.PartnerTransferCompleteReason,
		ReceptionistName:              rep.ReceptionistName,
		Receptionist:                  rep.Receptionist,
		ReplyAt:                       rep.ReplyAt,
		Content:                       rep.Content,
	}
}

// commentRow is one answer to a product question, as replyRow is one reply.
type commentRow struct {
	InquiryCommentID int64      `json:"inquiry_comment_id"`
	Content          string     `json:"content"`
	CommentAt        *time.Time `json:"comment_at"`
}

func newCommentRow(c api.ProductInquiryComment) commentRow {
	return commentRow{InquiryCommentID: c.InquiryCommentID, Content: c.Content, CommentAt: c.InquiryCommentAt}
}

// addFields sets r's column of each field of the struct v, named by its json key, so that a
// table's columns and its parent's JSON elements are the same.
func addFields(r row, v any) row {
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		r[rv.Type().Field(i).Tag.Get("json")] = rv.Field(i).Interface()
	}
	return r
}

// inquiryKeys are the columns both call-center tables take from a row, so that the same quals
// select the same inquiries in either.
func inquiryKeys(s *scan, r query.Row) row {
	return row{
		colInquiryID:               r.Inquiry.InquiryID,
		colInquiryAt:               r.Inquiry.InquiryAt,
		colVendorItemID:            nonZero(r.VendorItemID),
		colOrderID:                 nonZero(r.Inquiry.OrderID),
		colPartnerCounselingStatus: r.PartnerCounselingStatus,
		"vendor_id":                s.conn.vendorID,
	}
}

// inquiryRows is the coupang_callcenter_inquiry row of r.
func inquiryRows(s *scan, r query.Row) []row {
	inq := r.Inquiry
	out := inquiryKeys(s, r)
	out["vendor_item_ids"] = append([]int64{}, inq.VendorItemIDs...) // [] rather than null
	out[colInquiryStatus] = inq.InquiryStatus
	out[colCSPartnerCounselingStatus] = inq.CSPartnerCounselingStatus
	out["item_name"] = inq.ItemName
	out["content"] = inq.Content
	out["answered_at"] = inq.AnsweredAt
	out["order_date"] = inq.OrderDate
	out["buyer_email"] = inq.BuyerEmail
	out["buyer_phone"] = inq.BuyerPhone
	out["receipt_category"] = inq.ReceiptCategory
	out["sale_started_at"] = inq.SaleStartedAt
	out["sale_ended_at"] = inq.SaleEndedAt
	out["replies"] = convert(inq.Replies, newReplyRow)
	out["title"] = cmp.Or(inq.ItemName, shorten(inq.Content))
	return []row{out}
}

// replyRows are the coupang_callcenter_inquiry_reply rows of r that pass the answer_type quals.
func replyRows(s *scan, r query.Row) []row {
	var out []row
	for _, rep := range r.Inquiry.Replies {
		if s.answerTypes == nil || slices.ContainsFunc(s.answerTypes, func(t string) bool { return query.SameFold(t, rep.AnswerType) }) {
			out = append(out, addFields(inquiryKeys(s, r), newReplyRow(rep)))
		}
	}
	return out
}

// productKeys are the columns both product Q&A tables take from a question.
func productKeys(s *scan, r query.ProductRow) row {
	return row{
		colInquiryID:    r.Inquiry.InquiryID,
		colInquiryAt:    r.Inquiry.InquiryAt,
		colAnsweredType: r.AnsweredType,
		colVendorItemID: nonZero(r.Inquiry.VendorItemID),
		"vendor_id":     s.conn.vendorID,
	}
}

// productInquiryRows is the coupang_product_inquiry row of r.
func productInquiryRows(s *scan, r query.ProductRow) []row {
	q := r.Inquiry
	out := productKeys(s, r)
	out["product_id"] = nonZero(q.ProductID)
	out["seller_product_id"] = nonZero(q.SellerProductID)
	out["seller_item_id"] = nonZero(q.SellerItemID)
	out["content"] = q.Content
	out["order_ids"] = append([]int64{}, q.OrderIDs...) // [] rather than null
	out["answered"] = len(q.Comments) > 0
	out["comments"] = convert(q.Comments, newCommentRow)
	out["title"] = shorten(q.Content)
	return []row{out}
}

// productCommentRows are the coupang_product_inquiry_comment rows of r.
func productCommentRows(s *scan, r query.ProductRow) []row {
	return convert(r.Inquiry.Comments, func(c api.ProductInquiryComment) row {
		return addFields(productKeys(s, r), newCommentRow(c))
	})
}

// shorten cuts s to its first 60 characters, the title of a question or an inquiry naming no
// item, without copying it.
func shorten(s string) string {
	n := 0
	for i := range s {
		if n == 60 {
			return s[:i]
		}
		n++
	}
	return s
}

// convert maps each element of in through f; the result is never nil, so a JSON column shows [].
func convert[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// nonZero maps Coupang's "absent" zero to SQL NULL.
func nonZero(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}
