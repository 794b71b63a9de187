package coupang

import (
	"fmt"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// refusedFor is how long a connection sends nothing after Coupang refused one of its requests in a
// way every later request would be refused too (api.Error.RefusesAll), or rate-limited it through
// every retry (Coupang's throttling lasts minutes, so the next calls would draw 429s from the
// start). Without it each scan of a statement, each panel of a dashboard and each rerun sends one
// more such request, and many errors in a short time are what Coupang blocks sellers for. The time
// runs from the last refusal Coupang sent; a changed connection config builds a new connection,
// which sends at once.
const refusedFor = time.Minute

// After maxNotFound single-inquiry reads answered "not found" within notFoundWindow, the connection
// sends no more of them for notFoundWindow: IDs from the seller's own listings are found, so many
// unknown ones in a short time mean a wrong list, and they are the pattern Coupang blocks sellers
// for. Found answers in between change nothing (a list alternating known and unknown IDs is
// stopped), and a few unknown IDs spread over a long list (deleted inquiries) are let through.
const (
	maxNotFound    = 10
	notFoundWindow = time.Minute
)

// refusal is one connection's memory of the answers that make it stop sending: the last refusal
// that applies to all its requests, and the last maxNotFound single inquiries not found.
type refusal struct {
	mu        sync.Mutex
	now       func() time.Time
	at        time.Time   // when the last refusal of every request arrived; zero if none
	cause     string      // its error message (keys and signatures already redacted)
	notFounds []time.Time // when the last maxNotFound "not found" answers came, oldest first
}

// allow is the client's gate (api.Client.WithGate): an error while a refusal is recent, or, for a
// single-inquiry read, while maxNotFound reads within notFoundWindow were not found.
func (r *refusal) allow(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if ago := now.Sub(r.at); !r.at.IsZero() && ago <= refusedFor {
		return fmt.Errorf("not sent: Coupang refused this connection's request %s ago, and would refuse this one the same way "+
			"(%s); repeated errors get a seller blocked, so the connection sends nothing for %s after such a refusal: "+
			"fix the cause, then run the query again after that (changing the connection config takes effect at once)",
			ago.Round(time.Second), r.cause, refusedFor-ago.Round(time.Second))
	}
	if n := len(r.notFounds); !api.IsListPath(path) && n == maxNotFound &&
		r.notFounds[n-1].Sub(r.notFounds[0]) <= notFoundWindow && now.Sub(r.notFounds[n-1]) <= notFoundWindow {
		return fmt.Errorf("not sent: %d inquiry IDs asked for within a minute were not found for this seller, "+
			"and Coupang may block sellers that send many unknown IDs; check that the IDs belong to this connection's vendor_id "+
			"(or find the inquiries by inquiry_at), then retry in a minute", n)
	}
	return nil
}

// failed is told of every failed call's final error and remembers those that stop the connection
// sending.
func (r *refusal) failed(e *api.Error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case e.RefusesAll(), e.Kind == api.KindRateLimited: // a final 429 outlasted every retry
		r.at, r.cause = r.now(), e.Error()
	case e.Kind == api.KindNotFound: // a single inquiry: a list's 404 refuses all
		r.notFounds = append(r.notFounds, r.now())
		if len(r.notFounds) > maxNotFound {
			r.notFounds = r.notFounds[1:]
		}
	}
}
