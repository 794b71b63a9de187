package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// DefaultBaseURL is Coupang's Open API gateway.
const DefaultBaseURL = "https://api-gateway.coupang.com"

// Defaults applied by New to zero Config fields.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxAttempts   = 5
	DefaultMinBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff    = 10 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
)

// maxGatewayTimeout is the longest backend timeout sent in X-EXTENDED-TIMEOUT, the value public
// client libraries send.
const maxGatewayTimeout = 90 * time.Second

// maxBodyBytes bounds what is read of a response; a page of 30 inquiries is far smaller.
const maxBodyBytes = 16 << 20

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	BaseURL   string // scheme://host[:port]; empty means DefaultBaseURL; http only for a loopback host
	VendorID  string // the seller ID, like A00012345
	AccessKey string // the Open API keys; neither is logged or put in an error
	SecretKey string
	// HTTPClient sends the requests; nil means a client with no overall timeout. Redirects are never
	// followed: Coupang redirects callers it has blocked.
	HTTPClient  *http.Client
	Timeout     time.Duration // bounds each attempt (request and body); default 30s
	MaxAttempts int           // bounds the attempts of one call, retries included; default 5
	// MinBackoff and MaxBackoff bound the jittered exponential backoff; defaults 500ms, 10s.
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
	MaxRetryAfter time.Duration    // caps a server's Retry-After; default 60s
	Now           func() time.Time // the clock that signs requests; nil means time.Now
	// Logger gets a Debug line per attempt and a Warn line per retry, never a secret; nil discards.
	Logger hclog.Logger
}

// RequestInfo describes one HTTP attempt. It holds no query string, header, key or signature.
type RequestInfo struct {
	Method     string
	Path       string
	Attempt    int           // 1 for the first attempt of a call
	StatusCode int           // 0 when no response arrived
	Duration   time.Duration // sending the request and reading the body
	Kind       ErrorKind     // 0 when the attempt succeeded
}

// Client calls Coupang's customer-question endpoints. It is safe for concurrent use.
type Client struct {
	cfg     Config // defaults applied, BaseURL without a trailing slash, HTTPClient never redirected
	reuse   Reuse
	reserve func(context.Context) (sent func(), err error)
	allow   func(path string) (time.Duration, error) // asked before every request; nil allows all
	failed  func(e *Error)                           // told of every call's final failure; may be nil
	// throttled is told of every 429 that will be retried, with the delay; may be nil.
	throttled func(retryIn time.Duration)
	sleep     func(ctx context.Context, d time.Duration) error // tests observe delays without sleeping
}

// New validates cfg's base URL and tuning and returns a Client. The caller checks the credentials,
// naming every missing one with the setting that fixes it.
func New(cfg Config) (*Client, error) {
	var err error
	if cfg.BaseURL, err = parseBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL)); err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 || cfg.MaxAttempts < 0 || cfg.MinBackoff < 0 || cfg.MaxBackoff < 0 || cfg.MaxRetryAfter < 0 {
		return nil, errors.New("coupang api: Timeout, MaxAttempts, MinBackoff, MaxBackoff and MaxRetryAfter must not be negative")
	}
	cfg.Timeout = cmp.Or(cfg.Timeout, DefaultTimeout)
	cfg.MaxAttempts = cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.MinBackoff = cmp.Or(cfg.MinBackoff, DefaultMinBackoff)
	cfg.MaxBackoff = cmp.Or(cfg.MaxBackoff, DefaultMaxBackoff)
	cfg.MaxRetryAfter = cmp.Or(cfg.MaxRetryAfter, DefaultMaxRetryAfter)
	if cfg.MinBackoff > cfg.MaxBackoff {
		return nil, fmt.Errorf("coupang api: MinBackoff (%s) is larger than MaxBackoff (%s)", cfg.MinBackoff, cfg.MaxBackoff)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Logger = cmp.Or(cfg.Logger, hclog.NewNullLogger())
	hc := *cmp.Or(cfg.HTTPClient, &http.Client{}) // a copy: the caller's client (and transport) keeps following redirects
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.HTTPClient = &hc
	return &Client{cfg: cfg, sleep: Sleep}, nil
}

