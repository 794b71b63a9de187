package query

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// DefaultLookbackDays is default_lookback_days when the connection sets none (or a non-positive one).
const DefaultLookbackDays = 7

// MinDate is the oldest Korean date ever asked for: Coupang has no inquiries before 2010, so an
// earlier bound (even year 1) is clamped here.
var MinDate = time.Date(2010, 1, 1, 0, 0, 0, 0, api.KST)

// MaxRequests caps the first-page calls of one plan (20,000 take about 83 minutes at 4 per
// second): a bigger one would hold the seller's rate budget for hours, so it is refused.
const MaxRequests = 20000

// ErrPlanTooLarge is wrapped by the error of a plan that needs more than MaxRequests calls.
var ErrPlanTooLarge = errors.New("query needs too many API calls")

// Plan is the list of requests for one query plus the exact filter for their rows.
type Plan struct {
	Windows  []Window // newest first; none when the quals select nothing
	Filter   Filter
	PageSize int // of every request, 1..Endpoint.MaxPageSize (the fetcher's page check divides by it)
	// Sequential is set when the query has a limit: one request at a time, newest window first,
	// stopping as soon as the consumer has enough rows.
	Sequential bool
	// Lookback is the days read when default_lookback_days decided the range: the user is told.
	Lookback *Days
}

// Days is an inclusive range of Korean calendar dates (midnight KST).
type Days struct {
	First, Last time.Time
	// NoOptionID is set for product Q&A, which cannot list by option ID: Notice does not suggest it.
	NoOptionID bool
}

// Notice tells the user which Korean days a default lookback read and how to read others.
func (d Days) Notice() string {
	why := "no lower bound on inquiry_at and no vendor_item_id"
	if d.NoOptionID {
		why = "no lower bound on inquiry_at"
	}
	return fmt.Sprintf("%s: read only the %d Korean days %s to %s "+
		"(default_lookback_days); to read other days, give inquiry_at a lower bound (inquiry_at >= 'yyyy-mm-dd') "+
		"or raise default_lookback_days in the connection config",
		why, int(d.Last.Sub(d.First).Hours()/24+0.5)+1, d.First.Format(api.DateLayout), d.Last.Format(api.DateLayout))
}

// Window is one inclusive Korean date range (zero for case b's dateless listing) and its first-page
// requests: one per option ID of the query, or one without.
type Window struct {
	Start, End time.Time
	Requests   []api.ListRequest
}

// Build plans the API requests for the quals; now's Korean date is "today", lookbackDays the
// connection's default_lookback_days. Contradictory quals give a plan with no windows; only invalid
// input (an unknown status or operator) or too many requests is an error.
func Build(q Quals, now time.Time, lookbackDays int) (*Plan, error) {
	f, ok, err := NewFilter(q)
	if err != nil {
		return nil, err
	}
	ep := cmp.Or(q.Endpoint, CallCenter)
	p := &Plan{Filter: *f, PageSize: ep.MaxPageSize, Sequential: q.Limit >= 0}
	if !ok || q.Limit == 0 {
		return p, nil
	}
	if lookbackDays <= 0 {
		lookbackDays = DefaultLookbackDays
	}
	ws, lookback := f.windows(api.KoreanDate(now), lookbackDays)
	if p.Windows = ws; len(ws) == 0 {
		return p, nil
	}
	if lookback { // their span: a widened one-day piece reads one day more
		p.Lookback = &Days{First: ws[len(ws)-1].Start, Last: ws[0].End, NoOptionID: ep != CallCenter}
	}
	ids := f.VendorItemIDs
	if ids == nil {
		ids = []int64{0} // vendorItemId not sent
	}
	if n := len(p.Windows) * len(ids); n > MaxRequests {
		return nil, fmt.Errorf("%w: %d windows of %d days x %d option IDs = %d first-page calls, more than the %d allowed; "+
			"narrow the inquiry_at range or the vendor_item_id list",
			ErrPlanTooLarge, len(p.Windows), api.MaxWindowDays, len(ids), n, MaxRequests)
	}
	// A page no bigger than the limit costs no extra request only if every row it holds is streamed.
	if q.Limit > 0 && q.Limit < int64(ep.MaxPageSize) && !q.LimitCountsReplies && p.lossless() {
		p.PageSize = int(q.Limit)
	}
	base := api.ListRequest{PartnerCounselingStatus: f.PartnerCounselingStatus, PageSize: p.PageSize}
	if f.OrderID != nil {
		base.OrderID = *f.OrderID // sendable: NewFilter plans nothing for another
	}
	for i, w := range p.Windows {
		for _, id := range ids {
			base.InquiryStartAt, base.InquiryEndAt, base.VendorItemID = w.Start, w.End, id
			p.Windows[i].Requests = append(p.Windows[i].Requests, base)
		}
	}
	return p, nil
}

