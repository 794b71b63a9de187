package coupang

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// FetchTracker records the first error of the list functions that run for one query, for an
// in-process caller that cannot trust the SDK to deliver it.
//
// In steampipe-plugin-sdk v5.14.1 a list error passes two selects that also watch for the end of
// the stream (QueryData.streamRows, Plugin.execute), and Go picks a ready case at random, so
// Execute may return nil and a failed query look like a shorter result. The list functions also
// report their error here, through the query's context (passed down when the query cache is off),
// and the in-process runner fails such a query. Over gRPC the tracker is absent.
type FetchTracker struct {
	err atomic.Pointer[error]
}

// Context keys of the in-process options below, and of two that only tests set (export_test.go)
// on the query that builds a connection: a func(*api.Config) that tunes its client (shorter retry
// backoffs), and a func() time.Time, its snapshot's clock.
type (
	fetchTrackerKey struct{}
	noticeKey       struct{}
	exactTimesKey   struct{}
	clientTuningKey struct{}
	reuseClockKey   struct{}
)

// WithFetchTracker returns a context whose fetch functions report to t.
func WithFetchTracker(ctx context.Context, t *FetchTracker) context.Context {
	return context.WithValue(ctx, fetchTrackerKey{}, t)
}

// Err returns the first error a fetch function reported, or nil.
func (t *FetchTracker) Err() error {
	if err := t.err.Load(); err != nil {
		return *err
	}
	return nil
}

// trackFetch is deferred by every list function as `defer trackFetch(ctx)(&err)`: it reports the
// function's error, or a panic (re-raised for the SDK to handle), to the context's tracker if any.
func trackFetch(ctx context.Context) func(errp *error) {
	t, _ := ctx.Value(fetchTrackerKey{}).(*FetchTracker)
	return func(errp *error) {
		err := *errp
		r := recover()
		if r != nil {
			err = fmt.Errorf("coupang plugin panic: %v", r)
		}
		if t != nil && err != nil {
			t.err.CompareAndSwap(nil, &err)
		}
		if r != nil {
			panic(r)
		}
	}
}

// WithNotices returns a context whose fetch functions also hand every notice meant for the user
// (such as the Korean days a default lookback read) to show: the export command writes them to
// stderr, while Steampipe users find them in the plugin log at WARN. Like WithFetchTracker, it
// reaches the fetch functions only in-process with the query cache off.
func WithNotices(ctx context.Context, show func(string)) context.Context {
	return context.WithValue(ctx, noticeKey{}, show)
}

// notify logs a notice for the user at WARN and hands it to the context's WithNotices function.
func notify(ctx context.Context, table, msg string) {
	plugin.Logger(ctx).Warn(table+": "+msg, "table", table)
	if show, ok := ctx.Value(noticeKey{}).(func(string)); ok {
		show(table + ": " + msg)
	}
}

// WithExactTimes returns a context whose queries take their inquiry_at bounds as exactly the
// instants meant, for an in-process caller that builds its own bounds (the export command, in
// Korean time unless they give an offset). Without it the plugin assumes, as it must behind
// Turbot's FDW, that a bound may have been meant in any session TimeZone (see query.ZoneEast).
func WithExactTimes(ctx context.Context) context.Context {
	return context.WithValue(ctx, exactTimesKey{}, true)
}
