// Package sandbox is a strict, Coupang-compatible fake of the Open API call-center inquiry
// endpoints. Every test and benchmark of the project runs against it on loopback, so it is strict
// wherever the real API's behaviour is uncertain: a client that passes against the sandbox must be
// safe against Coupang.
//
// It serves a deterministic, generated data set (Korean item names, inquiries, replies by CS agents
// and vendors, transfers) dated relative to "today" in Korean time, verifies the CEA HMAC signature,
// the signed-date clock and the vendor exactly as Coupang documents them, enforces the list rules
// (status enum, 7-day windows, yyyy-MM-dd dates, page sizes) and can add latency, a requests-per-second
// limit and injected faults.
//
// Partner counseling statuses (the required partnerCounselingStatus list parameter) select:
//
//   - NONE: every inquiry.
//   - ANSWER: inquiries whose csPartnerCounselingStatus is "answered" (the seller has answered and
//     nothing awaits the seller).
//   - NO_ANSWER: inquiries whose csPartnerCounselingStatus is "requestAnswer" (the seller must answer);
//     this includes every TRANSFER inquiry and inquiries with no reply at all.
//   - TRANSFER: inquiries with at least one csAgent reply transferred to the seller and still awaiting
//     the seller (partnerTransferStatus "requestAnswer", needAnswer true). TRANSFER is a subset of
//     NO_ANSWER.
//
// MatchesStatus implements exactly this, for tests that compute expected results independently.
//
// It also serves the v5 product Q&A list (onlineInquiries): buyers' questions on product pages
// about the same catalog's items and options, about half as many per day as call-center
// inquiries, with the same strictness (signature, vendor, both yyyy-MM-dd dates 2..7 days apart)
// plus a case-sensitive answeredType (ALL, ANSWERED: at least one answer, NOANSWER: none) and
// pageSize 1..50. Its answers show every shape a client must tolerate (see toWireProduct).
package sandbox

import (
	"cmp"
	"time"
)

// Demo credentials: the sandbox's defaults, printed by cmd/coupang-sandbox at start. They are not
// secrets and work only against the sandbox.
const (
	// DemoVendorID is the default seller ID.
	DemoVendorID = "A00012345"
	// DemoAccessKey is the default Open API access key.
	DemoAccessKey = "sandbox-access-key-0000"
	// DemoSecretKey is the default Open API secret key.
	DemoSecretKey = "sandbox-secret-key-0000"
	// DemoHotVendorItemID is the option ID that receives Options.HotInquiries when
	// Options.HotVendorItemID is 0. It is outside the range of generated catalog option IDs.
	DemoHotVendorItemID int64 = 3285906659
)

// Defaults applied by New to zero Options fields.
const (
	// DefaultSeed is the seed used when Options.Seed is 0.
	DefaultSeed int64 = 1
	// DefaultDays is the number of Korean calendar days (today included) the data spans.
	DefaultDays = 60
	// DefaultPerDay is the average number of inquiries per day.
	DefaultPerDay = 40
)

// Options configures a Server. The zero value is usable: New fills in the defaults.
type Options struct {
	// Seed makes the data set; the same Seed, Days, PerDay, hot-option settings and Korean date of
	// Now give the same data. 0 means DefaultSeed.
	Seed int64
	// Days is how many Korean calendar days back from today the data spans, today included.
	// 0 means DefaultDays; a negative value means no generated inquiries (hot ones only).
	Days int
	// PerDay is the average number of inquiries per day; the actual count varies deterministically
	// between 50% and 150% of it per day. 0 means DefaultPerDay; a negative value means none.
	PerDay int
	// Now is the clock used for the data's "today", for checking the signed-date and for timestamps
	// in the request log. nil means time.Now. The data set is fixed when New runs: no inquiry or reply
	// is later than Now() at that moment.
	Now func() time.Time
	// VendorID, AccessKey and SecretKey are the only accepted credentials. Empty means the Demo
	// constants.
	VendorID  string
	AccessKey string
	SecretKey string
	// Latency is added to every response, injected faults included.
	Latency time.Duration
	// RateLimit is the number of requests per second allowed (0 = unlimited). It is decided over a
	// sliding window of the real wall clock: with RateLimit >= 1, at most floor(RateLimit) requests are
	// admitted in any closed 1-second window (a request exactly 1 s after the one floor(RateLimit)
	// before it is refused); with 0 < RateLimit < 1, one request per closed 1/RateLimit seconds.
	// Requests are counted when they arrive, before Latency and injected faults; requests over it
	// get HTTP 429 {"code":429,"message":"Too many requests"} and do not count towards the window.
	RateLimit float64
	// HotVendorItemID and HotInquiries concentrate HotInquiries extra inquiries on one option ID,
	// spread over the data's days before today (today only when Days is 1), for benchmarks like
	// "one option ID with 5,000 inquiries".
	// HotVendorItemID 0 means DemoHotVendorItemID. If the ID is one of the catalog's option IDs the
	// inquiries go to that catalog item; otherwise a new catalog item with that single option is made.
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
