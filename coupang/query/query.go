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

// Quals are the pushed-down SQL quals. Each slice entry is one qual; several quals on one column
// intersect, because Postgres ANDs them.
type Quals struct {
	// InquiryAt holds every qual on inquiry_at; BETWEEN arrives as ">=" and "<=".
	InquiryAt []Bound
	// VendorItemID holds each qual's set of values: `= v` -> {v}, `IN (...)` -> the list.
	VendorItemID [][]int64
	// OrderID holds each `=` qual on order_id.
	OrderID []int64
	// PartnerCounselingStatus holds each `=` qual; values must be in api.PartnerCounselingStatuses.
	PartnerCounselingStatus []string
	// InquiryStatus holds each `=` qual on inquiry_status; filtered locally, never sent.
	InquiryStatus []string
	// CSPartnerCounselingStatus holds each `=` qual on cs_partner_counseling_status; filtered locally.
	CSPartnerCounselingStatus []string
	// Limit is the query's row limit; < 0 means none, 0 means no row is needed (no request).
	Limit int64
	// ExactTimes says the InquiryAt bounds are exactly the instants meant, as from the export
	// command, which reads its own conditions: the plan then makes no request for the hours a
	// session TimeZone could have meant otherwise (see ZoneEast).
	ExactTimes bool
	// LimitCountsReplies is true for the reply table: the limit counts replies, so it must not
	// shrink pageSize, but it still means "sequential, stop early".
	LimitCountsReplies bool
}

// Lister lists one page of inquiries; *api.Client implements it. Implementations wait on the
// connection's rate limiter themselves, so Fetch's concurrency is only an upper bound.
type Lister interface {
	ListInquiries(ctx context.Context, req api.ListRequest) (*api.Page, error)
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
