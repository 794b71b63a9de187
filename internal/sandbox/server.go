package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
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
	// MsgTooManyRequests is the 429 message of the rate limiter.
	MsgTooManyRequests = "Too many requests"
)

// MaxClockSkew is how far the signed-date may be from the server's clock.
const MaxClockSkew = 5 * time.Minute

// DefaultPageSize is the pageSize Coupang uses when the parameter is absent.
const DefaultPageSize = 10

// RequestRecord is one entry of the request log.
type RequestRecord struct {
	N        int64     // 1-based request number
	Time     time.Time // when the request arrived, by Options.Now
	Method   string
	Path     string
	RawQuery string
	Status   int    // HTTP status sent; 0 when the connection was reset
	Fault    string // the injected fault's kind, "" when served normally
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

// ConnectionHCL returns the connection config (HCL attribute lines) that reaches this sandbox at
// baseURL with the credentials it accepts.
func (s *Server) ConnectionHCL(baseURL string) string {
	return fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n",
		s.opts.VendorID, s.opts.AccessKey, s.opts.SecretKey, baseURL)
}

// HotVendorItemID returns the option ID that received Options.HotInquiries (0 when none).
func (s *Server) HotVendorItemID() int64 {
	if s.opts.HotInquiries <= 0 {
		return 0
	}
	return s.opts.HotVendorItemID
}

// Span returns the KST midnights of the first and the last (today's) day of the data.
func (s *Server) Span() (first, last time.Time) { return s.data.firstDay, s.data.lastDay }

// BuiltAt returns Options.Now() at the moment New ran: no inquiry or reply is later.
func (s *Server) BuiltAt() time.Time { return s.data.now }

// Count returns the number of inquiries, cheaply.
func (s *Server) Count() int { return len(s.data.recs) }

// Inquiries returns every inquiry, fully rendered, oldest first (ascending inquiryAt, then
// inquiryId). It renders the whole data set: slow for very large sets.
func (s *Server) Inquiries() []Inquiry {
	out := make([]Inquiry, len(s.data.recs))
	for i := range s.data.recs {
		out[i] = s.data.render(i)
	}
	return out
}

// InquiryTimes returns every inquiry's inquiryAt in api.KST, in the order of Inquiries, without
// rendering the inquiries: cheap even for millions (benchmarks count rows per window with it).
func (s *Server) InquiryTimes() []time.Time {
	out := make([]time.Time, len(s.data.recs))
	for i, r := range s.data.recs {
		out[i] = time.Unix(r.at, 0).In(api.KST)
	}
	return out
}

// Inquiry returns one inquiry by id.
func (s *Server) Inquiry(id int64) (Inquiry, bool) {
	i := s.data.position(id)
	if i < 0 {
		return Inquiry{}, false
	}
	return s.data.render(i), true
}

// VendorItemIDs returns the option IDs that have at least one inquiry, ascending.
func (s *Server) VendorItemIDs() []int64 {
	ids := make([]int64, 0, len(s.data.byOption))
	for id := range s.data.byOption {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// VendorItemCount returns how many inquiries carry the option ID, cheaply.
func (s *Server) VendorItemCount(vendorItemID int64) int { return len(s.data.byOption[vendorItemID]) }

// Requests returns the number of requests received, injected faults included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Log returns a copy of the request log, in arrival order of completion.
func (s *Server) Log() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestRecord(nil), s.log...)
}

// ResetLog empties the request log (the request counter keeps counting).
func (s *Server) ResetLog() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// SetFault installs a fault injector: it is called for every request with the 1-based request number
// and the request, and returns the fault to inject or nil to serve normally. nil removes it.
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

// statusWriter remembers the status sent and logs the request as soon as the status is known, so
// the log is complete before the client can read the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	onDone func(status int)
}

