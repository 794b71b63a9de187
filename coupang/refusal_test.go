package coupang

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotFoundRunExpires: maxNotFound unknown IDs within notFoundWindow stop reads for
// notFoundWindow; after it, or when they are spread more thinly, reads go on.
func TestNotFoundRunExpires(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	r := &refusal{now: func() time.Time { return now }}
	read := func(id int64) error { // as the client asks the gate, and tells it of a 404
		err := r.allow(api.InquiryPath(id))
		if err == nil {
			r.failed(&api.Error{Kind: api.KindNotFound, Path: api.InquiryPath(id)})
		}
		return err
	}
	for id := range int64(maxNotFound) {
		require.NoError(t, read(id+1), "read %d is sent", id+1)
	}
	require.ErrorContains(t, read(100), "not found for this seller")

	now = now.Add(notFoundWindow + time.Second)
	require.NoError(t, read(101), "the refusal ends a minute after the last unknown ID")
	assert.NoError(t, read(102), "one unknown ID after it does not renew the refusal")

	// Later, twenty more, 7 s apart: never ten within a minute.
	now = now.Add(2 * notFoundWindow)
	for id := range int64(2 * maxNotFound) {
		now = now.Add(7 * time.Second)
		require.NoError(t, read(200+id), "sparse unknown ID %d", id)
	}
}
