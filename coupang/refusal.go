package coupang

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// refusedFor is how long a connection sends nothing after Coupang refused one of its requests in a
// way every later request would be refused too: 401 (wrong keys or clock), 403 or a redirect (IP not
// registered, or the caller blocked), 400 "Invalid vendor ID" or 404 from a list endpoint (wrong
// vendor_id). Without it each scan of a statement, each panel of a dashboard and each rerun sends one
// more such request, and many errors in a short time are what Coupang blocks sellers for. The time
// runs from the last refusal Coupang sent; a changed connection config builds a new connection,
// which sends at once. A single inquiry read "not found" is snapshot's (maxNotFound).
const refusedFor = time.Minute

// refusal is one connection's memory of the last refusal that applies to all its requests.
type refusal struct {
	mu    sync.Mutex
	now   func() time.Time
	at    time.Time // when the last such refusal arrived; zero if none
	cause string    // its error message (keys and signatures already redacted)
}

// allow is the client's gate (api.Client.WithGate): an error while a refusal is recent.
func (r *refusal) allow() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at.IsZero() {
		return nil
	}
	ago := r.now().Sub(r.at)
	if ago > refusedFor {
		return nil
	}
	return fmt.Errorf("not sent: Coupang refused this connection's request %s ago, and would refuse this one the same way "+
		"(%s); repeated errors get a seller blocked, so the connection sends nothing for %s after such a refusal: "+
		"fix the cause, then run the query again after that (changing the connection config takes effect at once)",
		ago.Round(time.Second), r.cause, refusedFor-ago.Round(time.Second))
}

// failed is told of every failed attempt and remembers those that apply to every request.
func (r *refusal) failed(e *api.Error) {
	if !refusesAll(e) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at, r.cause = r.now(), e.Error()
}

// refusesAll reports whether every request of the connection would get the answer e: wrong keys
// or clock, a refused or blocked caller, or a wrong vendor_id.
func refusesAll(e *api.Error) bool {
	switch e.Kind {
	case api.KindAuth, api.KindForbidden:
		return true
	case api.KindBadRequest:
		msg := strings.ToLower(e.Message)
		return e.StatusCode != 0 && (strings.Contains(msg, "vendor id") || strings.Contains(msg, "vendorid"))
	case api.KindNotFound:
		// A list path ends in the endpoint's name; a single-inquiry path in the inquiry's ID.
		return strings.HasSuffix(e.Path, "Inquiries")
	}
	return false
}
