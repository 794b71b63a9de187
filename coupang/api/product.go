package api

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// MaxProductPageSize is the largest pageSize the product Q&A list (onlineInquiries) accepts.
const MaxProductPageSize = 50

// Answered types: the required answeredType parameter of the product Q&A list. Coupang reads the
// value case-sensitively; anything else is answered with "answeredType can't be null".
const (
	AnsweredAll      = "ALL"      // every question
	AnsweredAnswered = "ANSWERED" // questions with an answer
	AnsweredNoAnswer = "NOANSWER" // questions still waiting for one
)

// AnsweredTypes lists the valid answeredType values, in documentation order.
var AnsweredTypes = []string{AnsweredAll, AnsweredAnswered, AnsweredNoAnswer}

// ProductInquiryRequest is one call to the product Q&A list (상품별 고객문의 조회). Both dates are
// required: the dateless, option-ID-only mode of the old documentation is gone from v5.
type ProductInquiryRequest struct {
	// InquiryStartAt and InquiryEndAt are Korean calendar dates (midnight KST), 2..7 days inclusive.
	InquiryStartAt time.Time
	InquiryEndAt   time.Time
	// AnsweredType is required by Coupang; empty means AnsweredAll.
	AnsweredType string
	// PageNum starts at 1; 0 means 1.
	PageNum int
	// PageSize is 1..50; 0 means MaxProductPageSize.
	PageSize int
}

// ProductInquiryPage is one page of the product Q&A list.
type ProductInquiryPage struct {
	Inquiries  []ProductInquiry
	Pagination Pagination
}

// ProductInquiry is one question a buyer posted on a product page. Times are in KST; zero IDs
// stand for absent values (sellerProductId and sellerItemId are missing on old questions).
type ProductInquiry struct {
	InquiryID       int64
	ProductID       int64
	SellerProductID int64
	SellerItemID    int64
	VendorItemID    int64
	Content         string
	InquiryAt       time.Time
	OrderIDs        []int64 // never nil
	Comments        []ProductInquiryComment
}

// ProductInquiryComment is one answer to a question (an entry of commentDtoList). Coupang sends no
// author, so an answer cannot be told from any other comment.
type ProductInquiryComment struct {
	InquiryCommentID int64
	InquiryID        int64
	Content          string
	InquiryCommentAt *time.Time
}

// ProductInquiryListPath is the path of the v5 product Q&A list for a vendor.
func ProductInquiryListPath(vendorID string) string {
	return fmt.Sprintf("/v2/providers/openapi/apis/api/v5/vendors/%s/onlineInquiries", url.PathEscape(vendorID))
}

// Query returns the encoded query string of the call, in a fixed parameter order, without the
// leading '?'.
func (r ProductInquiryRequest) Query(vendorID string) string {
	answered := r.AnsweredType
	if answered == "" {
		answered = AnsweredAll
	}
	return "vendorId=" + url.QueryEscape(vendorID) +
		"&answeredType=" + url.QueryEscape(answered) +
		"&inquiryStartAt=" + r.InquiryStartAt.In(KST).Format(DateLayout) +
		"&inquiryEndAt=" + r.InquiryEndAt.In(KST).Format(DateLayout) +
		pageParams(r.PageNum, r.PageSize, MaxProductPageSize)
}

// Validate checks r against Coupang's documented rules, like ListRequest.Validate: a known
// answeredType, pageNum >= 0, pageSize 0..50 and both dates, 2..7 Korean calendar days apart.
func (r ProductInquiryRequest) Validate() error {
	if err := validateStatusAndPage("answeredType", r.AnsweredType, AnsweredTypes, r.PageNum, r.PageSize, MaxProductPageSize); err != nil {
		return err
	}
	if r.InquiryStartAt.IsZero() || r.InquiryEndAt.IsZero() {
		return fmt.Errorf("inquiryStartAt and inquiryEndAt are required")
	}
	return validatePeriod(r.InquiryStartAt, r.InquiryEndAt)
}

// ListProductInquiries fetches one page of the product Q&A list. Like ListInquiries it validates
// req first, waits on the same hook before every attempt and retries the same failures.
func (c *Client) ListProductInquiries(ctx context.Context, req ProductInquiryRequest) (*ProductInquiryPage, error) {
	path := ProductInquiryListPath(c.cfg.VendorID)
	if err := req.Validate(); err != nil {
		return nil, notSent(path, err)
	}
	return get(ctx, c, path, req.Query(c.cfg.VendorID), DecodeProductInquiryList)
}