// BaseURL is the address the client calls, written one way for every spelling of it (parseBaseURL):
// the seller's shared rate budget is keyed by it.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// parseBaseURL checks a base URL: scheme://host[:port] with no path, query or credentials, https
// unless the host is loopback (127.0.0.0/8, ::1 or localhost), where http is allowed too. Its errors
// show at most the scheme, host, port and path: a user, password, query or fragment may hold a key.
// It returns the URL written one way for every spelling: lower case, without the host name's
// trailing dot, an empty port, a port's leading zeros or the scheme's default port.
func parseBaseURL(raw string) (string, error) {
	const like = "like " + DefaultBaseURL
	if !strings.Contains(raw, "://") {
		return "", fmt.Errorf("base_url has no scheme: start it with https:// (http:// only for a loopback host such as 127.0.0.1), %s", like)
	}
	if strings.Contains(raw, "@") { // user:pass@host; parsing a password with a / in it may show it as host and path
		return "", fmt.Errorf("base_url has a user or password (an @): leave them out (the keys have arguments of their own); write it as scheme://host[:port], %s", like)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the part it rejects, which can be part of a query (?key=%zz).
		why := Unquoted(errors.Unwrap(err).Error())
		return "", fmt.Errorf("base_url is not a URL (%s): write it as scheme://host[:port], %s", why, like)
	}
	var extra []string
	for _, p := range []struct {
		set  bool
		name string
	}{{u.Path != "" && u.Path != "/", "a path"}, {u.RawQuery != "" || u.ForceQuery, "a query (?...)"}, {u.Fragment != "", "a fragment (#...)"}} {
		if p.set {
			extra = append(extra, p.name)
		}
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	host := strings.ToLower(u.Hostname())
	port, portErr := strconv.Atoi(u.Port())
	switch {
	// A host of only the root's dot ("https://.") names no server: written without it, it would be none.
	case strings.TrimSuffix(host, ".") == "":
		return "", fmt.Errorf("base_url %q has no host: write it as scheme://host[:port], %s", shown, like)
	case len(extra) > 0:
		return "", fmt.Errorf("base_url %q has %s: it must be only scheme://host[:port], without a path, query or credentials, %s",
			shown, strings.Join(extra, ", "), like)
	case u.Port() != "" && (portErr != nil || port < 1 || port > 65535):
		return "", fmt.Errorf("base_url %q has port %s: use a port from 1 to 65535, or none for the scheme's", shown, u.Port())
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return "", fmt.Errorf("base_url %q uses http: use https (http is allowed only for loopback hosts such as 127.0.0.1 or localhost)", shown)
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("base_url %q must start with https:// (or http:// for a loopback host)", shown)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 address
	} else {
		host = strings.TrimSuffix(host, ".")
	}
	if port != 0 && !(u.Scheme == "https" && port == 443) && !(u.Scheme == "http" && port == 80) {
		host += ":" + strconv.Itoa(port)
	}
	// url.URL escapes an IPv6 zone (%25) as a request URL needs it.
	return (&url.URL{Scheme: u.Scheme, Host: host}).String(), nil
}

// quotedPart is a quoted part of an error message, as Go's %q writes it (a quote inside is \"),
// or all that follows a quote left open.
var quotedPart = regexp.MustCompile(`"(?:[^"\\]|\\.)*(?:"|\\?$)`)

// Unquoted is an error message of a parser (url.Parse, HCL) without what it quotes of the text it
// read, which may be part of a key: `invalid URL escape "%zz"` becomes `invalid URL escape "…"`.
func Unquoted(msg string) string { return quotedPart.ReplaceAllString(msg, `"…"`) }

// IsLoopbackHost reports whether host (without port) is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithReserve returns a copy of c that calls reserve before every HTTP request, retries included;
// an error from reserve aborts the call. sent is called once, when the request has been written (or
// the attempt ended without it): a shared rate budget locked from reserve to sent records when a
// request left, however long the process was descheduled after the reservation. A rate limiter
// that only waits returns a sent that does nothing.
func (c *Client) WithReserve(reserve func(context.Context) (sent func(), err error)) *Client {
	cp := *c
	cp.reserve = reserve
	return &cp
}

// WithGate returns a copy of c that asks allow before every HTTP request, retries included, before
// and after the reserve hook, and tells failed of the error each failed call returns, after its
// retries: a caller can stop sending after answers that every later request would get too (wrong
// keys, an unregistered IP, a blocked caller, a 429 that outlasted every retry), since many errors
// in a short time get a seller blocked. An error from allow ends the call unsent and is returned as
// is, never retried; a positive held delays the request that long and asks again. throttled, if not
// nil, is told of each 429 that will be retried and how soon, so that allow can hold the caller's
// other requests as long.
func (c *Client) WithGate(allow func(path string) (held time.Duration, err error), failed func(*Error), throttled func(retryIn time.Duration)) *Client {
	cp := *c
	cp.allow, cp.failed, cp.throttled = allow, failed, throttled
	return &cp
}

// Reuse lets a Client answer a call from data fetched moments ago, or refuse it, instead of asking
// Coupang; the policy is the caller's. Implementations must be safe for concurrent use and must not
// modify pages or inquiries: they are shared read-only.
type Reuse interface {
	// Page returns a page to use instead of sending req, or ok false: the caller then sends req and
	// calls Listed. It may wait, until ctx ends, for the page of a req someone else is sending. req is a
	// ListRequest, whose page is a *Page, or a ProductInquiryRequest, whose page is a *ProductInquiryPage.
	Page(ctx context.Context, req any) (page any, ok bool)
	// Listed records the page Coupang returned for req, or nil when the request failed.
	Listed(req, page any)
	// Inquiry returns an inquiry to use instead of reading it, or nil to read it.
	Inquiry(id int64) *Inquiry
}

// WithReuse returns a copy of c that consults r before every ListInquiries, GetInquiry and
// ListProductInquiries call.
func (c *Client) WithReuse(r Reuse) *Client {
	cp := *c
	cp.reuse = r
	return &cp
}

type freshKey struct{}

// Fresh returns a context whose list calls are sent even where the Reuse holds the page: a listing
// read again because it changed must not be answered from the reading that changed. The pages
// fetched are still recorded.
func Fresh(ctx context.Context) context.Context { return context.WithValue(ctx, freshKey{}, true) }

// ListInquiries fetches one page of the list endpoint; a req that fails Validate is not sent.
func (c *Client) ListInquiries(ctx context.Context, req ListRequest) (*Page, error) {
	return list(ctx, c, ListPath(c.cfg.VendorID), req, DecodeListResponse)
}

// list sends one page request of either list, a ListRequest or a ProductInquiryRequest, unless it
// fails Validate or the Reuse holds its page.
func list[T any, R interface {
	Validate() error
	Query(vendorID string) string
}](ctx context.Context, c *Client, path string, req R, decode func([]byte) (*ListPage[T], error)) (*ListPage[T], error) {
	if err := req.Validate(); err != nil {
		return nil, notSent(path, err)
	}
	if _, fresh := ctx.Value(freshKey{}).(bool); c.reuse != nil && !fresh {
		if page, ok := c.reuse.Page(ctx, req); ok {
			return page.(*ListPage[T]), nil
		}
	}
	page, err := get(ctx, c, path, req.Query(c.cfg.VendorID), decode)
	if c.reuse != nil {
		var listed any // nil, not a nil *ListPage, after a failure
		if err == nil {
			listed = page
		}
		c.reuse.Listed(req, listed)
	}
	return page, err
}

// GetInquiry fetches one inquiry by its id from the single-inquiry endpoint.
func (c *Client) GetInquiry(ctx context.Context, inquiryID int64) (*Inquiry, error) {
	path := InquiryPath(inquiryID)
	if !SendableID(inquiryID) {
		return nil, notSent(path, fmt.Errorf("inquiry id %d is not a positive ID of at most 18 digits", inquiryID))
	}
	if c.reuse != nil {
		if inq := c.reuse.Inquiry(inquiryID); inq != nil {
			return inq, nil
		}
	}
	return get(ctx, c, path, "", func(body []byte) (*Inquiry, error) {
		inq, err := DecodeInquiryResponse(body)
		if err == nil && inq.InquiryID != inquiryID {
			return nil, &Error{Kind: KindDecode, Message: fmt.Sprintf("asked for inquiry %d, got inquiry %d", inquiryID, inq.InquiryID)}
		}
		// Without inquiryAt the row's inquiry_at would read as year 1, as listings refuse too.
		if err == nil && inq.InquiryAt.IsZero() {
			return nil, &Error{Kind: KindDecode, Message: fmt.Sprintf("inquiry %d has no inquiryAt", inquiryID)}
		}
		return inq, err
	})
}

// ListProductInquiries fetches one page of the product Q&A list, like ListInquiries.
func (c *Client) ListProductInquiries(ctx context.Context, req ProductInquiryRequest) (*ProductInquiryPage, error) {
	return list(ctx, c, ProductInquiryListPath(c.cfg.VendorID), req, DecodeProductInquiryList)
}

func notSent(path string, err error) *Error {
	return &Error{Kind: KindBadRequest, Method: http.MethodGet, Path: path, Message: err.Error(), Hint: "the request was not sent", Err: err}
}

// get runs one GET call, retrying retryable failures; every attempt is signed afresh and decoded,
// so that a retryable code inside a body is retried too.
func get[T any](ctx context.Context, c *Client, path, query string, decode func([]byte) (*T, error)) (*T, error) {
	for attempt := 1; ; attempt++ {
		v, err := attemptOnce(ctx, c, path, query, attempt, decode)
		if err == nil {
			return v, nil
		}
		apiErr, ok := errors.AsType[*Error](err)
		if ok {
			apiErr.Attempts = attempt
		}
		final := ok && (!apiErr.Kind.Retryable() || apiErr.unreachable() || attempt >= c.cfg.MaxAttempts)
		if final && c.failed != nil {
			c.failed(apiErr) // also when ctx ended meanwhile: a 401 that came back is still a 401
		}
		if ctx.Err() != nil {
			return nil, cancelled(ctx, path, attempt)
		}
		if !ok {
			return nil, err // the gate or the reserve hook refused
		}
		if final {
			return nil, apiErr
		}
		delay := c.backoff(attempt, apiErr.retryAfter)
		if apiErr.Kind == KindRateLimited && c.throttled != nil {
			c.throttled(delay)
		}
		c.cfg.Logger.Warn("coupang api call failed, retrying", "method", http.MethodGet, "path", path,
			"attempt", attempt, "kind", apiErr.Kind.String(), "status", apiErr.StatusCode, "delay", delay)
		if err := c.sleep(ctx, delay); err != nil {
			return nil, cancelled(ctx, path, attempt)
		}
	}
}

// admit waits until the gate and the reserve hook let one request of path go, and returns the
// reservation's sent. The gate is asked before and after the wait for the rate budget, as a refusal
// or a hold may arrive meanwhile; a reservation the gate then holds back goes unused.
func (c *Client) admit(ctx context.Context, path string) (sent func(), err error) {
	for {
		held, err := c.gate(path)
		if err == nil && held > 0 {
			if err = c.sleep(ctx, held); err == nil {
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		sent = func() {}
		if c.reserve != nil {
			if sent, err = c.reserve(ctx); err != nil {
				return nil, fmt.Errorf("coupang api GET %s: waiting for the rate budget: %w", path, err)
			}
		}
		if held, err = c.gate(path); err == nil && held == 0 {
			return sent, nil
		}
		sent()
		if err != nil {
			return nil, err
		}
	}
}

// gate asks the gate (WithGate) about a request of path: how long to hold it, or why not to send it.
func (c *Client) gate(path string) (time.Duration, error) {
	if c.allow == nil {
		return 0, nil
	}
	held, err := c.allow(path)
	if err != nil {
		return 0, fmt.Errorf("coupang api GET %s: %w", path, err)
	}
	return held, nil
}

func cancelled(ctx context.Context, path string, attempts int) error {
	return fmt.Errorf("coupang api GET %s: stopped after %d attempt(s): %w", path, attempts, ctx.Err())
}

// attemptOnce sends one request and decodes its answer, reporting it to the log and the request
// hook. Every failure but the gate's and the reserve hook's is an *Error.
func attemptOnce[T any](ctx context.Context, c *Client, path, query string, n int, decode func([]byte) (*T, error)) (*T, error) {
	sent, err := c.admit(ctx, path)
	if err != nil {
		return nil, err
	}
	once := sync.OnceFunc(sent)
	defer once()
	actx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once() }})
	actx, cancel := context.WithTimeout(actx, c.cfg.Timeout)
	defer cancel()
	start := time.Now()
	status, body, err := c.send(actx, path, query)
	var v *T
	if err == nil {
		v, err = decode(body)
	}
	info := RequestInfo{Method: http.MethodGet, Path: path, Attempt: n, StatusCode: status, Duration: time.Since(start)}
	logArgs := []any{"method", info.Method, "path", path, "attempt", n, "status", status, "duration", info.Duration}
	if hook, ok := ctx.Value(requestHookKey{}).(func(RequestInfo)); ok {
		defer func() { hook(info) }() // once info.Kind is known
	}
	if err == nil {
		c.cfg.Logger.Debug("coupang api attempt", logArgs...)
		return v, nil
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		e = &Error{Kind: KindDecode, Message: err.Error(), Err: err}
	}
	e.Method, e.Path, e.StatusCode = http.MethodGet, path, cmp.Or(e.StatusCode, status)
	if e.Kind == KindNetwork && errors.Is(actx.Err(), context.DeadlineExceeded) {
		e.Message = fmt.Sprintf("no complete answer within %s (per-attempt timeout): %s", c.cfg.Timeout, e.Message)
	}
	e.Message = redactSecrets(string(c.redactKeys([]byte(e.Message))))
	info.Kind = e.Kind
	c.cfg.Logger.Debug("coupang api attempt failed", append(logArgs, "error", e.Error())...)
	return nil, e
}

