package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrorKind classifies a failed call by what the user should do about it.
type ErrorKind int

// The error kinds. Only RateLimited, Server and Network are retried.
const (
	KindBadRequest  ErrorKind = iota + 1 // 400: a parameter Coupang rejected
	KindAuth                             // 401: wrong keys or a skewed clock
	KindForbidden                        // 403: IP not registered, or blocked
	KindNotFound                         // 404: wrong path, vendor or id
	KindRateLimited                      // 429
	KindServer                           // 5xx
	KindNetwork                          // connection errors and timeouts
	KindDecode                           // a body that is not Coupang's JSON, or a non-200 code in it
)

// String names the kind in a few words.
func (k ErrorKind) String() string {
	names := [...]string{"error", "bad request", "authentication failed", "forbidden", "not found", "rate limited",
		"server error", "network error", "unexpected response"}
	if k < 0 || int(k) >= len(names) {
		return "error"
	}
	return names[k]
}

// Retryable reports whether a request that failed this way may be sent again.
func (k ErrorKind) Retryable() bool {
	return k == KindRateLimited || k == KindServer || k == KindNetwork
}

//go:generate go test -run ^TestDocsErrorsTable$ . -update

// ErrorClass is one way a call to Coupang can fail and what the user should do about it.
type ErrorClass struct {
	Kind     ErrorKind
	Status   string // the HTTP status, as the docs show it
	Response string // what came back, as the docs show it
	// Match selects the class when the lowercased message contains any of these. A class with
	// neither Match nor HTML is its kind's fallback.
	Match []string
	HTML  bool   // selects the class for an HTML page or a redirect instead of Coupang's JSON
	Hint  string // what the user should check or do; it ends the error message
}

// ErrorClasses is the single source of the hints in the client's errors and of the "Errors and
// what to do" table in docs/index.md; a kind's specific classes come before its fallback.
var ErrorClasses = []ErrorClass{
	{Kind: KindBadRequest, Status: "400", Response: "`Invalid vendor ID`", Match: wrongVendor, Hint: "check vendor_id: it is the seller ID shown in Coupang Wing, like A00012345"},
	{Kind: KindBadRequest, Status: "400", Response: "`time interval needs to be less than or equal to 7 days`", Match: []string{"time interval", "yyyy-mm-dd"}, Hint: "a query period must be at most 7 calendar days, dates as yyyy-MM-dd"},
	{Kind: KindBadRequest, Status: "400, other 4xx", Response: "another rejected parameter", Hint: "check the request parameters"},
	{Kind: KindAuth, Status: "401", Response: "`Specified signature is expired.`", Match: []string{"expired", "clock", "date"}, Hint: "this machine's clock is probably wrong (Coupang accepts a signature only for a few minutes): sync the clock (NTP); also check access_key and secret_key"},
	{Kind: KindAuth, Status: "401", Response: "`Invalid signature.`, `Invalid access key.`", Hint: "check access_key and secret_key, and that this machine's clock is correct"},
	{Kind: KindForbidden, Status: "403", Response: "`Not allowed IP`", Match: []string{"not allowed ip", "ip address"}, Hint: "register this machine's public IP for the key in Coupang Wing (Open API settings)"},
	{Kind: KindForbidden, Status: "403, 3xx", Response: "an HTML page or a redirect", Match: []string{"redirect"}, HTML: true, Hint: "Coupang answered with an HTML page or a redirect: this machine is probably blocked for too many errors; wait before trying again and check vendor_id and the keys"},
	{Kind: KindForbidden, Status: "403", Response: "any other refusal", Hint: "check that the key may use this API and that this machine's public IP is registered for it in Coupang Wing (Open API settings)"},
	{Kind: KindNotFound, Status: "404", Response: "wrong path, vendor or inquiry id", Hint: "check vendor_id (and the inquiry id)"},
	{Kind: KindRateLimited, Status: "429", Response: "`Too many requests`", Hint: "Coupang's rate limit was hit: lower COUPANG_RATE_LIMIT (the seller's requests per second on this machine, default 4) and check that no other machine calls with the same keys"},
	{Kind: KindServer, Status: "5xx", Response: "server or gateway error", Hint: "Coupang had a server error: try again later"},
	{Kind: KindNetwork, Status: "none, 408", Response: "connection reset, timeout, cut-off body; a refused connection or an unknown host fails at once, unretried", Hint: "check the network connection and base_url"},
	{Kind: KindDecode, Status: "200", Response: "malformed JSON or a page that is not JSON (a non-200 `code` in the body counts as that status)", Hint: "the answer is not Coupang's JSON: check base_url"},
}

var hintDecode = hintFor(KindDecode, "", false)

// wrongVendor matches Coupang's message for a vendor ID that is not the keys' own.
var wrongVendor = []string{"vendor id", "vendorid"}

