package coupang

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// refusedFor is how long the seller's connections on the machine send nothing after Coupang refused
// one of their requests in a way every later request would be refused too (api.Error.RefusesAll),
// or rate-limited one through every retry (Coupang's throttling lasts minutes, so the next calls
// would draw 429s from the start). Without it each scan of a statement, each panel of a dashboard,
// each export run and each rerun sends one more such request, and many errors in a short time are
// what Coupang blocks sellers for. The time runs from the last refusal Coupang sent; a connection
// with another secret key sends at once.
const refusedFor = time.Minute

// After maxNotFound single-inquiry reads answered "not found" within notFoundWindow, the seller's
// connections on the machine send no more of them for notFoundWindow: IDs from the seller's own
// listings are found, so many unknown ones in a short time mean a wrong list, and they are the
// pattern Coupang blocks sellers for. Found answers in between change nothing (a list alternating
// known and unknown IDs is stopped), and a few unknown IDs spread over a long list (deleted
// inquiries) are let through.
const (
	maxNotFound    = 10
	notFoundWindow = time.Minute
)

// refusal is a connection's gate on the answers that make the seller's connections stop sending.
// Its memory is the seller's note on the machine (ratelimit.Budget.Note), which every process of
// the seller reads before each request: Steampipe's, each FDW backend, each export run.
type refusal struct {
	note func(update func([]byte) []byte) error
	key  string // keyFingerprint of the connection's secret key
	now  func() time.Time
}

// refusalNote is the note's content, as JSON.
type refusalNote struct {
	// Refused holds the last refusal of every request of each secret key (by keyFingerprint), so that
	// connections with two wrong keys each stop after their own refusal.
	Refused    map[string]refused `json:"refused,omitempty"`
	NotFoundAt []time.Time        `json:"not_found_at,omitempty"` // the last maxNotFound single inquiries not found, oldest first
	// HeldUntil is when the latest 429 will be retried (wall clock): no request of the seller goes
	// before, so that a throttled seller's requests go one at a time rather than together.
	HeldUntil time.Time `json:"held_until,omitzero"`
}

// refused is a refusal of every request of one secret key.
type refused struct {
	At    time.Time `json:"at"`
	Cause string    `json:"cause"` // its error, without the path (which names the seller)
}

// keyFingerprint tells secret keys apart without revealing them, as a request signature does: the
// HMAC of a constant under the key. The note holds it, so that a fixed key sends at once.
func keyFingerprint(secretKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte("coupang-refusal-v1"))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}

// update applies change to the note; a note no version of this code wrote reads as empty.
func (r *refusal) update(change func(*refusalNote) bool) error {
	return r.note(func(b []byte) []byte {
		var n refusalNote
		if json.Unmarshal(b, &n) != nil {
			n = refusalNote{}
		}
		if !change(&n) {
			return nil
		}
		out, _ := json.Marshal(n) // cannot fail: times and strings
		return out
	})
}

// allow is the client's gate (api.Client.WithGate): an error while a refusal of this key is recent,
// or, for a single-inquiry read, while maxNotFound reads within notFoundWindow were not found; else
// how long a 429 of the seller still awaits its retry. Times ahead of the clock count only within
// the window, so that a clock stepped back stops and holds nothing.
func (r *refusal) allow(path string) (held time.Duration, err error) {
	var n refusalNote
	if err := r.update(func(read *refusalNote) bool { n = *read; return false }); err != nil {
		return 0, err
	}
	now := r.now()
	last, ok := n.Refused[r.key]
	if ago := now.Sub(last.At); ok && ago.Abs() <= refusedFor {
		return 0, fmt.Errorf("not sent: Coupang refused a request of this seller from this machine %s ago, and would refuse this one the same way "+
			"(%s); repeated errors get a seller blocked, so the seller's connections on this machine send nothing for %s after such a refusal: "+
			"fix the cause, then run the query again after that (a corrected secret_key takes effect at once)",
			ago.Round(time.Second), last.Cause, refusedFor-ago.Round(time.Second))
	}
	if k := len(n.NotFoundAt); !api.IsListPath(path) && k == maxNotFound &&
		n.NotFoundAt[k-1].Sub(n.NotFoundAt[0]) <= notFoundWindow && now.Sub(n.NotFoundAt[k-1]).Abs() <= notFoundWindow {
		return 0, fmt.Errorf("not sent: %d inquiry IDs asked for within a minute were not found for this seller, "+
			"and Coupang may block sellers that send many unknown IDs; check that the IDs belong to this connection's vendor_id "+
			"(or find the inquiries by inquiry_at), then retry in a minute", k)
	}
	if wait := time.Until(n.HeldUntil); wait > 0 && wait <= refusedFor { // wall clock, as it is slept for
		return wait, nil
	}
	return 0, nil
}

// throttled is the client's throttled hook: Coupang answered 429 and the request will be retried
// after retryIn. Wall-clock times, as they are slept for.
func (r *refusal) throttled(retryIn time.Duration) {
	until := time.Now().Add(retryIn)
	_ = r.update(func(n *refusalNote) bool {
		// A hold further ahead than allow waits for is a clock stepped back: replaced, not kept.
		if !until.After(n.HeldUntil) && time.Until(n.HeldUntil) <= refusedFor {
			return false
		}
		n.HeldUntil = until
		return true
	})
}

// failed is told of every failed call's final error and notes those that stop the seller's
// connections sending. A note that cannot be written fails the next request's allow.
func (r *refusal) failed(e *api.Error) {
	switch {
	case e.RefusesAll(), e.Kind == api.KindRateLimited: // a final 429 outlasted every retry
		_ = r.update(func(n *refusalNote) bool {
			now := r.now()
			maps.DeleteFunc(n.Refused, func(_ string, f refused) bool { return now.Sub(f.At).Abs() > refusedFor })
			if n.Refused == nil {
				n.Refused = map[string]refused{}
			}
			n.Refused[r.key] = refused{now, e.Cause()}
			return true
		})
	case e.Kind == api.KindNotFound: // a single inquiry: a list's 404 refuses all
		_ = r.update(func(n *refusalNote) bool {
			n.NotFoundAt = append(n.NotFoundAt, r.now())
			n.NotFoundAt = n.NotFoundAt[max(0, len(n.NotFoundAt)-maxNotFound):]
			return true
		})
	}
}
