package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWithReserve: every attempt, retries included, reserves and calls sent exactly once before
// the next attempt; a failed reserve sends nothing.
func TestWithReserve(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	add := func(e string) { mu.Lock(); events = append(events, e); mu.Unlock() }
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		add("request")
		if hit < 2 {
			writeJSON(w, 429, `{"code":429,"message":"Too many requests"}`)
			return
		}
		writeJSON(w, 200, okList)
	})
	base := newTestClient(t, f.URL)
	c := base.WithReserve(func(context.Context) (func(), error) {
		add("reserve")
		return func() { add("sent") }, nil
	})
	_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	require.NoError(t, err)
	mu.Lock()
	got := events
	mu.Unlock()
	require.Len(t, got, 6)
	for i := 0; i < 6; i += 3 {
		assert.Equal(t, "reserve", got[i])
		assert.ElementsMatch(t, []string{"request", "sent"}, got[i+1:i+3], "one sent per attempt, before the next")
	}

	full := errors.New("budget unusable")
	_, err = base.WithReserve(func(context.Context) (func(), error) { return nil, full }).GetInquiry(context.Background(), 5)
	assert.ErrorIs(t, err, full)
	assert.Equal(t, 2, f.hits(), "no request after a failed reserve")
}

// TestWithGate: failed is told of each failed call's final error, once, not of the attempts its
// retries mended or replaced; throttled of each 429 retried, with its delay (Retry-After); a
// refusal from allow, before or after the wait for the rate budget, ends the call unsent and
// unretried.
func TestWithGate(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		switch hit {
		case 1:
			writeJSON(w, 503, `{"code":503,"message":"Service Unavailable"}`)
			return
		case 2:
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 429, `{"code":429,"message":"Too many requests"}`)
			return
		}
		writeJSON(w, 401, `{"code":401,"message":"Invalid signature."}`)
	})
	base := newTestClient(t, f.URL)
	base.sleep = func(context.Context, time.Duration) error { return nil }
	var kinds []ErrorKind
	var throttles []time.Duration
	refused := errors.New("refused")
	var closed bool
	c := base.WithGate(func(string) (time.Duration, error) {
		if closed {
			return 0, refused
		}
		return 0, nil
	}, func(e *Error) {
		kinds = append(kinds, e.Kind)
		closed = closed || e.Kind == KindAuth
	}, func(retryIn time.Duration) { throttles = append(throttles, retryIn) })
	_, err := c.ListInquiries(context.Background(), ListRequest{VendorItemID: 1})
	assert.Equal(t, KindAuth, KindOf(err))
	assert.Equal(t, []ErrorKind{KindAuth}, kinds, "the 503 and the 429 were retried")
	assert.Equal(t, []time.Duration{2 * time.Second}, throttles, "the 429, with its Retry-After; not the 503")
	assert.Equal(t, 3, f.hits())

	_, err = c.GetInquiry(context.Background(), 5)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, 3, f.hits(), "no request once refused")

	// A refusal that arrives while the attempt waits for the budget.
	closed = false
	late := c.WithReserve(func(context.Context) (func(), error) {
		closed = true
		return func() {}, nil
	})
	_, err = late.GetInquiry(context.Background(), 5)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, 3, f.hits(), "no request after a refusal during the wait")

	// Nothing was written, yet sent is called: a shared budget is locked until it is.
	closed = false
	sent := 0
	_, err = c.WithReserve(func(context.Context) (func(), error) {
		closed = true
		return func() { sent++ }, nil
	}).GetInquiry(context.Background(), 5)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, 1, sent, "sent once for an attempt refused after the reservation")
}

// TestWithGateHolds: a positive hold from allow delays the request and asks again, before the
// reservation and after it; a reservation the gate holds back after it is released unused (its
// sent called), and the request then goes.
func TestWithGateHolds(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		writeJSON(w, 401, `{"code":401,"message":"Invalid signature."}`)
	})
	// Before (held), before, after (a hold began meanwhile), before again (still held); then none.
	holds := []time.Duration{time.Millisecond, 0, 2 * time.Millisecond, 2 * time.Millisecond}
	var slept []time.Duration
	reserved, sent := 0, 0
	c := newTestClient(t, f.URL).WithGate(func(string) (time.Duration, error) {
		if len(holds) == 0 {
			return 0, nil
		}
		h := holds[0]
		holds = holds[1:]
		return h, nil
	}, nil, nil).WithReserve(func(context.Context) (func(), error) {
		reserved++
		return func() { sent++ }, nil
	})
	c.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	_, err := c.GetInquiry(context.Background(), 5)
	assert.Equal(t, KindAuth, KindOf(err))
	assert.Empty(t, holds, "asked before and after each reservation")
	assert.Equal(t, []time.Duration{time.Millisecond, 2 * time.Millisecond}, slept, "each hold waited for")
	assert.Equal(t, 2, reserved)
	assert.Equal(t, 2, sent, "the released reservation counts as a send, and so does the request's")
	assert.Equal(t, 1, f.hits())
}

// TestWithGateHearsRefusalDespiteCancel: a refusal that came back is told to the gate even when the
// call's context ended meanwhile (a query cancelled as its limit was met), so that the next scan
// does not send one more.
func TestWithGateHearsRefusalDespiteCancel(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 401, `{"code":401,"message":"Invalid signature."}`)
	})
	var kinds []ErrorKind
	c := newTestClient(t, f.URL).WithGate(func(string) (time.Duration, error) { return 0, nil }, func(e *Error) { kinds = append(kinds, e.Kind) }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = WithRequestHook(ctx, func(RequestInfo) { cancel() }) // the answer is in; then the query ends
	_, err := c.GetInquiry(ctx, 5)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []ErrorKind{KindAuth}, kinds)
}
