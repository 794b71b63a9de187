package sandbox

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Error messages, as Coupang words them where it documents them.
const (
	// MsgInvalidSignature is the 401 message for a missing, garbled or wrong signature.
	MsgInvalidSignature = "Invalid signature."
	// MsgInvalidAccessKey is the 401 message for an access key the sandbox does not know.
	MsgInvalidAccessKey = "Invalid access key."
	// MsgExpired is the 401 message for a signed-date more than 5 minutes from the server's clock.
	MsgExpired = "Specified signature is expired."
	// MsgInvalidVendor is the 400 message when path, query, X-Requested-By and key disagree.
	MsgInvalidVendor = "Invalid vendor ID"
	// MsgInterval is the 400 message for any missing, malformed or too long date window.
	MsgInterval = "time interval needs to be less than or equal to 7 days, pattern should be yyyy-MM-dd"
	// MsgFutureEnd starts the 400 message for an inquiryEndAt after today in Korea: what Coupang does
	// with one is undocumented, and the contract's windows are never past today.
	MsgFutureEnd = "Invalid inquiryEndAt"
	// MsgTooManyRequests is the 429 message of the rate limiter.
	MsgTooManyRequests = "Too many requests"
	// MsgContentType is the 400 message for a request without exactly one Content-Type header of
	// JSONContentType: Coupang tells every call to send it, and what it does without is undocumented.
	MsgContentType = "Content-Type must be " + JSONContentType
)

// JSONContentType is Coupang's JSON media type: every request must send it as its Content-Type, and
// every answer but an injected fault's has it.
const JSONContentType = "application/json;charset=UTF-8"

// RequestRecord is one entry of the request log.
type RequestRecord struct {
	N        int64     // 1-based request number
	Time     time.Time // when the request arrived, by Options.Now
	Method   string
	Path     string
	RawQuery string
	Status   int    // HTTP status sent; 0 when none was (a reset, or the client gave up first)
	Fault    string // the injected fault's kind, "blocked" for Options.BlockAfter's 403, "" when served normally
}

// Server is the fake API: an http.Handler. It is safe for concurrent use.
type Server struct {
	opts Options
	data *dataset

	requests atomic.Int64

	mu      sync.Mutex
	log     []RequestRecord
	fault   func(n int64, r *http.Request) *Fault
	admits  []time.Time // admitted request times within the rate-limit window
	verbose func(RequestRecord)
	errs    []time.Time // when the last Options.BlockAfter+1 errors the caller caused came, oldest first
	blocked time.Time   // until when the caller is blocked
}

// BlockedFor is how long Options.BlockAfter blocks a caller: Coupang's blocks last minutes or more.
const BlockedFor = 10 * time.Minute

// noteError counts an error the caller caused at time at, and blocks it after more than
// Options.BlockAfter within a minute. s.mu is held.
func (s *Server) noteError(at time.Time) {
	if s.opts.BlockAfter <= 0 {
		return
	}
	s.errs = append(s.errs, at)
	slices.SortFunc(s.errs, time.Time.Compare) // logged as answered, which a slow answer may reorder
	s.errs = s.errs[max(0, len(s.errs)-s.opts.BlockAfter-1):]
	if n := len(s.errs); n > s.opts.BlockAfter && s.errs[n-1].Sub(s.errs[0]) <= time.Minute {
		s.blocked, s.errs = at.Add(BlockedFor), nil
	}
}

// New builds the data set and returns the server. Zero Options fields take the defaults.
func New(opts Options) *Server {
	o := opts.withDefaults()
	return &Server{opts: o, data: buildDataset(o)}
}

// VendorID returns the accepted seller ID.
func (s *Server) VendorID() string { return s.opts.VendorID }

// AccessKey returns the accepted access key.
func (s *Server) AccessKey() string { return s.opts.AccessKey }

// SecretKey returns the secret key requests must be signed with.
func (s *Server) SecretKey() string { return s.opts.SecretKey }

// ConnectionHCL returns the HCL connection config that reaches this sandbox at baseURL.
func (s *Server) ConnectionHCL(baseURL string) string {
	return fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n",
		s.opts.VendorID, s.opts.AccessKey, s.opts.SecretKey, baseURL)
}