// windows picks the contract's case and tiles its Korean dates over the widened bounds; lookback
// says the default lookback decided the range, which the windows then span.
func (f *Filter) windows(today time.Time, lookbackDays int) (ws []Window, lookback bool) {
	hi := today
	if f.Upper != nil {
		last := upperDate(f.widened(*f.Upper))
		if last.Before(MinDate) {
			return nil, false // nothing that old exists
		}
		hi = earlier(hi, last)
	}
	var lo time.Time
	switch {
	case f.Lower != nil:
		lo = api.KoreanDate(f.widened(*f.Lower).Value)
	case f.VendorItemIDs != nil:
		return []Window{{}}, false // case b: dateless, whole history; the filter applies any upper bound
	default:
		// The lookback ends on the date of the earliest instant the upper bound could mean, so the
		// days before it are read whatever the session TimeZone; the windows run on to the latest.
		end := today
		if f.Upper != nil {
			end = earlier(end, upperDate(f.narrowed(*f.Upper)))
		}
		lo, lookback = end.AddDate(0, 0, 1-lookbackDays), true
	}
	lo = later(lo, MinDate)
	if lo.After(hi) {
		return nil, false // empty, or wholly in the future
	}
	// A one-day piece (only ever the oldest) becomes [d-1, d], as Coupang may reject start = end;
	// the extra day lies outside the range, so windows stay disjoint and the filter drops its rows.
	for end := hi; !end.Before(lo); end = end.AddDate(0, 0, -api.MaxWindowDays) {
		start := later(end.AddDate(0, 0, 1-api.MaxWindowDays), lo)
		if start.Equal(end) {
			start = end.AddDate(0, 0, -1)
		}
		ws = append(ws, Window{Start: start, End: end})
	}
	return ws, lookback
}

// lossless reports whether neither the filter nor dedupe can discard a row of the API's answers.
func (p *Plan) lossless() bool {
	f := &p.Filter
	if f.InquiryStatus != nil || f.CSPartnerCounselingStatus != nil || len(f.VendorItemIDs) > 1 {
		return false // local-only columns or fan-out duplicates
	}
	if f.Lower == nil && f.Upper == nil {
		return true
	}
	// Every instant the windows cover (inquiryAt has whole seconds) must be surely kept: under a limit
	// a row in doubt is held back (the plugin's holdback) and the fetch reads on, a small page at a time.
	first, last := p.Windows[len(p.Windows)-1].Start, p.Windows[0].End.AddDate(0, 0, 1).Add(-time.Second)
	return !first.IsZero() && f.Certainty(first) == Sure && f.Certainty(last) == Sure
}

// upperDate is the last Korean date an upper bound admits.
func upperDate(b Bound) time.Time {
	if b.Op == OpLt {
		b.Value = b.Value.Add(-time.Nanosecond)
	}
	return api.KoreanDate(b.Value)
}

// earlier and later return the earlier or later of two times, a when they are equal.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
