// Package api is a small client for Coupang's Open API customer-question endpoints (call-center
// inquiries and product Q&A): request signing, Coupang's wire format, typed errors and polite
// retries. It has no Steampipe SDK imports so that the plugin, the export command and the sandbox
// can all share it.
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
const DateLayout = "2006-01-02"

// MaxPageSize is the largest pageSize Coupang accepts.
const MaxPageSize = 30

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
	// VendorItemID is the option ID (vendorItemId); 0 means not sent.
	VendorItemID int64
	// InquiryStartAt and InquiryEndAt are Korean calendar dates (midnight KST); zero means not sent.
	// Both are sent or neither.
	InquiryStartAt time.Time
	InquiryEndAt   time.Time
	// OrderID is the order number (orderId); 0 means not sent.
	OrderID int64
	// PartnerCounselingStatus is required by Coupang; empty means StatusNone.
	PartnerCounselingStatus string
	// PageNum starts at 1; 0 means 1.
	PageNum int
	// PageSize is 1..30; 0 means MaxPageSize.
	PageSize int
}

// Page is one page of the list endpoint's answer.
type Page struct {
	Inquiries  []Inquiry
	Pagination Pagination
}

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
