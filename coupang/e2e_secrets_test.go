package coupang_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// captureStderr sends everything written to os.Stderr (by the SDK's default loggers, package log
// or anyone else) to buf until the returned function is called.
func captureStderr(t *testing.T, buf io.Writer) (restore func()) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	orig := os.Stderr
	os.Stderr = w
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(buf, r)
	}()
	return func() {
		os.Stderr = orig
		_ = w.Close()
		<-done
		_ = r.Close()
	}
}

var signaturePattern = regexp.MustCompile(`signature=([0-9a-f]{64})`)

// TestSecretsNeverLogged runs queries through the plugin at TRACE level, with retries, failures
// and a server that echoes the Authorization header back, and checks that neither the secret key
// nor any signature the client sent appears in any log line (the plugin's logger, package log and
// stderr) or error.
func TestSecretsNeverLogged(t *testing.T) {
	// Not parallel: it sets STEAMPIPE_LOG_LEVEL, swaps os.Stderr and reads package log's output.
	const secret = "Sup3r-S3cret-Key-4f9a0c"
	const wrongSecret = "Wr0ng-S3cret-Key-77b1e2"
	t.Setenv("STEAMPIPE_LOG_LEVEL", "TRACE")
	ctx := tuneClient(t, time.Minute)
	logs := &lockedBuffer{}
	restore := captureStderr(t, logs)
	defer restore()

	sb, base := startSandbox(t, sandbox.Options{Seed: 3, Days: 20, PerDay: 6, SecretKey: secret})
	var mu sync.Mutex
	var signatures []string
	var step int
	failedOnce := map[string]bool{} // step 1: requests (path and query) whose first attempt failed
	sb.SetFault(func(n int64, r *http.Request) *sandbox.Fault {
		auth := r.Header.Get("Authorization")
		mu.Lock()
		defer mu.Unlock()
		if m := signaturePattern.FindStringSubmatch(auth); m != nil {
			signatures = append(signatures, m[1])
		}
		switch step {
		case 1: // each request's first attempt fails, its retry succeeds (per request, not per
			// arrival order: windows are fetched concurrently)
			if key := r.URL.RequestURI(); !failedOnce[key] {
				failedOnce[key] = true
				return sandbox.FaultStatus(500, "Internal Server Error")
			}
		case 2: // a server echoing the request's Authorization header and query in its errors
			return sandbox.FaultStatus(500, "bad request "+auth+" for "+r.URL.String()+" key "+secret)
		case 3:
			return &sandbox.Fault{Kind: sandbox.KindBody, Status: 403, ContentType: "text/html",
				Body: []byte("<html><title>Denied " + auth + "</title><body>" + auth + "</body></html>")}
		case 4: // persistent 429 with Retry-After: retried, then an error
			return sandbox.FaultRateLimited("1")
		}
		return nil
	})

	cfg := func(secretKey string) string {
		return fmt.Sprintf("vendor_id = %q\naccess_key = %q\nsecret_key = %q\nbase_url = %q\n", sb.VendorID(), sb.AccessKey(), secretKey, base)
	}
	r, err := inprocess.New(context.Background(), "coupang", cfg(secret), append(rowMode(), inprocess.WithLogOutput(logs, "trace"), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err)
	wrong, err := inprocess.New(context.Background(), "coupang_wrong", cfg(wrongSecret), append(rowMode(), inprocess.WithLogOutput(logs, "trace"), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err)

	lo, hi := threeWindows()
	list := inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1}
	get := inprocess.Query{Table: inquiryTable, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: sb.Inquiries()[0].InquiryID}}, Limit: -1}
	var errs []string
	clock := newStepClock()
	ctx = clock.context(ctx)
	for s := 0; s <= 4; s++ {
		mu.Lock()
		step = s
		mu.Unlock()
		clock.advance(time.Hour) // each step asks Coupang: nothing fetched in the last one is reused
		for _, q := range []inprocess.Query{list, get, {Table: replyTable, Quals: list.Quals, Limit: -1}} {
			_, err := runQuery(ctx, r, q)
			if s <= 1 {
				require.NoError(t, err, "step %d", s)
			} else {
				require.Error(t, err, "step %d", s)
				errs = append(errs, err.Error())
			}
		}
	}
	mu.Lock()
	step = 0
	mu.Unlock()
	for _, q := range []inprocess.Query{list, get} {
		_, err := runQuery(ctx, wrong, q)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Invalid signature.")
		errs = append(errs, err.Error())
	}
	restore()

	out := logs.String()
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, signatures)
	require.Contains(t, out, "coupang api call failed, retrying", "the client's retries are logged")
	require.Contains(t, out, "[TRACE]", "TRACE level is on")
	for name, text := range map[string]string{"logs": out, "errors": strings.Join(errs, "\n")} {
		for _, key := range []string{secret, wrongSecret} {
			assert.NotContains(t, text, key, "secret key in %s", name)
		}
		for _, sig := range signatures {
			if strings.Contains(text, sig) {
				t.Errorf("signature %s… in %s", sig[:8], name)
			}
		}
		assert.NotRegexp(t, `signature=[0-9a-f]{8}`, text, name)
	}
	t.Logf("%d signatures, %d bytes of TRACE logs, %d errors checked", len(signatures), len(out), len(errs))
}

// TestPlainHTTPOnlyForLoopback checks that a base_url with http:// to a host that is not loopback
// is refused with a message saying why and what to use, before any request; loopback is allowed.
func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	t.Parallel()
	for _, base := range []string{
		"http://api-gateway.coupang.com",
		"http://10.0.0.1:8080",
		"http://169.254.169.254",
		"http://localhost.example.com",
		"http://127.0.0.1.nip.io",
		"http://[::ffff:10.0.0.1]",
	} {
		t.Run(base, func(t *testing.T) {
			cfg := fmt.Sprintf("vendor_id = \"A00012345\"\naccess_key = \"ak\"\nsecret_key = \"sk-secret-value\"\nbase_url = %q\n", base)
			r, err := inprocess.New(context.Background(), "coupang", cfg)
			require.NoError(t, err, "an invalid config is reported when a query runs")
			_, err = runQuery(t.Context(), r, inprocess.Query{Table: inquiryTable, Limit: -1})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "uses http: use https")
			assert.Contains(t, err.Error(), "http is allowed only for loopback hosts")
			assert.NotContains(t, err.Error(), "sk-secret-value")
		})
	}
	for _, base := range []string{"ftp://api-gateway.coupang.com", "https://user:pw@api-gateway.coupang.com"} {
		cfg := fmt.Sprintf("vendor_id = \"A00012345\"\naccess_key = \"ak\"\nsecret_key = \"sk\"\nbase_url = %q\n", base)
		r, err := inprocess.New(context.Background(), "coupang", cfg)
		require.NoError(t, err)
		_, err = runQuery(t.Context(), r, inprocess.Query{Table: inquiryTable, Limit: -1})
		require.Error(t, err, base)
		assert.NotContains(t, err.Error(), "pw@", "credentials in a URL are not echoed")
	}
	// Loopback over http is the sandbox's way and works.
	e := startFaultEnv(t, sandbox.Options{Days: 3, PerDay: 2}, nil, &fastLimiter)
	_, err := runQuery(t.Context(), e.r, inprocess.Query{Table: inquiryTable, Limit: -1})
	require.NoError(t, err)
}
