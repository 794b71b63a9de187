// Package query turns the SQL quals of the call-center tables into Coupang list requests plus an
// exact row filter (Build), and runs those requests (Fetch): paging, fan-out, deduplication and
// filtering, streaming rows as they arrive. It imports no Steampipe SDK (the table code converts
// the SDK's quals into Quals), so the planner can be tested and fuzzed without a plugin server.
package query

import (
	"context"
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
// Split turns them into the single-valued Quals that Build plans.
type Quals struct {
	// InquiryAt holds every range or `=` qual on inquiry_at (BETWEEN arrives as ">=" and "<=");
	// InquiryAtAny each list qual (`IN (...)`, `> ANY (...)`) as its bounds, of which a row must meet any.
	InquiryAt    []Bound
	InquiryAtAny [][]Bound
	// Build makes one request per option ID left in VendorItemID, and per window.
	VendorItemID, OrderID [][]int64
	// PartnerCounselingStatus is the endpoint's listing status (Endpoint.StatusColumn);
	// InquiryStatus and CSPartnerCounselingStatus are filtered locally, never sent.
	PartnerCounselingStatus, InquiryStatus, CSPartnerCounselingStatus [][]string
	// InquiryID and AnswerType are taken by no plan: the table code reads the inquiries one by
	// one and picks the replies.
	InquiryID  [][]int64
	AnswerType [][]string
	// Limit is the query's row limit; < 0 means none, 0 means no row is needed (no request).
	Limit int64
	// ExactTimes says the InquiryAt bounds are exactly the instants meant, as from the export
	// command: the plan then reads no extra hours for other session TimeZones (see ZoneEast).
	ExactTimes bool
	// LimitCountsReplies is set for the reply and comment tables: the limit still means
	// "sequential, stop early" but counts replies, so it must not shrink pageSize.
	LimitCountsReplies bool
	// Endpoint is the list endpoint planned for; nil means CallCenter.
	Endpoint *Endpoint
}

// Endpoint is what the planner needs to know of a list endpoint. Both of Coupang's customer
// question lists take 7-day Korean date windows, a required status and page numbers.
type Endpoint struct {
	StatusColumn string   // the key column of the listing status, named in errors
	Statuses     []string // the valid values; the first, the default, lists every row
	MaxPageSize  int      // the largest pageSize the endpoint accepts
}

// The endpoints: call-center inquiries (partnerCounselingStatus) and product Q&A (answeredType),
// which has no option-ID or order-ID parameter.
var (
	CallCenter = &Endpoint{StatusColumn: "partner_counseling_status", Statuses: api.PartnerCounselingStatuses, MaxPageSize: api.MaxPageSize}
	ProductQnA = &Endpoint{StatusColumn: "answered_type", Statuses: api.AnsweredTypes, MaxPageSize: api.MaxProductPageSize}
)

// Lister lists one page of inquiries; *api.Client implements it, waiting on the connection's rate
// limiter itself, so Fetch's concurrency is only an upper bound.
type Lister interface {
	ListInquiries(ctx context.Context, req api.ListRequest) (*api.Page, error)
}

// ProductLister lists one page of product Q&A; *api.Client implements it with the same limiter.
type ProductLister interface {
	ListProductInquiries(ctx context.Context, req api.ProductInquiryRequest) (*api.ProductInquiryPage, error)
}

// Row is one (inquiry, option ID) pair: a row of the inquiry table.
type Row struct {
	Inquiry api.Inquiry
	// VendorItemID is one of Inquiry.VendorItemIDs (an inquiry naming N options is N rows), or 0
	// when it names none.
	VendorItemID int64
	// PartnerCounselingStatus is the status the row was listed with (Coupang does not echo it).
	PartnerCounselingStatus string
}

// ProductRow is one product question, with the answeredType it was listed with (not echoed).
type ProductRow struct {
	Inquiry      api.ProductInquiry
	AnsweredType string
}
