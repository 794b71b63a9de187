// Package sandbox is a strict, Coupang-compatible fake of the Open API call-center inquiry and
// product Q&A endpoints, which every test and benchmark runs against on loopback. It is strict
// wherever the real API's behaviour is uncertain: a client that passes here is safe against Coupang.
//
// It serves deterministic generated data dated relative to "today" in Korean time, checks the CEA
// signature, the signed-date clock, the vendor and the Content-Type as Coupang documents them,
// enforces the list rules (status enum, 7-day windows never past today, yyyy-MM-dd dates, page
// sizes) and can add latency, a rate limit, a block after many errors and injected faults.
//
// partnerCounselingStatus selects: NONE every inquiry; ANSWER those whose csPartnerCounselingStatus
// is "answered"; NO_ANSWER those "requestAnswer" (the seller must answer: every TRANSFER and every
// unreplied one); TRANSFER those with a csAgent reply transferred to the seller and still awaiting it
// (partnerTransferStatus "requestAnswer", needAnswer true). MatchesStatus implements exactly this.
//
// The v5 product Q&A list (onlineInquiries) serves buyers' questions on the same catalog, about half
// as many per day, with the same checks (both dates always required) plus a case-sensitive
// answeredType (ALL; ANSWERED: at least one answer; NOANSWER: none) and pageSize 1..50. Its answers
// show every shape a client must tolerate (see toWireProduct).
package sandbox

import (
	"cmp"
	"time"
)

// Demo credentials and option ID, the defaults of Options' fields of those names: not secrets, they
// work only against the sandbox. DemoHotVendorItemID lies outside the catalog's option IDs.
const (
	DemoVendorID              = "A00012345"
	DemoAccessKey             = "sandbox-access-key-0000"
	DemoSecretKey             = "sandbox-secret-key-0000"
	DemoHotVendorItemID int64 = 3285906659
)

// Defaults applied by New to zero Options fields of those names.
const (
	DefaultSeed   int64 = 1
	DefaultDays         = 60
	DefaultPerDay       = 40
)

// Options configures a Server. The zero value is usable: New fills in the defaults.
type Options struct {
	// Seed makes the data: the same Seed, Days, PerDay, hot-option settings and Korean date of Now
	// give the same data.
	Seed int64
	// Days is how many Korean calendar days the data spans, today included; negative: no generated
	// inquiries (hot ones only).
	Days int
	// PerDay is the average number of inquiries per day (each day 50-150% of it); negative: none.
	PerDay int
	// Now is the clock for the data's "today", the signed-date check and the request log (nil:
	// time.Now). The data is fixed when New runs: nothing in it is later than Now() then.
	Now func() time.Time
	// VendorID, AccessKey and SecretKey are the only accepted credentials (empty: the Demo ones).
	VendorID  string
	AccessKey string
	SecretKey string
	// Latency is added to every response, injected faults included.
	Latency time.Duration
	// RateLimit is the requests per second allowed (0 or +Inf = unlimited), over a sliding window of the
	// wall clock: at most floor(RateLimit) in any closed 1-second window, or below 1, one per closed
	// 1/RateLimit seconds. Requests count on arrival, before Latency and faults; refused ones get
	// HTTP 429 {"code":429,"message":"Too many requests"} and do not count.
	RateLimit float64
	// BlockAfter, when positive, blocks the caller once more than BlockAfter requests within a minute
	// got a 4xx answer of the sandbox's own (429 included; injected faults, but for a slow answer's
	// own, do not count): for BlockedFor after that, every request gets the gateway's HTML 403 page
	// (FaultHTML403), as Coupang blocks sellers that cause many errors in a short time (how many, it
	// does not say).
	BlockAfter int
	// HotVendorItemID and HotInquiries put HotInquiries extra inquiries on one option ID, over the
	// days before today (today only when Days is 1), for benchmarks like "one option ID with 5,000
	// inquiries". A catalog option ID gets them on its item; any other ID gets a new item.
	HotVendorItemID int64
	HotInquiries    int
}

func (o Options) withDefaults() Options {
	o.Seed = cmp.Or(o.Seed, DefaultSeed)
	o.Days = cmp.Or(o.Days, DefaultDays)
	o.PerDay = cmp.Or(o.PerDay, DefaultPerDay)
	if o.Now == nil {
		o.Now = time.Now
	}
	o.VendorID = cmp.Or(o.VendorID, DemoVendorID)
	o.AccessKey = cmp.Or(o.AccessKey, DemoAccessKey)
	o.SecretKey = cmp.Or(o.SecretKey, DemoSecretKey)
	o.HotVendorItemID = cmp.Or(o.HotVendorItemID, DemoHotVendorItemID)
	if o.HotInquiries <= 0 {
		o.HotVendorItemID = 0 // no hot option
	}
	return o
}