// send signs and sends one GET and returns the body of a 2xx answer.
func (c *Client) send(ctx context.Context, path, query string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.BaseURL+path, nil)
	if err != nil {
		return 0, nil, &Error{Kind: KindBadRequest, Message: "cannot build the request URL", Err: err}
	}
	req.URL.RawQuery = query // exactly as signed; never re-encoded
	req.Header.Set("Authorization", Authorization(c.cfg.AccessKey, c.cfg.SecretKey, c.cfg.Now(), http.MethodGet, path, query))
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Requested-By", c.cfg.VendorID)
	// Lifts the gateway's 3 s backend timeout to this attempt's own: a longer one would leave Coupang
	// working on an answer no one waits for while the retry asks again.
	req.Header.Set("X-EXTENDED-TIMEOUT", strconv.FormatInt(min(c.cfg.Timeout, maxGatewayTimeout).Milliseconds(), 10))
	req.Header.Set("User-Agent", "steampipe-plugin-coupang")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, networkError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	switch status := resp.StatusCode; {
	case err != nil:
		return status, nil, networkError(fmt.Errorf("reading the response body: %w", err))
	case len(body) > maxBodyBytes: // measured before redaction, which changes the length
		return status, nil, &Error{Kind: KindDecode, Message: fmt.Sprintf("response body larger than %d bytes", maxBodyBytes)}
	}
	// An error quotes the body shortened, which could cut a key and keep its start: keys go first.
	body = c.redactKeys(body)
	if status := resp.StatusCode; status < 200 || status > 299 {
		e := statusError(status, string(c.redactKeys([]byte(resp.Header.Get("Location")))), body) // shortened too
		e.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return status, nil, e
	}
	return resp.StatusCode, body, nil
}

