package sandbox

import (
	"net"
	"net/http"
	"time"
)

// FaultKind names what an injected fault does; the name is RequestRecord.Fault.
type FaultKind string

// The fault kinds, each with the constructor that makes it and says more.
const (
	KindStatus        FaultKind = "status"         // FaultStatus, FaultRateLimited: an error status, Coupang's JSON body
	KindReset         FaultKind = "reset"          // FaultReset: the connection closed, unanswered
	KindMalformedJSON FaultKind = "malformed-json" // FaultMalformedJSON: HTTP 200, a body that is not JSON
	KindTruncated     FaultKind = "truncated"      // FaultTruncated: the normal answer, cut halfway through its body
	KindHTML403       FaultKind = "html-403"       // FaultHTML403: the gateway's HTML 403 page
	KindCodeInBody    FaultKind = "code-in-body"   // FaultCodeInBody: an error code inside an HTTP 200 answer
	KindSlow          FaultKind = "slow"           // FaultSlow: the normal answer, late
	KindBody          FaultKind = "body"           // FaultBody: exactly the Status and Body given
)

// Fault is one injected misbehaviour. The kinds that answer (all but KindReset, KindTruncated and
// KindSlow) answer HTTP Status with exactly Body; the constructors fill them in.
type Fault struct {
	Kind        FaultKind
	Status      int
	Body        []byte
	ContentType string        // "" means Coupang's JSON type, application/json;charset=UTF-8
	RetryAfter  string        // the Retry-After header value, "" for none
	Delay       time.Duration // KindSlow
}

// FaultStatus answers HTTP code with {"code":code,"message":msg}.
func FaultStatus(code int, msg string) *Fault {
	return &Fault{Kind: KindStatus, Status: code, Body: errorBody(code, msg)}
}

// FaultRateLimited answers 429 Too many requests, with a Retry-After header when retryAfter is not "".
func FaultRateLimited(retryAfter string) *Fault {
	f := FaultStatus(http.StatusTooManyRequests, MsgTooManyRequests)
	f.RetryAfter = retryAfter
	return f
}

// FaultReset closes the connection without an answer (TCP reset where possible).
func FaultReset() *Fault { return &Fault{Kind: KindReset} }

// FaultMalformedJSON answers HTTP 200 with a body that is not valid JSON.
func FaultMalformedJSON() *Fault {
	return &Fault{Kind: KindMalformedJSON, Status: http.StatusOK,
		Body: []byte(`{"code":200,"message":"OK","data":{"content":[{"inquiryId":1015668177,"itemName":"스파오`)}
}

// FaultTruncated answers the normal headers (full Content-Length), half the body, then closes.
func FaultTruncated() *Fault { return &Fault{Kind: KindTruncated} }

// FaultHTML403 answers HTTP 403 with an HTML page, like the gateway when a caller is blocked.
func FaultHTML403() *Fault {
	return &Fault{Kind: KindHTML403, Status: http.StatusForbidden, ContentType: "text/html; charset=UTF-8",
		Body: []byte("<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>\n" +
			"<body><h1>Access Denied</h1><p>You don't have permission to access this resource.</p></body></html>\n")}
}

// FaultCodeInBody answers HTTP 200 with {"code":code,"message":msg}.
func FaultCodeInBody(code int, msg string) *Fault {
	return &Fault{Kind: KindCodeInBody, Status: http.StatusOK, Body: errorBody(code, msg)}
}

// FaultSlow waits d (or until the client gives up) and then serves the request normally.
func FaultSlow(d time.Duration) *Fault { return &Fault{Kind: KindSlow, Delay: d} }

// FaultBody answers HTTP status with exactly body, as JSON: any response a test needs.
func FaultBody(status int, body []byte) *Fault {
	return &Fault{Kind: KindBody, Status: status, Body: body}
}

// inject applies a fault other than KindSlow.
func (c *call) inject(f *Fault) {
	switch f.Kind {
	case KindStatus, KindMalformedJSON, KindHTML403, KindCodeInBody, KindBody:
		if f.RetryAfter != "" {
			c.w.Header().Set("Retry-After", f.RetryAfter)
		}
		c.send(f.Status, f.ContentType, f.Body)
	case KindTruncated:
		c.half = true
		c.serve()
		_ = http.NewResponseController(c.w).Flush()
		panic(http.ErrAbortHandler)
	default: // KindReset and anything unknown
		conn, _, err := http.NewResponseController(c.w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		c.log(0) // before the client sees the reset
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}