func (w *statusWriter) done(status int) {
	if w.onDone != nil {
		f := w.onDone
		w.onDone = nil
		f(status)
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.done(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	rec := RequestRecord{N: n, Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	sw := &statusWriter{ResponseWriter: w}
	sw.onDone = func(status int) {
		rec.Status = status
		s.mu.Lock()
		s.log = append(s.log, rec)
		v := s.verbose
		s.mu.Unlock()
		if v != nil {
			v(rec)
		}
	}
	defer sw.done(0) // no answer: reset, or the client gave up
	// Counted on arrival, as a gateway counts, not after the latency.
	admitted := s.admit()

	if !sleep(r.Context(), s.opts.Latency) {
		return
	}
	s.mu.Lock()
	ff := s.fault
	s.mu.Unlock()
	if ff != nil {
		if f := ff(n, r); f != nil {
			rec.Fault = f.Kind.String()
			if f.Kind == KindSlow {
				if !sleep(r.Context(), f.Delay) {
					return
				}
			} else {
				s.inject(sw, r, f)
				return
			}
		}
	}
	if !admitted {
		writeError(sw, http.StatusTooManyRequests, MsgTooManyRequests)
		return
	}
	s.serve(sw, r)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// admit applies the sliding-window rate limit, by the real wall clock.
func (s *Server) admit() bool {
	rl := s.opts.RateLimit
	if rl <= 0 {
		return true
	}
	window, limit := time.Second, int(rl)
	if rl < 1 {
		window, limit = time.Duration(float64(time.Second)/rl), 1
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var ok bool
	s.admits, ok = admitAt(s.admits, now, window, limit)
	return ok
}

const apiPrefix = "/v2/providers/openapi/apis/api/"

// serve routes, authenticates and answers one admitted request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if !strings.HasPrefix(path, apiPrefix) {
		writeError(w, http.StatusNotFound, "Not found: "+path)
		return
	}
	parts := strings.Split(strings.TrimPrefix(path, apiPrefix), "/")
	// v5|v4 / vendors / {vendorId} / callCenterInquiries  or  v5 / vendors / callCenterInquiries / {id}
	if len(parts) != 4 || parts[1] != "vendors" {
		writeError(w, http.StatusNotFound, "Not found: "+path)
		return
	}
	isList := (parts[0] == "v5" || parts[0] == "v4") && parts[3] == "callCenterInquiries" && parts[2] != "" && parts[2] != "callCenterInquiries"
	isOne := parts[0] == "v5" && parts[2] == "callCenterInquiries" && parts[3] != ""
	isProduct := parts[0] == "v5" && parts[3] == "onlineInquiries" && parts[2] != "" && parts[2] != "callCenterInquiries"
	if !isList && !isOne && !isProduct {
		writeError(w, http.StatusNotFound, "Not found: "+path)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" not allowed: only GET is served")
		return
	}
	if code, msg := s.authenticate(r); code != 0 {
		writeError(w, code, msg)
		return
	}
	switch {
	case isProduct:
		s.productList(w, r, parts[2])
	case isList:
		s.list(w, r, parts[2])
	default:
		s.one(w, r, parts[3])
	}
}

// authenticate checks the CEA Authorization header; it returns 0 when the request is authentic.
func (s *Server) authenticate(r *http.Request) (int, string) {
	vals := r.Header.Values("Authorization")
	if len(vals) != 1 {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	const prefix = "CEA algorithm=HmacSHA256, "
	h := vals[0]
	if !strings.HasPrefix(h, prefix) {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	fields := strings.Split(strings.TrimPrefix(h, prefix), ", ")
	want := []string{"access-key=", "signed-date=", "signature="}
	if len(fields) != len(want) {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	vals = make([]string, len(want))
	for i, f := range fields {
		if !strings.HasPrefix(f, want[i]) || len(f) == len(want[i]) {
			return http.StatusUnauthorized, MsgInvalidSignature
		}
		vals[i] = strings.TrimPrefix(f, want[i])
	}
	accessKey, signedDate, signature := vals[0], vals[1], vals[2]
	if !hmac.Equal([]byte(accessKey), []byte(s.opts.AccessKey)) {
		return http.StatusUnauthorized, MsgInvalidAccessKey
	}
	t, err := time.Parse(api.SignedDateLayout, signedDate)
	if err != nil || t.Format(api.SignedDateLayout) != signedDate {
		return http.StatusUnauthorized, MsgExpired
	}
	if d := s.opts.Now().Sub(t); d > MaxClockSkew || d < -MaxClockSkew {
		return http.StatusUnauthorized, MsgExpired
	}
	expect := api.Signature(s.opts.SecretKey, signedDate, r.Method, r.URL.Path, r.URL.RawQuery)
	if !hmac.Equal([]byte(signature), []byte(expect)) {
		return http.StatusUnauthorized, MsgInvalidSignature
	}
	return 0, ""
}

// parseQuery splits the raw query strictly: every parameter once, each a known name.
func parseQuery(raw string, known ...string) (map[string]string, string) {
	q := map[string]string{}
	if raw == "" {
		return q, ""
	}
	for _, kv := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || key == "" {
			return nil, "Malformed query string"
		}
		found := false
		for _, n := range known {
			found = found || n == key
		}
		if !found {
			return nil, "Unknown query parameter '" + key + "'"
		}
		if _, dup := q[key]; dup {
			return nil, "Duplicated query parameter '" + key + "'"
		}
		q[key] = val
	}
	return q, ""
}

// positiveInt parses a strictly positive decimal integer (digits only, no sign, no leading zero).
func positiveInt(s string) (int64, bool) {
	if s == "" || s[0] == '0' || len(s) > 18 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func (s *Server) checkHeaderVendor(r *http.Request) bool {
	h := r.Header.Values("X-Requested-By")
	return len(h) == 1 && h[0] == s.opts.VendorID
}

// checkVendor reports whether the path's, the query's and X-Requested-By's seller IDs are all the
// accepted one.
func (s *Server) checkVendor(r *http.Request, q map[string]string, pathVendor string) bool {
	qv, ok := q["vendorId"]
	return ok && pathVendor == s.opts.VendorID && qv == s.opts.VendorID && s.checkHeaderVendor(r)
}

// parseWindow reads inquiryStartAt and inquiryEndAt: both present, yyyy-MM-dd, start before end and
// at most 7 inclusive Korean days. It returns the window as Unix seconds [from, to).
func parseWindow(q map[string]string) (from, to int64, ok bool) {
	startS, hasStart := q["inquiryStartAt"]
	endS, hasEnd := q["inquiryEndAt"]
	if !hasStart || !hasEnd {
		return 0, 0, false
	}
	start, err1 := time.ParseInLocation(api.DateLayout, startS, api.KST)
	end, err2 := time.ParseInLocation(api.DateLayout, endS, api.KST)
	if err1 != nil || err2 != nil || start.Format(api.DateLayout) != startS || end.Format(api.DateLayout) != endS ||
		!start.Before(end) || end.After(start.AddDate(0, 0, api.MaxWindowDays-1)) {
		return 0, 0, false
	}
	return start.Unix(), end.AddDate(0, 0, 1).Unix(), true
}

// parsePaging reads pageNum (default 1) and pageSize (default DefaultPageSize, at most maxSize);
// msg is the error to answer with, "" when both are valid.
func parsePaging(q map[string]string, maxSize int) (pageNum, pageSize int, msg string) {
	pageNum, pageSize = 1, DefaultPageSize
	if v, ok := q["pageSize"]; ok {
		n, ok := positiveInt(v)
		if !ok || n > int64(maxSize) {
			return 0, 0, "Invalid pageSize '" + v + "': must be between 1 and " + strconv.Itoa(maxSize)
		}
		pageSize = int(n)
	}
	if v, ok := q["pageNum"]; ok {
		n, ok := positiveInt(v)
		if !ok || n > 1<<30 {
			return 0, 0, "Invalid pageNum '" + v + "': must be a number greater than or equal to 1"
		}
		pageNum = int(n)
	}
	return pageNum, pageSize, ""
}

// list answers the list endpoint.
func (s *Server) list(w http.ResponseWriter, r *http.Request, pathVendor string) {
	q, msg := parseQuery(r.URL.RawQuery, "vendorId", "partnerCounselingStatus", "inquiryStartAt", "inquiryEndAt",
		"vendorItemId", "orderId", "pageNum", "pageSize")
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	if !s.checkVendor(r, q, pathVendor) {
		writeError(w, http.StatusBadRequest, MsgInvalidVendor)
		return
	}
	status, ok := q["partnerCounselingStatus"]
	if !ok || status == "" {
		writeError(w, http.StatusBadRequest, "Required parameter 'partnerCounselingStatus' is not present (one of NONE, ANSWER, NO_ANSWER, TRANSFER)")
		return
	}
	switch status {
	case api.StatusNone, api.StatusAnswer, api.StatusNoAnswer, api.StatusTransfer:
	default:
		writeError(w, http.StatusBadRequest, "Invalid partnerCounselingStatus '"+status+"': must be one of NONE, ANSWER, NO_ANSWER, TRANSFER")
		return
	}
	var vendorItemID, orderID int64
	if v, ok := q["vendorItemId"]; ok {
		if vendorItemID, ok = positiveInt(v); !ok {
			writeError(w, http.StatusBadRequest, "Invalid vendorItemId '"+v+"': must be a positive number")
			return
		}
	}
	_, hasStart := q["inquiryStartAt"]
	_, hasEnd := q["inquiryEndAt"]
	var from, to int64 // Unix seconds, [from, to)
	hasDates := hasStart || hasEnd
	if hasDates || vendorItemID == 0 {
		if from, to, ok = parseWindow(q); !ok {
			writeError(w, http.StatusBadRequest, MsgInterval)
			return
		}
	}
	if v, ok := q["orderId"]; ok {
		if orderID, ok = positiveInt(v); !ok {
			writeError(w, http.StatusBadRequest, "Invalid orderId '"+v+"': must be a positive number")
			return
		}
	}
	pageNum, pageSize, msg := parsePaging(q, api.MaxPageSize)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}

	// Candidates newest first (positions descending), filtered; only the asked-for page is rendered.
	d := s.data
	content := []wireInquiry{}
	total, skip := 0, int64(pageNum-1)*int64(pageSize) // int64: no overflow where int is 32 bits
	visit := func(i int32) {
		if !d.matches(d.recs[i], status, orderID) {
			return
		}
		if n := int64(total); n >= skip && n < skip+int64(pageSize) {
			content = append(content, toWire(d.render(int(i))))
		}
		total++
	}
	if vendorItemID != 0 {
		positions := d.byOption[vendorItemID]
		for k := len(positions) - 1; k >= 0; k-- {
			if i := positions[k]; !hasDates || (d.recs[i].at >= from && d.recs[i].at < to) {
				visit(i)
			}
		}
	} else {
		lo := sort.Search(len(d.recs), func(i int) bool { return d.recs[i].at >= from })
		hi := sort.Search(len(d.recs), func(i int) bool { return d.recs[i].at >= to })
		for i := hi - 1; i >= lo; i-- {
			visit(int32(i))
		}
	}
	page := listPage{
		Content: content,
		Pagination: wirePagination{
			CurrentPage:   pageNum,
			TotalPages:    (total + pageSize - 1) / pageSize,
			TotalElements: total,
			CountPerPage:  pageSize,
		},
	}
	writeJSON(w, http.StatusOK, envelope{Code: 200, Message: "OK", Data: page})
}

// one answers the single-inquiry endpoint.
func (s *Server) one(w http.ResponseWriter, r *http.Request, idS string) {
	if _, msg := parseQuery(r.URL.RawQuery); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	if !s.checkHeaderVendor(r) {
		writeError(w, http.StatusBadRequest, MsgInvalidVendor)
		return
	}
	id, ok := positiveInt(idS)
	if !ok {
		writeError(w, http.StatusBadRequest, "Invalid inquiryId '"+idS+"': must be a positive number")
		return
	}
	inq, ok := s.Inquiry(id)
	if !ok {
		writeError(w, http.StatusNotFound, "Inquiry "+idS+" not found for vendor "+s.opts.VendorID)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Code: 200, Message: "OK", Data: toWire(inq)})
}

// Wire types: the sandbox encodes its own JSON, like Coupang's.
type envelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type listPage struct {
	Content    []wireInquiry  `json:"content"`
	Pagination wirePagination `json:"pagination"`
}

type wirePagination struct {
	CurrentPage   int `json:"currentPage"`
	TotalPages    int `json:"totalPages"`
	TotalElements int `json:"totalElements"`
	CountPerPage  int `json:"countPerPage"`
}

type wireInquiry struct {
	InquiryID                 int64       `json:"inquiryId"`
	CSPartnerCounselingStatus string      `json:"csPartnerCounselingStatus"`
	InquiryStatus             string      `json:"inquiryStatus"`
	VendorItemID              []int64     `json:"vendorItemId"`
	ItemName                  string      `json:"itemName"`
	Content                   string      `json:"content"`
	AnsweredAt                *string     `json:"answeredAt"`
	Replies                   []wireReply `json:"replies"`
	InquiryAt                 string      `json:"inquiryAt"`
	BuyerEmail                string      `json:"buyerEmail"`
	BuyerPhone                string      `json:"buyerPhone"`
	OrderID                   int64       `json:"orderId,omitempty"`
	OrderDate                 *string     `json:"orderDate"`
	ReceiptCategory           string      `json:"receiptCategory"`
	SaleStartedAt             string      `json:"saleStartedAt"`
	SaleEndedAt               string      `json:"saleEndedAt"`
}

type wireReply struct {
	ReceptionistName              string  `json:"receptionistName"`
	Receptionist                  string  `json:"receptionist"`
	ReplyAt                       string  `json:"replyAt"`
	Content                       string  `json:"content"`
	AnswerID                      int64   `json:"answerId"`
	ParentAnswerID                int64   `json:"parentAnswerId"`
	PartnerTransferStatus         *string `json:"partnerTransferStatus"`
	PartnerTransferCompleteReason string  `json:"partnerTransferCompleteReason"`
	AnswerType                    string  `json:"answerType"`
	NeedAnswer                    bool    `json:"needAnswer"`
}

func fmtTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.In(api.KST).Format(timeLayout)
	return &s
}

func toWire(inq Inquiry) wireInquiry {
	w := wireInquiry{
		InquiryID:                 inq.InquiryID,
		CSPartnerCounselingStatus: inq.CSPartnerCounselingStatus,
		InquiryStatus:             inq.InquiryStatus,
		VendorItemID:              inq.VendorItemIDs,
		ItemName:                  inq.ItemName,
		Content:                   inq.Content,
		AnsweredAt:                fmtTime(inq.AnsweredAt),
		Replies:                   make([]wireReply, 0, len(inq.Replies)),
		InquiryAt:                 *fmtTime(&inq.InquiryAt),
		BuyerEmail:                inq.BuyerEmail,
		BuyerPhone:                inq.BuyerPhone,
		OrderID:                   inq.OrderID,
		OrderDate:                 fmtTime(inq.OrderDate),
		ReceiptCategory:           inq.ReceiptCategory,
		SaleStartedAt:             inq.SaleStartedAt,
		SaleEndedAt:               inq.SaleEndedAt,
	}
	for _, r := range inq.Replies {
		w.Replies = append(w.Replies, wireReply{
			ReceptionistName:              r.ReceptionistName,
			Receptionist:                  r.Receptionist,
			ReplyAt:                       *fmtTime(&r.ReplyAt),
			Content:                       r.Content,
			AnswerID:                      r.AnswerID,
			ParentAnswerID:                r.ParentAnswerID,
			PartnerTransferStatus:         r.PartnerTransferStatus,
			PartnerTransferCompleteReason: r.PartnerTransferCompleteReason,
			AnswerType:                    r.AnswerType,
			NeedAnswer:                    r.NeedAnswer,
		})
	}
	return w
}

// encodeJSON encodes v like Coupang (no HTML escaping of <, >, &).
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only our own wire types are encoded
	}
	return b.Bytes()
}

// jsonContentType is the Content-Type of Coupang's JSON answers.
const jsonContentType = "application/json;charset=UTF-8"

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, "", encodeJSON(v))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, envelope{Code: status, Message: msg})
}