// networkError classifies a transport failure; its message leaves out the *url.Error's URL.
func networkError(err error) *Error {
	msg := err.Error()
	if ue, ok := errors.AsType[*url.Error](err); ok && ue.Err != nil {
		msg = ue.Err.Error()
	}
	return &Error{Kind: KindNetwork, Message: msg, Hint: hintFor(KindNetwork, "", false), Err: err}
}

type requestHookKey struct{}

// WithRequestHook returns a context whose calls report every HTTP attempt to hook: a caller counts
// the requests of its queries on a client it did not build, such as the export's progress line.
func WithRequestHook(ctx context.Context, hook func(RequestInfo)) context.Context {
	return context.WithValue(ctx, requestHookKey{}, hook)
}

// backoff is the delay before attempt n+1: the server's Retry-After when given (capped), else
// exponential backoff with full jitter between MinBackoff and min(MaxBackoff, MinBackoff*2^n).
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.MaxRetryAfter)
	}
	lo, ceiling := c.cfg.MinBackoff, c.cfg.MaxBackoff
	if lo <= ceiling>>n { // MinBackoff*2^n <= MaxBackoff, tested without overflowing
		ceiling = lo << n
	}
	return lo + rand.N(ceiling-lo+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. 0 means absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Sleep waits for d or until ctx is done, then returns ctx.Err(); d <= 0 returns nil at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d): // no Stop needed: an unreferenced timer is collected (Go 1.23+)
		return nil
	}
}
