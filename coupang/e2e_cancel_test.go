package coupang_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// ownGoroutines returns the stacks of the goroutines, other than the caller's, running code of this
// module or of the Steampipe SDK: the ones a query could leak. net/http's own connection
// goroutines are not counted (idle keep-alive connections are the transport's business).
func ownGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	var out []string
	for _, s := range stacks[1:] { // the first is the caller's
		if strings.Contains(s, "seller-sql/steampipe-plugin-coupang") || strings.Contains(s, "turbot/steampipe-plugin-sdk") {
			out = append(out, s)
		}
	}
	return out
}

// requireNoLeak waits until no more goroutines run module or SDK code than before the query.
func requireNoLeak(t *testing.T, baseline int) {
	t.Helper()
	for {
		polled := time.Now()
		now := ownGoroutines()
		if len(now) <= baseline {
			return
		}
		if nearDeadline(t) {
			t.Fatalf("%d goroutines running plugin or SDK code, %d before the query:\n%s", len(now), baseline, strings.Join(now, "\n\n"))
		}
		// runtime.Stack stops the world for as long as it takes to print every goroutine, which
		// with thousands left takes long on a loaded machine: sleep four times as long between
		// polls, so that the goroutines waited for get most of the time to exit.
		time.Sleep(max(20*time.Millisecond, 4*time.Since(polled)))
	}
}

// nearDeadline reports whether the test binary's -timeout is less than a minute away. A leaked
// goroutine never exits, while a busy machine slows exits down by any amount (20,001 SDK copies
// once went 5 s without one exit): so a wait for goroutines to end fails only then, with what it
// saw, and never on a guess of how slow the machine may be. With -timeout 0 it waits for good.
func nearDeadline(t *testing.T) bool {
	deadline, ok := t.Deadline()
	return ok && time.Until(deadline) < time.Minute
}

// TestOwnGoroutinesSeesALeak checks the leak detector on a goroutine it must see.
func TestOwnGoroutinesSeesALeak(t *testing.T) {
	// Not parallel: it counts the process's goroutines, which parallel tests would add to.
	before := len(ownGoroutines())
	stop := make(chan struct{})
	go func() { <-stop }() // a goroutine of this module's test code
	assert.Equal(t, before+1, len(ownGoroutines()))
	close(stop)
	requireNoLeak(t, before)
}

// TestCancelledQueryStopsAndLeaksNothing cancels queries mid-way while requests are in flight:
// the sandbox answers the first two requests and holds every later one until the client gives up.
// Once two answers have arrived and a held request is in flight, the query is cancelled. It must
// return the cancellation, not success; every plugin goroutine must end (so nothing more can be
// sent); at most one request per worker may start after the cancellation (those already past the
// limiter); and the held requests must have been abandoned, not waited for.
//
// The two answers are empty pages: the SDK's row builders (buildRowAsync in plugin/query_data.go)
// send on a channel nobody drains after a cancellation, so rows still being built at that moment
// would leave the SDK's goroutines blocked, not the plugin's.
func TestCancelledQueryStopsAndLeaksNothing(t *testing.T) {
	// Not parallel: it counts the process's goroutines, which parallel tests would add to.
	const emptyPage = `{"code":200,"message":"OK","data":{"content":[],"pagination":{"currentPage":1,"totalPages":1,"totalElements":0,"countPerPage":30}}}`
	for _, tc := range []struct {
		name  string
		limit int64
	}{
		{"concurrent windows", -1},
		{"sequential under a limit", 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tuneClient(t, time.Hour)
			e := startFaultEnv(t, sandbox.Options{Seed: 17, Days: 70, PerDay: 20}, nil, &fastLimiter)
			const answered = 2
			e.sb.SetFault(func(n int64, _ *http.Request) *sandbox.Fault {
				if n > answered {
					return sandbox.FaultSlow(time.Hour) // until the client gives up
				}
				return sandbox.FaultBody(http.StatusOK, []byte(emptyPage))
			})
			baseline := len(ownGoroutines())

			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			done := make(chan error, 1)
			rows := 0
			go func() {
				today := api.KoreanDate(time.Now())
				q := inprocess.Query{Table: inquiryTable, Quals: between(today.AddDate(0, 0, -63), today), Limit: tc.limit}
				done <- e.r.Query(ctx, q, func(map[string]*proto.Column) error { rows++; return nil })
			}()
			// Mid-way: the answers have arrived, and a request sent after them is held.
			waitFor(t, func() bool { return len(e.sb.Log()) >= answered && e.sb.Requests() > answered })
			cancel()
			atCancel := e.sb.Requests()
			err := <-done
			require.Error(t, err, "a cancelled query returned %d rows as success", rows)
			assert.True(t, errors.Is(err, context.Canceled), "error %v", err)

			requireNoLeak(t, baseline) // the plugin's goroutines and the sandbox's held handlers are gone
			settled := e.sb.Requests()
			assert.LessOrEqual(t, settled-atCancel, int64(query.Workers), "requests started after the cancellation")
			abandoned := 0
			for _, rec := range e.sb.Log() {
				if rec.N > answered {
					assert.Zero(t, rec.Status, "request %d was held until the client gave up", rec.N)
					abandoned++
				}
			}
			assert.NotZero(t, abandoned, "no request was in flight at the cancellation: the test did not cancel mid-way")
		})
	}
}

// waitFor polls cond for up to a minute: what it waits for happens within milliseconds on an idle
// machine; the long limit only keeps a loaded one from failing the test.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
