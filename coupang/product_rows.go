package coupang

import (
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
)

// productInquiryRow is one row of coupang_product_inquiry; field names follow the columns.
type productInquiryRow struct {
	InquiryID       int64
	InquiryAt       time.Time
	AnsweredType    string
	ProductID       *int64
	SellerProductID *int64
	SellerItemID    *int64
	VendorItemID    *int64
	Content         string
	OrderIDs        []int64
	Answered        bool
	Comments        []productCommentRow
	VendorID        string
	Title           string
}

// productCommentRow is one answer. Like replyRow, it is both an element of the comments JSONB
// (json tags) and the answer columns of coupang_product_inquiry_comment (field names).
type productCommentRow struct {
	InquiryCommentID int64      `json:"inquiry_comment_id"`
	Content          string     `json:"content"`
	CommentAt        *time.Time `json:"comment_at"`
}

// productCommentTableRow is one row of coupang_product_inquiry_comment: the question's key columns
// (so the same quals select the same questions), its option, and one answer.
type productCommentTableRow struct {
	InquiryID    int64
	InquiryAt    time.Time
	AnsweredType string
	VendorItemID *int64
	VendorID     string
	productCommentRow
}

// newProductInquiryRow is the row of a fetched product question.
func newProductInquiryRow(r query.ProductRow, vendorID string) *productInquiryRow {
	q := r.Inquiry
	return &productInquiryRow{
		InquiryID:       q.InquiryID,
		InquiryAt:       q.InquiryAt,
		AnsweredType:    r.AnsweredType,
		ProductID:       nonZero(q.ProductID),
		SellerProductID: nonZero(q.SellerProductID),
		SellerItemID:    nonZero(q.SellerItemID),
		VendorItemID:    nonZero(q.VendorItemID),
		Content:         q.Content,
		OrderIDs:        append([]int64{}, q.OrderIDs...), // [] rather than null
		Answered:        len(q.Comments) > 0,
		Comments:        convert(q.Comments, newProductCommentRow),
		VendorID:        vendorID,
		Title:           shorten(q.Content),
	}
}

// newProductCommentTableRow is the row of one answer of a fetched product question.
func newProductCommentTableRow(r query.ProductRow, c api.ProductInquiryComment, vendorID string) *productCommentTableRow {
	return &productCommentTableRow{
		InquiryID:         r.Inquiry.InquiryID,
		InquiryAt:         r.Inquiry.InquiryAt,
		AnsweredType:      r.AnsweredType,
		VendorItemID:      nonZero(r.Inquiry.VendorItemID),
		VendorID:          vendorID,
		productCommentRow: newProductCommentRow(c),
	}
}

func newProductCommentRow(c api.ProductInquiryComment) productCommentRow {
	return productCommentRow{InquiryCommentID: c.InquiryCommentID, Content: c.Content, CommentAt: c.InquiryCommentAt}
}
