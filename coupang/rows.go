package coupang

import (
	"context"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// titleRunes is how much of an inquiry's content makes its title when it names no item.
const titleRunes = 60

// row is one streamed row of any table, by column name; a column it lacks is null.
type row map[string]any

// columnValue is the plugin's default transform: the column's value in the streamed row. A map
// lookup, where the SDK's FromGo finds a struct field by reflection and compiles a regular
// expression for every value.
var columnValue = transform.From(func(_ context.Context, d *transform.TransformData) (any, error) {
	r, _ := d.HydrateItem.(row)
	return r[d.ColumnName], nil
})

// replyRow is one reply as an element of the inquiry table's replies JSONB; its keys and value
// types are the reply table's columns (see replyRows).
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

// productCommentRow is one answer as an element of the comments JSONB, with the keys of the
// comment table's columns.
type productCommentRow struct {
	InquiryCommentID int64      `json:"inquiry_comment_id"`
	Content          string     `json:"content"`
	CommentAt        *time.Time `json:"comment_at"`
}

func newProductCommentRow(c api.ProductInquiryComment) productCommentRow {
	return productCommentRow{InquiryCommentID: c.InquiryCommentID, Content: c.Content, CommentAt: c.InquiryCommentAt}
}

// inquiryRows is the coupang_callcenter_inquiry row of a fetched (inquiry, option ID) pair.
func inquiryRows(s *scan, r query.Row) []row {
	inq := r.Inquiry
	out := inquiryKeys(s, r, 20)
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
	out["title"] = title(inq)
	return []row{out}
}

// inquiryKeys are the columns both call-center tables take from an (inquiry, option ID) pair, so
// that the same quals select the same inquiries in either; the row is sized for n columns.
func inquiryKeys(s *scan, r query.Row, n int) row {
	k := make(row, n)
	k[colInquiryID] = r.Inquiry.InquiryID
	k[colInquiryAt] = r.Inquiry.InquiryAt
	k[colVendorItemID] = nonZero(r.VendorItemID)
	k[colOrderID] = nonZero(r.Inquiry.OrderID)
	k[colPartnerCounselingStatus] = r.PartnerCounselingStatus
	k["vendor_id"] = s.conn.vendorID
	return k
}

// replyRows are the coupang_callcenter_inquiry_reply rows of a fetched (inquiry, option ID) pair:
// its replies that pass the answer_type quals.
func replyRows(s *scan, r query.Row) []row {
	var out []row
	for _, rep := range r.Inquiry.Replies {
		if s.answerTypes != nil && !slices.Contains(s.answerTypes, rep.AnswerType) {
			continue
		}
		c := inquiryKeys(s, r, 16)
		rr := newReplyRow(rep)
		c["answer_id"] = rr.AnswerID
		c["parent_answer_id"] = rr.ParentAnswerID
		c[colAnswerType] = rr.AnswerType
		c["need_answer"] = rr.NeedAnswer
		c["partner_transfer_status"] = rr.PartnerTransferStatus
		c["partner_transfer_complete_reason"] = rr.PartnerTransferCompleteReason
		c["receptionist_name"] = rr.ReceptionistName
		c["receptionist"] = rr.Receptionist
		c["reply_at"] = rr.ReplyAt
		c["content"] = rr.Content
		out = append(out, c)
	}
	return out
}

// productKeys are the columns both product Q&A tables take from a fetched question; the row is
// sized for n columns.
func productKeys(s *scan, r query.ProductRow, n int) row {
	k := make(row, n)
	k[colInquiryID] = r.Inquiry.InquiryID
	k[colInquiryAt] = r.Inquiry.InquiryAt
	k[colAnsweredType] = r.AnsweredType
	k[colVendorItemID] = nonZero(r.Inquiry.VendorItemID)
	k["vendor_id"] = s.conn.vendorID
	return k
}

// productInquiryRows is the coupang_product_inquiry row of a fetched question.
func productInquiryRows(s *scan, r query.ProductRow) []row {
	q := r.Inquiry
	out := productKeys(s, r, 13)
	out["product_id"] = nonZero(q.ProductID)
	out["seller_product_id"] = nonZero(q.SellerProductID)
	out["seller_item_id"] = nonZero(q.SellerItemID)
	out["content"] = q.Content
	out["order_ids"] = append([]int64{}, q.OrderIDs...) // [] rather than null
	out["answered"] = len(q.Comments) > 0
	out["comments"] = convert(q.Comments, newProductCommentRow)
	out["title"] = shorten(q.Content)
	return []row{out}
}

// productCommentRows are the coupang_product_inquiry_comment rows of a fetched question: one per
// answer.
func productCommentRows(s *scan, r query.ProductRow) []row {
	out := make([]row, 0, len(r.Inquiry.Comments))
	for _, c := range r.Inquiry.Comments {
		k := productKeys(s, r, 8)
		k["inquiry_comment_id"] = c.InquiryCommentID
		k["content"] = c.Content
		k["comment_at"] = c.InquiryCommentAt
		out = append(out, k)
	}
	return out
}

// title is a short human label: the item name, else the start of the content.
func title(inq api.Inquiry) string {
	if inq.ItemName != "" {
		return inq.ItemName
	}
	return shorten(inq.Content)
}

// shorten returns the first titleRunes characters of s.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= titleRunes {
		return s
	}
	return string([]rune(s)[:titleRunes])
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

// inquiryHasStatus reports whether an inquiry fetched on its own (which carries no listing status)
// would be listed under the partnerCounselingStatus value status. Coupang documents the values but
// not their exact rule, so this reads them from the inquiry's own fields: NONE every inquiry,
// ANSWER csPartnerCounselingStatus "answered", NO_ANSWER "requestAnswer", TRANSFER a CS agent's
// reply transferred to the seller and still awaiting them. The sandbox implements the same reading.
func inquiryHasStatus(inq api.Inquiry, status string) bool {
	switch status {
	case "", api.StatusNone:
		return true
	case api.StatusAnswer:
		return inq.CSPartnerCounselingStatus == "answered"
	case api.StatusNoAnswer:
		return inq.CSPartnerCounselingStatus == "requestAnswer"
	case api.StatusTransfer:
		return slices.ContainsFunc(inq.Replies, func(r api.Reply) bool {
			return r.AnswerType == "csAgent" && r.NeedAnswer && r.PartnerTransferStatus != nil && *r.PartnerTransferStatus == "requestAnswer"
		})
	}
	return false
}
