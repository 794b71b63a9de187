package query

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// DefaultLookbackDays is the window used when a query gives neither an option ID nor a lower
// time bound and the connection sets no (or a non-positive) default_lookback_days.
const DefaultLookbackDays = 7

// MinDate is the oldest Korean date the planner ever asks for. Coupang has no inquiries before
// 2010 (its marketplace and Open API came later), so an earlier lower bound, or an absurd one such
// as year 1, is clamped here: results are unchanged and a range can never grow past about 900
// windows.
var MinDate = time.Date(2010, 1, 1, 0, 0, 0, 0, api.KST)

// MaxRequests caps the first-page API calls one plan may make. A query past it (years of windows
// times a long IN list) would hold the seller's whole rate budget for hours and build millions of
// requests in memory, so it is refused with a message that says how to narrow it. 20,000 calls
// take about 83 minutes at the default 4 requests per second.
const MaxRequests = 20000

// ErrPlanTooLarge is wrapped by the error of a plan that needs more than MaxRequests calls.
var ErrPlanTooLarge = errors.New("query needs too many API calls")

// Plan is the list of requests for one query plus the exact filter for their rows.
type Plan struct {
	// Windows are newest first. Zero windows means the quals select nothing: make no request.
	Windows []Window
	// Filter is applied to every row before it is streamed.
	Filter Filter
	// PageSize is the pageSize of every request (1..Endpoint.MaxPageSize).
	PageSize int
	// Sequential is true when the query has a limit: fetch window by window, newest first, and
	// stop as soon as the consumer has enough rows.
	Sequential bool
	// Lookback is the Korean days read when the connection's default_lookback_days decided the
	// range (no option ID and no lower bound); nil otherwise. The user must be told (Notice).
	Lookback *Days
}

// Days is an inclusive range of Korean calendar dates (midnight KST).
type Days struct {
	First, Last time.Time
	// NoOptionID is set for an endpoint that cannot list by option ID (product Q&A): the notice
	// then does not suggest vendor_item_id.
	NoOptionID bool
}

// Notice tells the user which Korean days a default lookback read and how to read others.
func (d Days) Notice() string {
	n := int(d.Last.Sub(d.First).Hours()/24+0.5) + 1
	why := "no lower bound on inquiry_at and no vendor_item_id"
	if d.NoOptionID {
		why = "no lower bound on inquiry_at"
	}
	return fmt.Sprintf("%s: read only the %d Korean days %s to %s "+
		"(default_lookback_days); to read other days, give inquiry_at a lower bound (inquiry_at >= 'yyyy-mm-dd') "+
		"or raise default_lookback_days in the connection config",
		why, n, d.First.Format(api.DateLayout), d.Last.Format(api.DateLayout))
}

// Window is one Korean date range (or none, for case b) and its requests.
type Window struct {
	// Start and End are the inclusive Korean dates (midnight KST); zero for a dateless window.
	Start, End time.Time
	// Widened is true when a one-day piece was widened one day back to avoid start = end.
	Widened bool
	// Requests are one per option ID of the query (the IN fan-out), or one without option ID.
	// PageNum is left 0; the fetcher sets it.
	Requests []api.ListRequest
}

// Build plans the API requests for the quals. now is the current instant (its Korean date is
// "today"); lookbackDays is the connection's default_lookback_days. Contradictory quals give a
// plan with no windows and no error; only invalid input (an unknown status or operator) errors.
func Build(q Quals, now time.Time, lookbackDays int) (*Plan, error) {
	if lookbackDays <= 0 {
		lookbackDays = DefaultLookbackDays
	}
	filter, ok, err := NewFilter(q)
	if err != nil {
		return nil, err
	}
	ep := cmp.Or(q.Endpoint, CallCenter)
	p := &Plan{Filter: *filter, PageSize: ep.MaxPageSize, Sequential: q.Limit >= 0}
	if !ok || q.Limit == 0 {
		return p, nil
	}
	p.Windows, p.Lookback = planWindows(&p.Filter, api.KoreanDate(now), lookbackDays)
	if p.Lookback != nil && ep != CallCenter {
		p.Lookback.NoOptionID = true
	}
	if len(p.Windows) == 0 {
		return p, nil
	}
	// Refuse a plan of more than MaxRequests first-page calls before any is built.
	if perWindow := max(1, len(p.Filter.VendorItemIDs)); len(p.Windows)*perWindow > MaxRequests {
		return nil, fmt.Errorf("%w: %d windows of %d days x %d option IDs = %d first-page calls, more than the %d allowed; "+
			"narrow the inquiry_at range or the vendor_item_id list",
			ErrPlanTooLarge, len(p.Windows), api.MaxWindowDays, perWindow, len(p.Windows)*perWindow, MaxRequests)
	}
	p.PageSize = pageSize(q, p, ep.MaxPageSize)
	for i := range p.Windows {
		p.Windows[i].Requests = requestsFor(p.Windows[i], &p.Filter, p.PageSize)
	}
	return p, nil
}

