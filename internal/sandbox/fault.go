package sandbox

import (
	"cmp"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names what an injected fault does; the name is RequestRecord.Fault.
type FaultKind string

// The fault kinds.
const (
	// KindStatus answers Fault.Status with the JSON body {"code":Status,"message":Message}, and a
	// Retry-After header when Fault.RetryAfter is set.
	KindStatus FaultKind = "status"
	// KindReset closes the connection without an answer (TCP reset where possible).
	KindReset FaultKind = "reset"
	// KindMalformedJSON answers HTTP 200 with a body that is not valid JSON.
	KindMalformedJSON FaultKind = "malformed-json"
	// KindTruncated answers the normal response's headers (full Content-Length) and only half of its
	// body, then closes the connection.
	KindTruncated FaultKind = "truncated"
	// KindHTML403 answers HTTP 403 with an HTML page, like the gateway when a caller is blocked.
	KindHTML403 FaultKind = "html-403"
	// KindCodeInBody answers HTTP 200 with {"code":Status,"message":Message}: an error inside a
	// successful HTTP answer.
	KindCodeInBody FaultKind = "code-in-body"
	// KindSlow waits Fault.Delay (or until the client gives up) and then serves the request normally.
	KindSlow FaultKind = "slow"
	// KindBody answers HTTP Fault.Status with exactly Fault.Body (Content-Type Fault.ContentType, or
	// Coupang's JSON type when empty): any response a test needs, however extreme.
	KindBody FaultKind = "body"
)

// Fault is one injected misbehaviour; see the FaultKind constants for which fields each kind uses.
type Fault struct {
	Kind        FaultKind
	Status      int           // KindStatus, KindCodeInBody
	Message     string        // KindStatus, KindCodeInBody
	RetryAfter  string        // KindStatus: the Retry-After header value, "" for none
	Delay       time.Duration // KindSlow
	Body        []byte        // KindBody
	ContentType string        // KindBody; "" means application/json;charset=UTF-8
}

// FaultStatus answers HTTP code with {"code":code,"message":msg}.
func FaultStatus(code int, msg string) *Fault {
	return &Fault{Kind: KindStatus, Status: code, Message: msg}
}

// FaultRateLimited answers 429 Too many requests, with a Retry-After header when retryAfter is not "".
func FaultRateLimited(retryAfter string) *Fault {
	return &Fault{Kind: KindStatus, Status: http.StatusTooManyRequests, Message: MsgTooManyRequests, RetryAfter: retryAfter}
}

// FaultReset closes the connection without answering.
func FaultReset() *Fault { return &Fault{Kind: KindReset} }

// FaultMalformedJSON answers HTTP 200 with a body that is not JSON.
func FaultMalformedJSON() *Fault { return &Fault{Kind: KindMalformedJSON} }

// FaultTruncated answers the normal response cut in the middle of its body.
func FaultTruncated() *Fault { return &Fault{Kind: KindTruncated} }

// FaultHTML403 answers HTTP 403 with an HTML page.
func FaultHTML403() *Fault { return &Fault{Kind: KindHTML403} }

// FaultCodeInBody answers HTTP 200 with {"code":code,"message":msg}.
func FaultCodeInBody(code int, msg string) *Fault {
	return &Fault{Kind: KindCodeInBody, Status: code, Message: msg}
}

// FaultSlow serves the request normally after waiting d.
func FaultSlow(d time.Duration) *Fault { return &Fault{Kind: KindSlow, Delay: d} }

// FaultBody answers HTTP status with exactly body, as JSON (Content-Type application/json;charset=UTF-8).
func FaultBody(status int, body []byte) *Fault {
	return &Fault{Kind: KindBody, Status: status, Body: body}
}

// halfWriter sends the first half of what is written: writeBody, which answers every request
// with one Write after setting the full Content-Length, then sends a truncated body.
type halfWriter struct{ http.ResponseWriter }

func (h halfWriter) Write(p []byte) (int, error) { return h.ResponseWriter.Write(p[:len(p)/2]) }

// inject applies a fault other than KindSlow.
func (s *Server) inject(w *statusWriter, r *http.Request, f *Fault) {
	switch f.Kind {
	case KindStatus:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, f.Message)
	case KindCodeInBody:
		writeJSON(w, http.StatusOK, envelope{Code: f.Status, Message: f.Message})
	case KindMalformedJSON:
		writeBody(w, http.StatusOK, "", []byte(`{"code":200,"message":"OK","data":{"content":[{"inquiryId":1015668177,"itemName":"스파오`))
	case KindBody:
		writeBody(w, f.Status, f.ContentType, f.Body)
	case KindHTML403:
		writeBody(w, http.StatusForbidden, "text/html; charset=UTF-8", []byte("<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>\n"+
			"<body><h1>Access Denied</h1><p>You don't have permission to access this resource.</p></body></html>\n"))
	case KindTruncated:
		s.serve(halfWriter{w}, r)
		_ = http.NewResponseController(w.ResponseWriter).Flush()
		panic(http.ErrAbortHandler)
	default: // KindReset and anything unknown
		conn, _, err := http.NewResponseController(w.ResponseWriter).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		w.logOnce(0) // log before the client sees the reset
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

// writeBody answers status with exactly body, as contentType ("" means Coupang's JSON type).
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", cmp.Or(contentType, "application/json;charset=UTF-8"))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
