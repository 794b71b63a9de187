package main

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// connectionName is the name the in-process connection is loaded under.
const connectionName = "coupang"

// inProcess is the engine that runs the plugin in this process through the SDK.
type inProcess struct {
	runner *inprocess.Runner
	start  int64
}

// startInProcess starts the plugin in this process with a connection config (HCL attributes).
// The SDK's logs go to logs at the given level ("off" by default, "info" with --verbose).
func startInProcess(ctx context.Context, config string, logs io.Writer, level string) (engine, error) {
	return startInProcessWith(ctx, config, inprocess.WithLogOutput(logs, level))
}

// startInProcessWith is startInProcess with the runner's options.
func startInProcessWith(ctx context.Context, config string, opts ...inprocess.Option) (engine, error) {
	countHTTPRequests()
	r, err := inprocess.New(ctx, connectionName, config, opts...)
	if err != nil {
		return nil, err
	}
	return &inProcess{runner: r, start: httpRequests.Load()}, nil
}

// Schema implements engine.
func (e *inProcess) Schema() map[string]*proto.TableSchema { return e.runner.Schema() }

// Query implements engine.
func (e *inProcess) Query(ctx context.Context, table string, columns []string, quals []pushedQual, limit int64, onRow func(row) error) error {
	q := inprocess.Query{Table: table, Columns: columns, Limit: limit}
	for _, pq := range quals {
		q.Quals = append(q.Quals, inprocess.Qual{Column: pq.Column, Operator: pq.Operator, Value: pq.Value})
	}
	return e.runner.Query(ctx, q, onRow)
}

// Requests implements engine: HTTP requests (retries included) since the engine started.
func (e *inProcess) Requests() int64 { return httpRequests.Load() - e.start }

// Close implements engine.
func (e *inProcess) Close() {}

// httpRequests counts the process's HTTP requests, for the progress line. The plugin's API client
// sends through http.DefaultTransport, which countHTTPRequests wraps once.
var (
	httpRequests atomic.Int64
	countingOnce sync.Once
)

func countHTTPRequests() {
	countingOnce.Do(func() {
		http.DefaultTransport = countingTransport{next: http.DefaultTransport}
	})
}

// countingTransport counts requests and passes them on.
type countingTransport struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	httpRequests.Add(1)
	return t.next.RoundTrip(req)
}
