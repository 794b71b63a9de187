package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

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
