// Package query turns the SQL quals of the call-center tables into Coupang list requests plus an
// exact row filter (Build), and runs those requests (Fetch): paging, fan-out, deduplication and
// filtering, streaming rows as they arrive.
//
// It is pure Go with no Steampipe SDK imports: the table code converts the SDK's quals into Quals,
// so the planner can be tested and fuzzed without a plugin server.
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

// Bound is one qual on inquiry_at: Op is one of "=", ">", ">=", "<", "<=".
type Bound struct {
	Op    string
	Value time.Time
}

// Quals are the pushed-down SQL quals. Every key column but inquiry_at holds one set of values per
// qual (`= v` -> {v}, `IN (...)` -> the list), inquiry_at one bound per qual or one list of them; several quals on one column intersect, because
// Postgres ANDs them. Split turns the sets into the single-valued Quals that Build plans.
type Quals struct {
	// InquiryAt holds every range or `=` qual on inquiry_at; BETWEEN arrives as ">=" and "<=".
	InquiryAt []Bound
	// InquiryAtAny holds each list qual on inquiry_at (`IN (...)`, `> ANY (...)`) as its bounds, one
	// per value, of which a row must meet any.
	InquiryAtAny [][]Bound
	// VendorItemID holds each qual's set of option IDs; Build lists every option ID of the
	// intersection (one request per option ID and window).
	VendorItemID [][]int64
	// OrderID holds each qual's set of order IDs.
	OrderID [][]int64
	// PartnerCounselingStatus holds each qual's set on the endpoint's listing status column
	// (Endpoint.StatusColumn); values must be in Endpoint.Statuses.
	PartnerCounselingStatus [][]string
	// InquiryStatus holds each qual's set on inquiry_status; filtered locally, never sent.
	InquiryStatus [][]string
	// CSPartnerCounselingStatus holds each qual's set on cs_partner_counseling_status; filtered locally.
	CSPartnerCounselingStatus [][]string
	// InquiryID and AnswerType hold each qual's set on inquiry_id and answer_type, which no plan
	// takes: the table code reads the inquiries one by one and picks the replies.
	InquiryID  [][]int64
	AnswerType [][]string
	// Limit is the query's row limit; < 0 means none, 0 means no row is needed (no request).
	Limit int64
	// ExactTimes says the InquiryAt bounds are exactly the instants meant, as from the export
	// command, which reads its own conditions: the plan then makes no request for the hours a
	// session TimeZone could have meant otherwise (see ZoneEast).
	ExactTimes bool
	// LimitCountsReplies is true for the reply and comment tables: the limit counts replies, so it
	// must not shrink pageSize, but it still means "sequential, stop early".
	LimitCountsReplies bool
	// Endpoint is the list endpoint planned for; nil means CallCenter.
	Endpoint *Endpoint
}

// Endpoint is what the planner needs to know of a list endpoint. Both of Coupang's customer
// question lists take 7-day Korean date windows, a required status and page numbers.
type Endpoint struct {
	// StatusColumn is the key column of the listing status, named in errors.
	StatusColumn string
	// Statuses are the valid status values; the first is the default, which lists every row.
	Statuses []string
	// MaxPageSize is the largest pageSize the endpoint accepts.
	MaxPageSize int
}

// The endpoints: call-center inquiries (callCenterInquiries, partnerCounselingStatus) and product
// Q&A (onlineInquiries, answeredType). Product Q&A has no option-ID or order-ID parameter.
var (
	CallCenter = &Endpoint{StatusColumn: "partner_counseling_status", Statuses: api.PartnerCounselingStatuses, MaxPageSize: api.MaxPageSize}
	ProductQnA = &Endpoint{StatusColumn: "answered_type", Statuses: api.AnsweredTypes, MaxPageSize: api.MaxProductPageSize}
)

// Lister lists one page of inquiries; *api.Client implements it. Implementations wait on the
// connection's rate limiter themselves, so Fetch's concurrency is only an upper bound.
type Lister interface {
	ListInquiries(ctx context.Context, req api.ListRequest) (*api.Page, error)
}

// ProductLister lists one page of product Q&A; *api.Client implements it, waiting on the same
// rate limiter as for call-center inquiries.
type ProductLister interface {
	ListProductInquiries(ctx context.Context, req api.ProductInquiryRequest) (*api.ProductInquiryPage, error)
}

// ProductRow is one product question as the tables see it.
type ProductRow struct {
	Inquiry api.ProductInquiry
	// AnsweredType is the answeredType the row was listed with (Coupang does not echo it).
	AnsweredType string
}

// Row is one (inquiry, option ID) pair: a row of the inquiry table.
type Row struct {
	Inquiry api.Inquiry
	// VendorItemID is the row's option: one of Inquiry.VendorItemIDs (an inquiry naming N
	// options is N rows), or 0 when the inquiry names none.
	VendorItemID int64
	// PartnerCounselingStatus is the status the row was listed with (Coupang does not echo it).
	PartnerCounselingStatus string
}
