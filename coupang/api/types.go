// Package api is a client for Coupang's Open API customer-question endpoints (call-center inquiries
// and product Q&A): signing, wire format, typed errors and retries. It has no Steampipe SDK imports,
// so that the plugin, the export command and the sandbox share it.
package api

import "time"

// KST is Korean Standard Time (UTC+9, no daylight saving), the zone of every time Coupang sends
// without an offset and of the yyyy-MM-dd dates it takes.
var KST = time.FixedZone("KST", 9*60*60)

// KoreanDate is the Korean calendar date containing t, as midnight KST.
func KoreanDate(t time.Time) time.Time {
	y, m, d := t.In(KST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, KST)
}

// DateLayout is the yyyy-MM-dd layout of inquiryStartAt and inquiryEndAt.
const DateLayout = time.DateOnly

// SendableID reports whether id can name one of Coupang's inquiries, options or orders: positive,
// of at most 18 digits (they have 10 to 14). Another value names nothing and is never sent, as
// the API's answer to it is not documented.
func SendableID(id int64) bool { return id > 0 && id < 1e18 }

// MaxPageSize is the largest pageSize the call-center list accepts.
const MaxPageSize = 30

// MaxProductPageSize is the largest pageSize the product Q&A list (onlineInquiries) accepts.
const MaxProductPageSize = 50

// MaxWindowDays is the longest query period Coupang accepts, counted in inclusive calendar days.
const MaxWindowDays = 7

// Partner counseling statuses: the required partnerCounselingStatus query parameter.
const (
	StatusNone     = "NONE"      // all inquiries
	StatusAnswer   = "ANSWER"    // answered
	StatusNoAnswer = "NO_ANSWER" // the seller must answer
	StatusTransfer = "TRANSFER"  // transferred, awaiting the seller's confirmation
)

// PartnerCounselingStatuses lists the valid partnerCounselingStatus values, in documentation order.
var PartnerCounselingStatuses = []string{StatusNone, StatusAnswer, StatusNoAnswer, StatusTransfer}

// ListRequest is one call to the list endpoint. Zero values mean "not sent".
type ListRequest struct {
	VendorItemID int64 // the option ID
	// InquiryStartAt and InquiryEndAt are Korean calendar dates (midnight KST), both sent or neither.
	InquiryStartAt          time.Time
	InquiryEndAt            time.Time
	OrderID                 int64
	PartnerCounselingStatus string // required by Coupang; empty means StatusNone
	PageNum                 int    // from 1; 0 means 1
	PageSize                int    // 1..30; 0 means MaxPageSize
}

// ListPage is one page of a question list; T is the list's item, Inquiry or ProductInquiry.
type ListPage[T any] struct {
	Inquiries  []T
	Pagination Pagination
}

// Page is one page of the call-center list.
type Page = ListPage[Inquiry]

// Pagination is Coupang's page-number pagination block.
type Pagination struct {
	CurrentPage   int
	TotalPages    int
	TotalElements int
	CountPerPage  int
}

// Inquiry is one call-center inquiry, decoded tolerantly from Coupang's JSON.
// Times are in KST; nil pointers stand for null or empty values.
type Inquiry struct {
	InquiryID                 int64
	InquiryStatus             string // progress | complete
	CSPartnerCounselingStatus string // requestAnswer | answered
	VendorItemIDs             []int64
	ItemName                  string
	Content                   string
	AnsweredAt                *time.Time
	Replies                   []Reply
	InquiryAt                 time.Time
	BuyerEmail                string
	BuyerPhone                string
	OrderID                   int64 // 0 when absent
	OrderDate                 *time.Time
	ReceiptCategory           string
	SaleStartedAt             *time.Time
	SaleEndedAt               *time.Time
}

// Reply is one entry of an inquiry's replies array.
type Reply struct {
	AnswerID                      int64
	ParentAnswerID                int64   // 0 when absent or null
	PartnerTransferStatus         *string // none | requestAnswer | answered | null
	PartnerTransferCompleteReason string
	AnswerType                    string // csAgent | vendor
	NeedAnswer                    bool
	ReceptionistName              string
	Receptionist                  string
	ReplyAt                       *time.Time
	Content                       string
}

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
	AnsweredType   string // required by Coupang; empty means AnsweredAll
	PageNum        int    // from 1; 0 means 1
	PageSize       int    // 1..50; 0 means MaxProductPageSize
}

// ProductInquiryPage is one page of the product Q&A list.
type ProductInquiryPage = ListPage[ProductInquiry]

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
