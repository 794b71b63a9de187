package coupang

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
)

// titleRunes is how much of an inquiry's content makes its title when it names no item.
const titleRunes = 60

// inquiryRow is one row of coupang_callcenter_inquiry; field names follow the columns (FromGo).
type inquiryRow struct {
	InquiryID                 int64
	InquiryAt                 time.Time
	VendorItemID              *int64
	VendorItemIDs             []int64
	OrderID                   *int64
	PartnerCounselingStatus   string
	InquiryStatus             string
	CsPartnerCounselingStatus string
	ItemName                  string
	Content                   string
	AnsweredAt                *time.Time
	OrderDate                 *time.Time
	BuyerEmail                string
	BuyerPhone                string
	ReceiptCategory           string
	SaleStartedAt             *time.Time
	SaleEndedAt               *time.Time
	Replies                   []replyRow
	VendorID                  string
	Title                     string
}

// replyRow is one reply. It is both an element of the inquiry table's replies JSONB (through its
// json tags) and the reply-specific columns of the reply table (through its field names), so the
// two views of a reply always carry the same keys and value types.
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

// replyTableRow is one row of coupang_callcenter_inquiry_reply: the inquiry's key columns and one
// reply.
type replyTableRow struct {
	InquiryID               int64
	InquiryAt               time.Time
	VendorItemID            *int64
	OrderID                 *int64
	PartnerCounselingStatus string
	VendorID                string
	replyRow
}

// newReplyTableRow is one row of coupang_callcenter_inquiry_reply: a reply with the key columns of
// the inquiry it belongs to, so that the inquiry table's quals select the same inquiries.
func newReplyTableRow(r query.Row, rep api.Reply, vendorID string) *replyTableRow {
	return &replyTableRow{
		InquiryID:               r.Inquiry.InquiryID,
		InquiryAt:               r.Inquiry.InquiryAt,
		VendorItemID:            nonZero(r.VendorItemID),
		OrderID:                 nonZero(r.Inquiry.OrderID),
		PartnerCounselingStatus: r.PartnerCounselingStatus,
		VendorID:                vendorID,
		replyRow:                newReplyRow(rep),
	}
}

// newInquiryRow is one row of coupang_callcenter_inquiry for a fetched inquiry.
func newInquiryRow(r query.Row, vendorID string) *inquiryRow {
	inq := r.Inquiry
	return &inquiryRow{
		InquiryID:                 inq.InquiryID,
		InquiryAt:                 inq.InquiryAt,
		VendorItemID:              nonZero(r.VendorItemID),
		VendorItemIDs:             append([]int64{}, inq.VendorItemIDs...), // [] rather than null
		OrderID:                   nonZero(inq.OrderID),
		PartnerCounselingStatus:   r.PartnerCounselingStatus,
		InquiryStatus:             inq.InquiryStatus,
		CsPartnerCounselingStatus: inq.CSPartnerCounselingStatus,
		ItemName:                  inq.ItemName,
		Content:                   inq.Content,
		AnsweredAt:                inq.AnsweredAt,
		OrderDate:                 inq.OrderDate,
		BuyerEmail:                inq.BuyerEmail,
		BuyerPhone:                inq.BuyerPhone,
		ReceiptCategory:           inq.ReceiptCategory,
		SaleStartedAt:             inq.SaleStartedAt,
		SaleEndedAt:               inq.SaleEndedAt,
		Replies:                   convert(inq.Replies, newReplyRow),
		VendorID:                  vendorID,
		Title:                     title(inq),
	}
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