// HotVendorItemID returns the option ID that received Options.HotInquiries (0 when none).
func (s *Server) HotVendorItemID() int64 { return s.opts.HotVendorItemID }

// Span returns the KST midnights of the first and the last (today's) day of the data.
func (s *Server) Span() (first, last time.Time) { return s.data.firstDay, s.data.lastDay }

// BuiltAt returns Options.Now() at the moment New ran: no inquiry or reply is later.
func (s *Server) BuiltAt() time.Time { return s.data.now }

// Count returns the number of inquiries, cheaply.
func (s *Server) Count() int { return len(s.data.recs) }

// Inquiries returns every inquiry, fully rendered, oldest first (ascending inquiryAt, then
// inquiryId). It renders the whole data set: slow for very large sets.
func (s *Server) Inquiries() []Inquiry { return mapped(s.data.recs, s.data.render) }

// InquiryTimes returns every inquiry's inquiryAt in api.KST, in the order of Inquiries, without
// rendering them: cheap even for millions.
func (s *Server) InquiryTimes() []time.Time { return times(s.data.recs) }

// Inquiry returns one inquiry by id.
func (s *Server) Inquiry(id int64) (Inquiry, bool) {
	// Inquiry IDs ascend with positions.
	i, ok := slices.BinarySearchFunc(s.data.recs, id, func(r record, id int64) int { return cmp.Compare(r.id, id) })
	if !ok {
		return Inquiry{}, false
	}
	return s.data.render(s.data.recs[i]), true
}

// VendorItemIDs returns the option IDs that have at least one inquiry, ascending.
func (s *Server) VendorItemIDs() []int64 { return slices.Sorted(maps.Keys(s.data.byOption)) }

// VendorItemCount returns how many inquiries carry the option ID, cheaply.
func (s *Server) VendorItemCount(vendorItemID int64) int { return len(s.data.byOption[vendorItemID]) }

