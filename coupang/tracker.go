package coupang

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// FetchTracker records the first error of the list functions of one query, for an in-process caller
// that cannot trust the SDK to deliver it: in steampipe-plugin-sdk v5.14.1 a list error races the
// end of the stream in two selects (QueryData.streamRows, Plugin.execute), so Execute may return nil
// for a failed query. It reaches the list functions through the query's context, which the SDK
// passes down because the plugin's tables turn its query cache off (see Plugin).
type FetchTracker struct {
	err atomic.Pointer[error]
}

// Context keys of the in-process options below, and of two that only tests set (export_test.go).
type (
	fetchTrackerKey struct{}
	noticeKey       struct{}
	exactQualsKey   struct{}
	clientTuningKey struct{}
	reuseClockKey   struct{}
	streamedRowsKey struct{}
	maxHeldRowsKey  struct{}
)

// WithStreamedRows returns a context for Plugin whose scans stream each row as soon as it is read,
// for a caller whose row stream delivers an error that follows rows: Steampipe's gRPC plugin server
// (main.go) and an in-process caller with a stream of its own (the export). Without it a scan holds
// its rows until it has read them all (see pluginState.holdRows), as Turbot's standalone FDW and
// SQLite extension, which call Plugin directly, need.
func WithStreamedRows(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamedRowsKey{}, true)
}

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

// trackFetch is deferred by every list function as `defer trackFetch(ctx, &err)`: it reports the
// function's error, or a panic (re-raised for the SDK to handle), to the context's tracker if any.
func trackFetch(ctx context.Context, errp *error) {
	r := recover()
	err := *errp
	if r != nil {
		err = fmt.Errorf("coupang plugin panic: %v", r)
	}
	if t, _ := ctx.Value(fetchTrackerKey{}).(*FetchTracker); t != nil && err != nil {
		t.err.CompareAndSwap(nil, &err)
	}
	if r != nil {
		panic(r)
	}
}

// WithNotices returns a context whose fetch functions also hand every notice meant for the user
// (such as the days a default lookback read) to show; Steampipe users find them in the plugin log
// at WARN. Like WithFetchTracker, it reaches them only in-process.
func WithNotices(ctx context.Context, show func(string)) context.Context {
	return context.WithValue(ctx, noticeKey{}, show)
}

func notify(ctx context.Context, table, msg string) {
	msg = table + ": " + msg
	plugin.Logger(ctx).Warn(msg, "table", table)
	if show, ok := ctx.Value(noticeKey{}).(func(string)); ok {
		show(msg)
	}
}

// WithExactQuals returns a context whose queries take their quals as exactly the values meant, for
// an in-process caller that builds its own (the export command): inquiry_at bounds are the instants
// meant, and an ID of 0 or a time before 2010 is the user's, answered with no row. Without it a
// bound may have been meant in any session TimeZone, and such values may be what Turbot's FDW
// passes for a subquery or a wrapped time (see query.ZoneEast and fdwGarbage).
func WithExactQuals(ctx context.Context) context.Context {
	return context.WithValue(ctx, exactQualsKey{}, true)
}
