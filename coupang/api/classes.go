package api

import (
	"fmt"
	"slices"
	"strings"
)

//go:generate go test -run ^TestDocsErrorsTable$ . -update

// ErrorClass is one way a call to Coupang can fail and what the user should do about it.
// ErrorClasses is the single source of the hints the client puts in its errors and of the
// "Errors and what to do" table in docs/index.md (ErrorsTableMarkdown).
type ErrorClass struct {
	// Kind is the error kind the client gives the failure; it decides whether it is retried.
	Kind ErrorKind
	// Status is the HTTP status, as shown to users.
	Status string
	// Response describes what came back, as shown to users.
	Response string
	// Match selects the class by Coupang's message: it applies when the lowercased message
	// contains any of these. A class with neither Match nor HTML is its kind's fallback.
	Match []string
	// HTML selects the class for an HTML page or a redirect instead of Coupang's JSON.
	HTML bool
	// Hint is what the user should check or do; it ends the error message.
	Hint string
}

// Retried reports whether the client sends a request that failed this way again (a bounded number
// of times, with backoff, honouring Retry-After).
func (c ErrorClass) Retried() bool { return c.Kind.Retryable() }

// Hints: what the user should check for each class of failure.
const (
	hintBadRequest   = "check the request parameters"
	hintVendor       = "check vendor_id: it is the seller ID shown in Coupang Wing, like A00012345"
	hintDateRange    = "a query period must be at most 7 calendar days, dates as yyyy-MM-dd"
	hintAuth         = "check access_key and secret_key, and that this machine's clock is correct"
	hintClock        = "this machine's clock is probably wrong (Coupang accepts a signature only for a few minutes): sync the clock (NTP); also check access_key and secret_key"
	hintNotAllowedIP = "register this machine's public IP for the key in Coupang Wing (Open API settings)"
	hintBlocked      = "Coupang answered with an HTML page or a redirect: this machine is probably blocked for too many errors; wait before trying again and check vendor_id and the keys"
	hintForbidden    = "check that the key may use this API and that this machine's public IP is registered for it in Coupang Wing (Open API settings)"
	hintNotFound     = "check vendor_id (and the inquiry id)"
	hintRateLimited  = "Coupang's rate limit was hit: lower COUPANG_RATE_LIMIT (the seller's requests per second on this machine, default 4) and check that no other machine calls with the same keys"
	hintServer       = "Coupang had a server error: try again later"
	hintNetwork      = "check the network connection and base_url"
	hintDecode       = "the answer is not Coupang's JSON: check base_url"
)

// ErrorClasses lists every class, the specific classes of a kind before its fallback. The client
// picks hints from it (hintFor); the docs table is generated from it.
var ErrorClasses = []ErrorClass{
	{Kind: KindBadRequest, Status: "400", Response: "`Invalid vendor ID`", Match: []string{"vendor"}, Hint: hintVendor},
	{Kind: KindBadRequest, Status: "400", Response: "`time interval needs to be less than or equal to 7 days`", Match: []string{"time interval", "yyyy-mm-dd"}, Hint: hintDateRange},
	{Kind: KindBadRequest, Status: "400, other 4xx", Response: "another rejected parameter", Hint: hintBadRequest},
	{Kind: KindAuth, Status: "401", Response: "`Specified signature is expired.`", Match: []string{"expired", "clock", "date"}, Hint: hintClock},
	{Kind: KindAuth, Status: "401", Response: "`Invalid signature.`, `Invalid access key.`", Hint: hintAuth},
	{Kind: KindForbidden, Status: "403", Response: "`Not allowed IP`", Match: []string{"not allowed ip", "ip address"}, Hint: hintNotAllowedIP},
	{Kind: KindForbidden, Status: "403, 3xx", Response: "an HTML page or a redirect", Match: []string{"redirect"}, HTML: true, Hint: hintBlocked},
	{Kind: KindForbidden, Status: "403", Response: "any other refusal", Hint: hintForbidden},
	{Kind: KindNotFound, Status: "404", Response: "wrong path, vendor or inquiry id", Hint: hintNotFound},
	{Kind: KindRateLimited, Status: "429", Response: "`Too many requests`", Hint: hintRateLimited},
	{Kind: KindServer, Status: "5xx", Response: "server or gateway error", Hint: hintServer},
	{Kind: KindNetwork, Status: "none, 408", Response: "connection refused or reset, timeout, cut-off body", Hint: hintNetwork},
	{Kind: KindDecode, Status: "200", Response: "malformed JSON or a page that is not JSON (a non-200 `code` in the body counts as that status)", Hint: hintDecode},
}

// hintFor picks the hint for a failure of kind k with Coupang's message msg; html is true when
// the answer was an HTML page.
func hintFor(k ErrorKind, msg string, html bool) string {
	lower := strings.ToLower(msg)
	for _, c := range ErrorClasses {
		if c.Kind != k {
			continue
		}
		matched := (c.HTML && html) || slices.ContainsFunc(c.Match, func(m string) bool { return strings.Contains(lower, m) })
		if matched || (len(c.Match) == 0 && !c.HTML) {
			return c.Hint
		}
	}
	return ""
}

// ErrorsTableMarkdown renders ErrorClasses as the Markdown table of docs/index.md's "Errors and
// what to do" section.
func ErrorsTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| HTTP status | what came back | error says | retried | what to do |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, c := range ErrorClasses {
		retried := "no"
		if c.Retried() {
			retried = fmt.Sprintf("yes, up to %d attempts", DefaultMaxAttempts)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(c.Status), cell(c.Response), cell(c.Kind.String()), retried, cell(c.Hint))
	}
	return b.String()
}

// cell escapes a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