// Requests returns the number of requests received, injected faults included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Log returns a copy of the request log, in order of completion.
func (s *Server) Log() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// ResetLog empties the request log (the request counter keeps counting).
func (s *Server) ResetLog() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// SetFault installs a fault injector: it is called for every request with the 1-based request number
// and the request, and returns the fault to inject or nil to serve normally. nil removes it. A
// request uses the injector installed when it arrived, before its Latency.
func (s *Server) SetFault(f func(n int64, r *http.Request) *Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// SetVerbose installs a function called with every completed request's log record (nil removes it).
func (s *Server) SetVerbose(f func(RequestRecord)) {
	s.mu.Lock()
	s.verbose = f
	s.mu.Unlock()
}

// Start serves s on a new listener at 127.0.0.1 with a free port. It returns the base URL (like
// http://127.0.0.1:PORT) and a function that stops the server.
func (s *Server) Start() (baseURL string, stop func(), err error) {
	return s.StartOn("127.0.0.1:0")
}

// StartOn is Start on a given loopback address (host:port); non-loopback hosts are refused.
func (s *Server) StartOn(addr string) (baseURL string, stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, err
	}
	if !api.IsLoopbackHost(host) {
		return "", nil, errors.New("sandbox: refusing to listen on non-loopback address " + addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, w: w, r: r}
	c.rec = RequestRecord{N: s.requests.Add(1), Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	defer c.log(0) // no answer: reset, or the client gave up
	// Counted on arrival, as a gateway counts: before the latency and any fault.
	s.mu.Lock()
	var admitted bool
	s.admits, admitted = admitAt(s.admits, time.Now(), s.opts.RateLimit)
	blocked, fault := c.rec.Time.Before(s.blocked), s.fault
	s.mu.Unlock()

	if api.Sleep(r.Context(), s.opts.Latency) != nil {
		return
	}
	if blocked {
		c.rec.Fault = "blocked"
		c.inject(FaultHTML403())
		return
	}
	var f *Fault
	if fault != nil {
		f = fault(c.rec.N, r)
	}
	if f != nil {
		c.rec.Fault = cmp.Or(string(f.Kind), "unknown")
		if f.Kind != KindSlow {
			c.inject(f)
			return
		}
		if api.Sleep(r.Context(), f.Delay) != nil {
			return
		}
	}
	if !admitted {
		c.send(http.StatusTooManyRequests, "", errorBody(http.StatusTooManyRequests, MsgTooManyRequests))
		return
	}
	c.serve()
}

// route finds a path's handler and its parameter (vendor or inquiry ID), or nil. By hand, not with
// http.ServeMux: the list and single-inquiry paths overlap, which ServeMux refuses, and unclean paths
// must get Coupang's JSON 404, not a redirect.
func route(path string) (func(*call, string) envelope, string) {
	rest, ok := strings.CutPrefix(path, "/v2/providers/openapi/apis/api/")
	p := strings.Split(rest, "/")
	if !ok || len(p) != 4 || p[1] != "vendors" || p[2] == "" || p[3] == "" {
		return nil, ""
	}
	switch {
	case p[2] == "callCenterInquiries" && p[0] == "v5":
		return (*call).one, p[3]
	case p[2] == "callCenterInquiries": // the single-inquiry path exists only in v5
	case p[3] == "callCenterInquiries" && (p[0] == "v5" || p[0] == "v4"):
		return (*call).list, p[2]
	case p[3] == "onlineInquiries" && p[0] == "v5":
		return (*call).productList, p[2]
	}
	return nil, ""
}

// call is one request being answered: its log record, its query (read strictly) and the first
// problem found (status 0 while none), which later checks do not replace.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	rec    RequestRecord
	logged bool
	half   bool // KindTruncated: send only the first half of the body
	q      map[string]string
	status int
	msg    string
}

// log records the request once, when its status is known: before the client can read the answer.
func (c *call) log(status int) {
	if c.logged {
		return
	}
	c.logged, c.rec.Status = true, status
	c.s.mu.Lock()
	c.s.log = append(c.s.log, c.rec)
	if (c.rec.Fault == "" || c.rec.Fault == string(KindSlow)) && status >= 400 && status < 500 {
		c.s.noteError(c.rec.Time)
	}
	verbose := c.s.verbose
	c.s.mu.Unlock()
	if verbose != nil {
		verbose(c.rec)
	}
}

// send logs the request and answers status with body, as contentType ("" means Coupang's JSON type).
func (c *call) send(status int, contentType string, body []byte) {
	c.log(status)
	c.w.Header().Set("Content-Type", cmp.Or(contentType, JSONContentType))
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	if c.half {
		body = body[:len(body)/2]
	}
	_, _ = c.w.Write(body)
}

// fail records a problem unless one was found before; status 0 records nothing.
func (c *call) fail(status int, msg string) {
	if c.status == 0 {
		c.status, c.msg = status, msg
	}
}

// serve routes, authenticates and answers one admitted request.
func (c *call) serve() {
	handle, param := route(c.r.URL.Path)
	switch {
	case handle == nil:
		c.fail(http.StatusNotFound, "Not found: "+c.r.URL.Path)
	case c.r.Method != http.MethodGet:
		c.w.Header().Set("Allow", http.MethodGet)
		c.fail(http.StatusMethodNotAllowed, "Method "+c.r.Method+" not allowed: only GET is served")
	default:
		c.fail(c.s.authenticate(c.r))
		// Coupang's documentation tells every call, a GET too, to send it.
		if h := c.r.Header.Values("Content-Type"); len(h) != 1 || h[0] != JSONContentType {
			c.fail(http.StatusBadRequest, MsgContentType)
		}
	}
	var answer envelope
	if c.status == 0 {
		answer = handle(c, param)
	}
	if c.status != 0 {
		c.send(c.status, "", errorBody(c.status, c.msg))
		return
	}
	c.send(http.StatusOK, "", encode(answer))
}

// authenticate checks the CEA Authorization header; it returns 0 when the request is authentic.
func (s *Server) authenticate(r *http.Request) (int, string) {
	const prefix = "CEA algorithm=HmacSHA256, "
	h := r.Header.Values("Authorization")
	if len(h) != 1 || !strings.HasPrefix(h[0], prefix) {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	v := strings.Split(h[0][len(prefix):], ", ") // access key, signed-date, signature
	for i, name := range []string{"access-key=", "signed-date=", "signature="} {
		if len(v) != 3 || !strings.HasPrefix(v[i], name) || v[i] == name {
			return http.StatusUnauthorized, MsgInvalidSignature
		}
		v[i] = v[i][len(name):]
	}
	if !hmac.Equal([]byte(v[0]), []byte(s.opts.AccessKey)) {
		return http.StatusUnauthorized, MsgInvalidAccessKey
	}
	t, err := time.Parse(api.SignedDateLayout, v[1])
	if d := s.opts.Now().Sub(t); err != nil || t.Format(api.SignedDateLayout) != v[1] || d.Abs() > 5*time.Minute {
		return http.StatusUnauthorized, MsgExpired
	}
	// The path as sent, like the query: r.URL.Path is decoded, and a signature of it would pass a
	// request whose wire path ("%41" for "A") is not what was signed.
	if !hmac.Equal([]byte(v[2]), []byte(api.Signature(s.opts.SecretKey, v[1], r.Method, r.URL.EscapedPath(), r.URL.RawQuery))) {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	return 0, ""
}

// parse splits the raw query strictly: every parameter once, each a known name.
func (c *call) parse(known ...string) {
	c.q = map[string]string{}
	if c.r.URL.RawQuery == "" {
		return
	}
	for _, kv := range strings.Split(c.r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		_, dup := c.q[key]
		switch {
		case err1 != nil || err2 != nil || key == "":
			c.fail(http.StatusBadRequest, "Malformed query string")
		case !slices.Contains(known, key):
			c.fail(http.StatusBadRequest, "Unknown query parameter '"+key+"'")
		case dup:
			c.fail(http.StatusBadRequest, "Duplicated query parameter '"+key+"'")
		}
		c.q[key] = val
	}
}

// number reads the optional parameter name: def when absent, else a positive integer up to most, of
// at most 18 digits, written plainly (no sign, no leading zero).
func (c *call) number(name string, def, most int64, rule string) int64 {
	v, has := c.q[name]
	if !has {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > most || len(v) > 18 || strconv.FormatInt(n, 10) != v {
		c.fail(http.StatusBadRequest, "Invalid "+name+" '"+v+"': must be "+rule)
	}
	return n
}

// id reads the optional ID parameter name, 0 when absent.
func (c *call) id(name string) int64 { return c.number(name, 0, math.MaxInt64, "a positive number") }

// fromVendor checks that X-Requested-By, sent once, and ids (a list's path and query seller IDs)
// all name the accepted seller.
func (c *call) fromVendor(ids ...string) {
	h := c.r.Header.Values("X-Requested-By")
	if len(h) != 1 || slices.ContainsFunc(append(ids, h[0]), func(id string) bool { return id != c.s.opts.VendorID }) {
		c.fail(http.StatusBadRequest, MsgInvalidVendor)
	}
}

// parseList reads a list request's query (the parameters common to both lists plus known) and
// checks its seller IDs.
func (c *call) parseList(pathVendor string, known ...string) {
	c.parse(append(known, "vendorId", "inquiryStartAt", "inquiryEndAt", "pageNum", "pageSize")...)
	c.fromVendor(pathVendor, c.q["vendorId"])
}

// window reads inquiryStartAt and inquiryEndAt: both yyyy-MM-dd, start before end, at most 7
// inclusive Korean days apart, and the end not after today's Korean date by Options.Now. It returns
// the elements of xs (ascending with time, at giving each one's) on its days.
func window[T any](c *call, xs []T, at func(T) int64) []T {
	// time.DateOnly parses only yyyy-MM-dd itself: 4, 2 and 2 digits, a real date, nothing more.
	endS := c.q["inquiryEndAt"]
	start, err1 := time.ParseInLocation(api.DateLayout, c.q["inquiryStartAt"], api.KST)
	end, err2 := time.ParseInLocation(api.DateLayout, endS, api.KST)
	if err1 != nil || err2 != nil || !start.Before(end) || end.After(start.AddDate(0, 0, api.MaxWindowDays-1)) {
		c.fail(http.StatusBadRequest, MsgInterval)
	}
	if today := api.KoreanDate(c.s.opts.Now()); end.After(today) {
		c.fail(http.StatusBadRequest, MsgFutureEnd+" '"+endS+"': must not be after today ("+today.Format(api.DateLayout)+", Korean time)")
	}
	from, to := start.Unix(), end.AddDate(0, 0, 1).Unix()
	xs = xs[:sort.Search(len(xs), func(k int) bool { return at(xs[k]) >= to })]
	return xs[sort.Search(len(xs), func(k int) bool { return at(xs[k]) >= from }):]
}

// recordAt is a record's time, for window.
func recordAt(r record) int64 { return r.at }

// page reads pageSize (default 10, as Coupang's, at most maxSize), then pageNum (default 1) and,
// unless a problem was found, answers with the records of recs (ascending with time) that match,
// newest first: it counts them all but renders only the asked-for page's. code is the envelope's code.
func (c *call) page(maxSize int, code any, recs []record, match func(record) bool, render func(record) any) envelope {
	type pagination struct {
		CurrentPage   int `json:"currentPage"`
		TotalPages    int `json:"totalPages"`
		TotalElements int `json:"totalElements"`
		CountPerPage  int `json:"countPerPage"`
	}
	size := c.number("pageSize", 10, int64(maxSize), "between 1 and "+strconv.Itoa(maxSize))
	num := c.number("pageNum", 1, 1<<30, "a number greater than or equal to 1")
	if c.status != 0 {
		return envelope{}
	}
	content, total, skip := []any{}, int64(0), (num-1)*size
	for _, r := range slices.Backward(recs) {
		if !match(r) {
			continue
		}
		if total >= skip && total < skip+size {
			content = append(content, render(r))
		}
		total++
	}
	return envelope{Code: code, Message: "OK", Data: struct {
		Content    any        `json:"content"`
		Pagination pagination `json:"pagination"`
	}{content, pagination{int(num), int((total + size - 1) / size), int(total), int(size)}}}
}

// list answers the call-center list endpoint.
func (c *call) list(pathVendor string) envelope {
	c.parseList(pathVendor, "partnerCounselingStatus", "vendorItemId", "orderId")
	status := c.q["partnerCounselingStatus"]
	switch {
	case status == "":
		c.fail(http.StatusBadRequest, "Required parameter 'partnerCounselingStatus' is not present (one of NONE, ANSWER, NO_ANSWER, TRANSFER)")
	case !slices.Contains(api.PartnerCounselingStatuses, status):
		c.fail(http.StatusBadRequest, "Invalid partnerCounselingStatus '"+status+"': must be one of NONE, ANSWER, NO_ANSWER, TRANSFER")
	}
	vendorItemID := c.id("vendorItemId")
	// The candidates, ascending with time: all of d.recs on the window's days, or the option's,
	// windowed on its positions so that only the window's records are copied.
	d, recs := c.s.data, c.s.data.recs
	_, hasStart := c.q["inquiryStartAt"]
	_, hasEnd := c.q["inquiryEndAt"]
	if vendorItemID == 0 {
		recs = window(c, recs, recordAt)
	} else {
		positions := d.byOption[vendorItemID]
		if hasStart || hasEnd {
			positions = window(c, positions, func(i int32) int64 { return d.recs[i].at })
		}
		recs = mapped(positions, func(i int32) record { return d.recs[i] })
	}
	orderID := c.id("orderId")
	return c.page(api.MaxPageSize, 200, recs, func(r record) bool { return d.matches(r, status, orderID) },
		func(r record) any { return toWire(d.render(r)) })
}

// one answers the single-inquiry endpoint.
func (c *call) one(idS string) envelope {
	c.parse()
	c.fromVendor()
	c.q["inquiryId"] = idS // the path's ID, read as the query's IDs are
	inq, ok := c.s.Inquiry(c.id("inquiryId"))
	if !ok {
		c.fail(http.StatusNotFound, "Inquiry "+idS+" not found for vendor "+c.s.opts.VendorID)
	}
	return envelope{Code: 200, Message: "OK", Data: toWire(inq)}
}

// envelope is Coupang's answer: code (a number, or a string in the product Q&A list), message and,
// when there is one, the data.
type envelope struct {
	Code    any    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// wireTime formats t as Coupang does: Korean local time without an offset; nil stays null.
func wireTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return new(t.In(api.KST).Format(time.DateTime))
}

// encode is v as Coupang encodes it (no HTML escaping of <, >, &).
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only our own wire types are encoded
	}
	return b.Bytes()
}

// errorBody is Coupang's error answer {"code":status,"message":msg}.
func errorBody(status int, msg string) []byte { return encode(envelope{Code: status, Message: msg}) }