// planWindows picks the contract's case and tiles its date range, which covers the widened
// bounds (every instant some session TimeZone could have meant). lookback is the range the
// default lookback decided, if it did.
func planWindows(f *Filter, today time.Time, lookbackDays int) (ws []Window, lookback *Days) {
	z := f.zone()
	lower, upper := widen(f.Lower, z), widen(f.Upper, z)
	if upper != nil && upperDate(*upper).Before(MinDate) {
		return nil, nil // nothing that old exists
	}
	if f.VendorItemIDs != nil && lower == nil {
		// Case b: the option ID's whole history in one dateless paged call; the filter applies
		// any upper bound.
		return []Window{{}}, nil
	}
	hi := today
	if upper != nil {
		hi = minDate(upperDate(*upper), today)
	}
	var lo time.Time
	if lower != nil {
		lo = api.KoreanDate(lower.Value)
	} else {
		// The lookback's days end on the date of the earliest instant the upper bound could mean
		// (14 hours before it is received, see ZoneEast), so that whatever the session TimeZone,
		// the days before the bound are read; the windows run on to the latest instant it could mean.
		end := today
		if f.Upper != nil {
			end = minDate(upperDate(Bound{Op: f.Upper.Op, Value: f.Upper.Value.Add(-z.east)}), today)
		}
		lo = end.AddDate(0, 0, -(lookbackDays - 1))
		lookback = &Days{First: lo, Last: hi}
	}
	if lo.Before(MinDate) {
		lo = MinDate
	}
	if lo.After(hi) {
		return nil, nil // empty, or wholly in the future
	}
	ws = tile(lo, hi)
	if lookback != nil {
		lookback.First = ws[len(ws)-1].Start // a widened one-day piece reads one day more
	}
	return ws, lookback
}

// widen returns the widened copy of a bound, or nil.
func widen(b *Bound, z zone) *Bound {
	if b == nil {
		return nil
	}
	w := b.widened(z)
	return &w
}

// tile covers [lo, hi] with windows of MaxWindowDays inclusive days, newest first and disjoint.
// A one-day piece (only ever the oldest) is widened one day back, [d-1, d], because Coupang may
// reject start = end; widening backwards can never go past today, and the extra day lies outside
// the range so windows stay disjoint and the filter drops its rows.
func tile(lo, hi time.Time) []Window {
	var ws []Window
	for end := hi; !end.Before(lo); {
		start := end.AddDate(0, 0, -(api.MaxWindowDays - 1))
		if start.Before(lo) {
			start = lo
		}
		w := Window{Start: start, End: end}
		if start.Equal(end) {
			w.Start, w.Widened = end.AddDate(0, 0, -1), true
		}
		ws = append(ws, w)
		end = start.AddDate(0, 0, -1)
	}
	return ws
}

// requestsFor makes a window's requests: one per option ID, or one without.
func requestsFor(w Window, f *Filter, size int) []api.ListRequest {
	base := api.ListRequest{
		InquiryStartAt:          w.Start,
		InquiryEndAt:            w.End,
		PartnerCounselingStatus: f.PartnerCounselingStatus,
		PageSize:                size,
	}
	if f.OrderID != nil && *f.OrderID > 0 {
		base.OrderID = *f.OrderID // 0 or negative would read as "not sent": filter locally instead
	}
	if f.VendorItemIDs == nil {
		return []api.ListRequest{base}
	}
	reqs := make([]api.ListRequest, len(f.VendorItemIDs))
	for i, id := range f.VendorItemIDs {
		reqs[i] = base
		reqs[i].VendorItemID = id
	}
	return reqs
}

// pageSize is the endpoint's largest, or the limit when it is smaller, counts inquiries, and every
// row the API returns is certain to be streamed (otherwise a short page would just cost more requests).
func pageSize(q Quals, p *Plan, maxSize int) int {
	if q.Limit < 0 || q.Limit >= int64(maxSize) || q.LimitCountsReplies || !lossless(p) {
		return maxSize
	}
	return int(q.Limit)
}

// lossless reports whether neither the filter nor dedupe can discard a row of the API's answers.
func lossless(p *Plan) bool {
	f := &p.Filter
	if f.InquiryStatus != nil || f.CSPartnerCounselingStatus != nil || len(f.VendorItemIDs) > 1 {
		return false // local-only columns, or fan-out duplicates
	}
	if f.OrderID != nil && *f.OrderID <= 0 {
		return false // an order ID we could not send
	}
	if f.Lower == nil && f.Upper == nil {
		return true
	}
	first, last := p.Windows[len(p.Windows)-1], p.Windows[0]
	if first.Start.IsZero() {
		return false // dateless listing under a time bound
	}
	// Every instant from the first window's first midnight on, and before the midnight after the
	// last window, must pass the widened bounds. Coupang's inquiryAt has whole seconds, so the last
	// instant that matters is one second before that midnight.
	lower, upper := widen(f.Lower, f.zone()), widen(f.Upper, f.zone())
	return (lower == nil || lower.admits(first.Start)) && (upper == nil || upper.admits(last.End.AddDate(0, 0, 1).Add(-time.Second)))
}