// RefusesAll reports whether every later request with the same connection config would get the
// answer e too: wrong keys or clock (401), an unregistered or blocked caller (403, a redirect), or
// a wrong vendor ID (400 Invalid vendor ID, or 404 from a list endpoint). Many errors in a short
// time get a seller blocked, so a caller stops sending after one.
func (e *Error) RefusesAll() bool {
	switch e.Kind {
	case KindAuth, KindForbidden:
		return true
	case KindBadRequest:
		msg := strings.ToLower(e.Message)
		return e.StatusCode != 0 && slices.ContainsFunc(wrongVendor, func(m string) bool { return strings.Contains(msg, m) })
	case KindNotFound:
		return IsListPath(e.Path)
	}
	return false
}

// IsListPath reports whether path is a list endpoint's (it ends in the endpoint's name), not a
// single inquiry's (which ends in its ID).
func IsListPath(path string) bool { return strings.HasSuffix(path, "Inquiries") }

// hintFor picks the hint for a failure of kind k with Coupang's message msg; html is true for an
// HTML page.
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

// unreachable reports a network failure a retry seconds later cannot fix, so that it fails at
// once: an unknown host, or nothing listening (a stopped sandbox, a wrong port in base_url).
func (e *Error) unreachable() bool {
	if dns, ok := errors.AsType[*net.DNSError](e.Err); ok {
		return !dns.IsTimeout
	}
	return errors.Is(e.Err, syscall.ECONNREFUSED)
}

// Error is a failed call to Coupang. Its message never contains a key or a signature.
type Error struct {
	Kind       ErrorKind
	Method     string
	Path       string // path only, no query
	StatusCode int    // 0 for network errors
	Message    string // Coupang's message, or a short description of the body
	Hint       string // what the user should check
	Attempts   int
	Err        error // the underlying cause, if any

	retryAfter time.Duration // the server's Retry-After, if any
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("coupang api %s %s: %s", e.Method, e.Path, e.Cause())
}

// Cause is the error without the call's method and path (a path names the seller): kind, status,
// message, attempts and hint.
func (e *Error) Cause() string {
	msg := e.Kind.String()
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err if it is or wraps an *Error, else 0.
func KindOf(err error) ErrorKind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return 0
}

// kindOfStatus maps an HTTP status (or a numeric code in a body) to a kind; 0 if it is not an error.
func kindOfStatus(status int) ErrorKind {
	if k, ok := statusKinds[status]; ok {
		return k
	}
	if k, ok := statusKinds[status/100*100]; ok {
		return k
	}
	return KindDecode
}

// statusKinds gives the kind of a status, or of its class keyed by the class's first status (300
// for 3xx: Coupang redirects callers it has blocked).
var statusKinds = map[int]ErrorKind{
	200: 0, 300: KindForbidden, 400: KindBadRequest, 500: KindServer,
	401: KindAuth, 403: KindForbidden, 404: KindNotFound, 408: KindNetwork, 429: KindRateLimited,
}

// statusError builds the error of a non-2xx response from its status and body.
func statusError(status int, location string, body []byte) *Error {
	e := &Error{Kind: kindOfStatus(status), StatusCode: status}
	if status >= 300 && status <= 399 {
		e.Message = "redirected to " + strconv.Quote(sanitize(location, 80)) // matches the redirect's class
	} else {
		e.Message = cmp.Or(errorMessage(body), describeBody(body))
	}
	e.Hint = hintFor(e.Kind, e.Message, looksLikeHTML(body))
	return e
}

// errorMessage reads the message of Coupang's {"code":...,"message":"..."} error body, which may also
// come as errorMessage or error; "" when there is none.
func errorMessage(body []byte) string {
	var b struct{ Message, ErrorMessage, Error json.RawMessage }
	_ = json.Unmarshal(body, &b) // a body that is not an object leaves b empty
	for _, raw := range []json.RawMessage{b.Message, b.ErrorMessage, b.Error} {
		var m String
		if m.UnmarshalJSON(raw) == nil && strings.TrimSpace(string(m)) != "" {
			return sanitize(string(m), 300)
		}
	}
	return ""
}

var (
	hexRun    = regexp.MustCompile(`[0-9a-fA-F]{64}`)
	signField = regexp.MustCompile(`(?i)(signature\s*[=:]\s*)[^\s,;"'<&]+`)
	ceaHeader = regexp.MustCompile(`(?i)CEA\s+algorithm=[^"'<\r\n]*`)
)

// redactSecrets removes anything that looks like a CEA Authorization header or a signature.
func redactSecrets(s string) string {
	s = ceaHeader.ReplaceAllString(s, "[redacted]")
	s = signField.ReplaceAllString(s, "${1}[redacted]")
	return hexRun.ReplaceAllString(s, "[redacted]")
}

// redactKeys replaces the client's keys in b; b itself when it holds none.
func (c *Client) redactKeys(b []byte) []byte {
	for _, key := range []string{c.cfg.SecretKey, c.cfg.AccessKey} {
		if len(key) >= 4 && bytes.Contains(b, []byte(key)) {
			b = bytes.ReplaceAll(b, []byte(key), []byte("[redacted]"))
		}
	}
	return b
}
