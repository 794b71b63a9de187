// Package query turns the SQL quals of the call-center tables into Coupang list requests plus an
// exact row filter (Build), and runs them (Fetch): paging, fan-out, deduplication and filtering.
// It imports no Steampipe SDK, so the planner can be tested and fuzzed without a plugin server.
package query

import (
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Operators accepted in Bound.Op, as Postgres hands them to Steampipe.
const (
	OpEq = "="
	OpGt = ">"
	OpGe = ">="
	OpLt = "<"
	OpLe = "<="
)

// Bound is one qual on inquiry_at.
type Bound struct {
	Op    string // one of the Op constants
	Value time.Time
}

// Quals are the pushed-down SQL quals. Every key column but inquiry_at holds one set of values per
// qual (`= v` is {v}, `IN (...)` the list); Postgres ANDs the quals, so a column's sets intersect.
type Quals struct {
	// InquiryAt holds the range and `=` quals (BETWEEN arrives as ">=" and "<="); InquiryAtAny the
	// bounds of each list qual (`IN (...)`, `> ANY (...)`), of which a row must meet one.
	InquiryAt    []Bound
	InquiryAtAny [][]Bound
	// Build makes one request per option ID left in VendorItemID, and per window.
	VendorItemID, OrderID [][]int64
	// PartnerCounselingStatus is the endpoint's listing status (Endpoint.StatusColumn);
	// InquiryStatus and CSPartnerCounselingStatus are filtered locally, never sent.
	PartnerCounselingStatus, InquiryStatus, CSPartnerCounselingStatus [][]string
	// InquiryID and AnswerType are the table code's: it reads inquiries by ID and picks replies.
	InquiryID  [][]int64
	AnswerType [][]string
	// Limit is the query's row limit; < 0 means none, 0 means no row is needed (no request).
	Limit int64
	// ExactTimes says the bounds are exactly the instants meant (the export command's), so no
	// extra hours are read for other session TimeZones (see ZoneEast).
	ExactTimes bool
	// LimitCountsReplies says the limit counts replies (reply and comment tables): pageSize stays.
	LimitCountsReplies bool
	Endpoint           *Endpoint // nil means CallCenter
}

// Endpoint is what the planner needs to know of a list endpoint. Both of Coupang's customer
// question lists take 7-day Korean date windows, a required status and page numbers.
type Endpoint struct {
	StatusColumn string   // the key column of the listing status, named in errors
	Statuses     []string // the valid values; the first, the default, lists every row
	MaxPageSize  int
}

// The endpoints: call-center inquiries and product Q&A, which has no option-ID or order-ID parameter.
var (
	CallCenter = &Endpoint{StatusColumn: "partner_counseling_status", Statuses: api.PartnerCounselingStatuses, MaxPageSize: api.MaxPageSize}
	ProductQnA = &Endpoint{StatusColumn: "answered_type", Statuses: api.AnsweredTypes, MaxPageSize: api.MaxProductPageSize}
)

// Row is one (inquiry, option ID) pair: a row of the inquiry table.
type Row struct {
	Inquiry api.Inquiry
	// VendorItemID is one of Inquiry.VendorItemIDs (N options make N rows), or 0 when it names none.
	VendorItemID int64
	// PartnerCounselingStatus is the status the row was listed with: Coupang does not echo it.
	PartnerCounselingStatus string
}

// ProductRow is one product question, with the answeredType it was listed with (not echoed).
type ProductRow struct {
	Inquiry      api.ProductInquiry
	AnsweredType string
}