// NewFilter returns the filter of the quals, which must leave at most one value per column but
// vendor_item_id (see Split); Build plans its requests, and inquiries read one at a time from the
// single-inquiry endpoint use it alone. ok is false when the quals contradict each other, so that
// no row can match; err reports an unknown status or operator.
func NewFilter(q Quals) (_ *Filter, ok bool, err error) {
	ep, f := cmp.Or(q.Endpoint, CallCenter), &Filter{}
	for _, set := range q.PartnerCounselingStatus {
		for _, s := range set {
			if !slices.Contains(ep.Statuses, s) {
				return nil, false, fmt.Errorf("unknown %s %q: use one of %s", ep.StatusColumn, s, strings.Join(ep.Statuses, ", "))
			}
		}
	}
	status, e1, err := single(ep.StatusColumn, q.PartnerCounselingStatus, strings.Compare)
	if err != nil {
		return nil, false, err
	}
	f.PartnerCounselingStatus = ep.Statuses[0] // the default lists every row
	if status != nil {
		f.PartnerCounselingStatus = *status
	}
	bounds := q.InquiryAt
	for _, l := range q.InquiryAtAny {
		switch {
		case len(l) == 0:
			e1 = true // a list of nulls
		case slices.ContainsFunc(l, func(b Bound) bool { return compareBounds(b, l[0]) != 0 }):
			return nil, false, fmt.Errorf("inquiry_at: %d bounds to plan at once: Split the quals first", len(l))
		default:
			bounds = append(slices.Clip(bounds), l[0])
		}
	}
	var e2, e3, e4, e5, e6 bool
	f.ExactTimes = q.ExactTimes
	if f.Lower, f.Upper, e2, err = intersectBounds(bounds, zoneOf(q.ExactTimes)); err != nil {
		return nil, false, err
	}
	ids, ok := Intersect(q.VendorItemID, cmp.Compare[int64])
	// Non-positive IDs match nothing real and cannot be sent.
	f.VendorItemIDs = slices.DeleteFunc(ids, func(id int64) bool { return id <= 0 })
	e3 = !ok || (ids != nil && len(f.VendorItemIDs) == 0)
	if f.OrderID, e4, err = single("order_id", q.OrderID, cmp.Compare[int64]); err != nil {
		return nil, false, err
	}
	if f.InquiryStatus, e5, err = single("inquiry_status", q.InquiryStatus, strings.Compare); err != nil {
		return nil, false, err
	}
	if f.CSPartnerCounselingStatus, e6, err = single("cs_partner_counseling_status", q.CSPartnerCounselingStatus, strings.Compare); err != nil {
		return nil, false, err
	}
	return f, !(e1 || e2 || e3 || e4 || e5 || e6), nil
}

// intersectBounds reduces the inquiry_at quals to the tightest lower and upper bound; z is the doubt
// about what they mean.
func intersectBounds(bs []Bound, z zone) (lower, upper *Bound, empty bool, err error) {
	for _, b := range bs {
		switch b.Op {
		case OpEq:
			lower = tighter(lower, Bound{OpGe, b.Value})
			upper = tighter(upper, Bound{OpLe, b.Value})
		case OpGt, OpGe:
			lower = tighter(lower, b)
		case OpLt, OpLe:
			upper = tighter(upper, b)
		default:
			return nil, nil, false, fmt.Errorf("unsupported operator %q on inquiry_at: use =, >, >=, < or <=", b.Op)
		}
	}
	if lower != nil && upper != nil {
		// Empty only if no session TimeZone could keep a row: each bound may be meant in its own.
		lo, hi := lower.widened(z), upper.widened(z)
		empty = lo.Value.After(hi.Value) || (lo.Value.Equal(hi.Value) && (lo.Op == OpGt || hi.Op == OpLt))
	}
	return lower, upper, empty, nil
}

// tighter returns b in place of cur, two lower or two upper bounds, when b rejects cur's own
// instant: the larger lower or the smaller upper bound, and at equal instants the strict one.
func tighter(cur *Bound, b Bound) *Bound {
	if cur == nil || !b.admits(cur.Value) {
		return &b
	}
	return cur
}

// upperDate is the last Korean date an upper bound admits: the date containing it, or the day
// before when the bound is `<` exactly at a Korean midnight.
func upperDate(b Bound) time.Time {
	d := api.KoreanDate(b.Value)
	if b.Op == OpLt && b.Value.Equal(d) {
		return d.AddDate(0, 0, -1)
	}
	return d
}

// minDate returns the earlier of two dates.
func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
