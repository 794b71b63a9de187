package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// get runs one GET call and returns what decode made of the answer: attempts with retries of
// retryable failures, each attempt waited for, freshly signed and decoded (so that a retryable code
// inside a body is retried too).
func get[T any](ctx context.Context, c *Client, path, query string, decode func([]byte) (*T, error)) (*T, error) {
	for attempt := 1; ; attempt++ {
		v, err := attemptOnce(ctx, c, path, query, attempt, decode)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return nil, cancelled(ctx, path, attempt)
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			return nil, err // a wait hook failed: not an API error
		}
		apiErr.Attempts = attempt
		if !apiErr.Kind.Retryable() || apiErr.unreachable() || attempt >= c.cfg.MaxAttempts {
			return nil, apiErr
		}
		delay := c.backoff(attempt, apiErr.retryAfter)
		c.cfg.Logger.Warn("coupang api call failed, retrying", "method", http.MethodGet, "path", path,
			"attempt", attempt, "kind", apiErr.Kind.String(), "status", apiErr.StatusCode, "delay", delay)
		if err := c.sleep(ctx, delay); err != nil {
			return nil, cancelled(ctx, path, attempt)
		}
	}
}

// cancelled wraps the context's error with the call it interrupted.
func cancelled(ctx context.Context, path string, attempts int) error {
	return fmt.Errorf("coupang api GET %s: stopped after %d attempt(s): %w", path, attempts, ctx.Err())
}

// attemptOnce sends one request and decodes its answer. It returns an *Error for every failure
// except one of the wait hooks, and reports the attempt to the log and the request hook.
func attemptOnce[T any](ctx context.Context, c *Client, path, query string, n int, decode func([]byte) (*T, error)) (*T, error) {
	if c.wait != nil {
		if err := c.wait(ctx); err != nil {
			return nil, fmt.Errorf("coupang api GET %s: waiting for the rate limiter: %w", path, err)
		}
	}
	actx := ctx
	if c.reserve != nil {
		sent, err := c.reserve(ctx)
		if err != nil {
			return nil, fmt.Errorf("coupang api GET %s: waiting for the rate budget: %w", path, err)
		}
		once := sync.OnceFunc(sent)
		defer once()
		actx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once() }})
	}
	actx, cancel := context.WithTimeout(actx, c.cfg.Timeout)
	defer cancel()
	start := time.Now()
	status, body, err := c.send(actx, path, query)
	var v *T
	if err == nil {
		v, err = decode(body)
	}
	info := RequestInfo{Method: http.MethodGet, Path: path, Attempt: n, StatusCode: status, Duration: time.Since(start)}
	var e *Error
	if err != nil {
		if !errors.As(err, &e) {
			e = &Error{Kind: KindDecode, Message: err.Error(), Err: err}
		}
		e.Method, e.Path, e.StatusCode = http.MethodGet, path, cmp.Or(e.StatusCode, status)
		if e.Kind == KindNetwork && errors.Is(actx.Err(), context.DeadlineExceeded) {
			e.Message = fmt.Sprintf("no complete answer within %s (per-attempt timeout): %s", c.cfg.Timeout, e.Message)
		}
		e.Message = c.redact(e.Message)
		info.Kind = e.Kind
		c.cfg.Logger.Debug("coupang api attempt failed", "method", info.Method, "path", path, "attempt", n,
			"status", status, "duration", info.Duration, "error", e.Error())
	} else {
		c.cfg.Logger.Debug("coupang api attempt", "method", info.Method, "path", path, "attempt", n, "status", status, "duration", info.Duration)
	}
	if hook, ok := ctx.Value(requestHookKey{}).(func(RequestInfo)); ok {
		hook(info)
	}
	if e != nil {
		return nil, e
	}
	return v, nil
}

// send signs and sends one GET and reads the whole body, which it returns only for a 2xx JSON answer.
func (c *Client) send(ctx context.Context, path, query string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.BaseURL+path, nil)
	if err != nil {
		return 0, nil, &Error{Kind: KindBadRequest, Message: "cannot build the request URL", Err: err}
	}
	req.URL.RawQuery = query // exactly as signed; never re-encoded
	req.Header.Set("Authorization", Authorization(c.cfg.AccessKey, c.cfg.SecretKey, c.cfg.Now(), http.MethodGet, path, query))
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Requested-By", c.cfg.VendorID)
	req.Header.Set("X-EXTENDED-TIMEOUT", "90000") // lifts the gateway's 3 s backend timeout
	req.Header.Set("User-Agent", "steampipe-plugin-coupang")
	c.cfg.Logger.Trace("coupang api request", "method", http.MethodGet, "path", path)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, networkError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	switch status := resp.StatusCode; {
	case err != nil:
		return status, nil, networkError(fmt.Errorf("reading the response body: %w", err))
	case len(body) > maxBodyBytes:
		return status, nil, &Error{Kind: KindDecode, Message: fmt.Sprintf("response body larger than %d bytes", maxBodyBytes)}
	case status < 200 || status > 299:
		e := statusError(status, resp.Header.Get("Location"), body)
		e.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return status, nil, e
	case !looksLikeJSON(body):
		return status, nil, &Error{Kind: KindDecode, Message: describeBody(body, status), Hint: hintDecode}
	}
	return resp.StatusCode, body, nil
}

// networkError classifies a transport failure; its message leaves out the *url.Error's URL.
func networkError(err error) *Error {
	msg := err.Error()
	if ue := (*url.Error)(nil); errors.As(err, &ue) && ue.Err != nil {
		msg = ue.Err.Error()
	}
	return &Error{Kind: KindNetwork, Message: msg, Hint: hintNetwork, Err: err}
}

type requestHookKey struct{}

// WithRequestHook returns a context whose calls report every HTTP attempt to hook, for progress
// and metrics: it serves a caller that counts the requests of its own queries on a client it did
// not build (the in-process runner behind the export's progress line), without touching
// http.DefaultTransport.
func WithRequestHook(ctx context.Context, hook func(RequestInfo)) context.Context {
	return context.WithValue(ctx, requestHookKey{}, hook)
}

// backoff is the delay before attempt n+1: the server's Retry-After when given (capped), else
// exponential backoff with full jitter between MinBackoff and min(MaxBackoff, MinBackoff*2^n).
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	lo, ceiling := c.cfg.MinBackoff, c.cfg.MaxBackoff
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.MaxRetryAfter)
	}
	if n < 30 && lo<<n > 0 && lo<<n < ceiling {
		ceiling = lo << n
	}
	if ceiling <= lo {
		return lo
	}
	return lo + rand.N(ceiling-lo+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. 0 means absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Sleep waits for d or until ctx is done, and then returns ctx.Err(); d <= 0 returns nil at once.
// The client waits between attempts with it, the shared rate budget between checks and the
// sandbox for its latencies.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d): // no Stop needed: an unreferenced timer is collected (Go 1.23+)
		return nil
	}
}
