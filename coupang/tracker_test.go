package coupang

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrackFetchReportsFirstErrorOrPanic: a list function's error, or its panic, reaches the
// query's tracker (the SDK may end the stream as if complete), the first one only, and the panic
// is raised again for the SDK to handle. Without a tracker the error passes through unchanged.
func TestTrackFetchReportsFirstErrorOrPanic(t *testing.T) {
	t.Parallel()
	list := func(ctx context.Context, fail func() error) (err error) {
		defer trackFetch(ctx, &err)
		return fail()
	}
	var tracker FetchTracker
	ctx := WithFetchTracker(context.Background(), &tracker)
	require.NoError(t, list(ctx, func() error { return nil }))
	require.NoError(t, tracker.Err(), "a list function that succeeds reports nothing")

	assert.PanicsWithValue(t, "boom", func() { _ = list(ctx, func() error { panic("boom") }) })
	require.EqualError(t, tracker.Err(), "coupang plugin panic: boom")

	later := errors.New("later")
	assert.ErrorIs(t, list(ctx, func() error { return later }), later)
	assert.EqualError(t, tracker.Err(), "coupang plugin panic: boom", "the first error is kept")

	var fresh FetchTracker
	assert.ErrorIs(t, list(WithFetchTracker(context.Background(), &fresh), func() error { return later }), later)
	assert.ErrorIs(t, fresh.Err(), later)
	assert.ErrorIs(t, list(context.Background(), func() error { return later }), later, "no tracker")
}
