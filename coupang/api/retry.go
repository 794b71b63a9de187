package api

import (
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

// do runs one GET call: attempts with retries of retryable failures, each attempt waited for,
// freshly signed and decoded with decode (so that a retryable code inside a body is retried too).
func (c *Client) do(ctx context.Context, path, query string, decode func([]byte) error) error {
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, path, query, attempt, decode)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return cancelled(ctx, path, attempt)
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			return err // the wait hook failed: not an API error
		}
		apiErr.Attempts = attempt
		if !apiErr.Kind.Retryable() || apiErr.unreachable() || attempt >= c.maxAttempts {
			return apiErr
		}
		delay := c.backoff(attempt, apiErr.retryAfter)
		c.log.Warn("coupang api call failed, retrying", "method", http.MethodGet, "path", path,
			"attempt", attempt, "kind", apiErr.Kind.String(), "status", apiErr.StatusCode, "delay", delay)
		if err := c.sleep(ctx, delay); err != nil {
			return cancelled(ctx, path, attempt)
		}
	}
}

// cancelled wraps the context's error with the call it interrupted.
func cancelled(ctx context.Context, path string, attempts int) error {
	return fmt.Errorf("coupang api GET %s: stopped after %d attempt(s): %w", path, attempts, ctx.Err())
}

// attempt sends one request and decodes its answer. It returns an *Error for every failure except
// one of the wait hook.
func (c *Client) attempt(ctx context.Context, path, query string, n int, decode func([]byte) error) error {
	if c.wait != nil {
		if err := c.wait(ctx); err != nil {
			return fmt.Errorf("coupang api GET %s: waiting for the rate limiter: %w", path, err)
		}
	}
	actx := ctx
	if c.reserve != nil {
		sent, err := c.reserve(ctx)
		if err != nil {
			return fmt.Errorf("coupang api GET %s: waiting for the rate budget: %w", path, err)
		}
		once := sync.OnceFunc(sent)
		defer once()
		actx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once() }})
	}
	actx, cancel := context.WithTimeout(actx, c.timeout)
	defer cancel()
	start := time.Now()
	status, header, body, err := c.send(actx, path, query)
	if err == nil {
		err = c.check(status, header, body, decode)
	}
	apiErr := c.finish(err, path, status, actx)
	c.report(ctx, path, n, status, time.Since(start), apiErr)
	if apiErr != nil {
		return apiErr
	}
	return nil
}

// send signs and sends one GET and reads the whole body.
func (c *Client) send(ctx context.Context, path, query string) (int, http.Header, []byte, error) {
	target := c.base + path
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, nil, nil, &Error{Kind: KindBadRequest, Message: "cannot build the request URL", Err: err}
	}
	req.URL.RawQuery = query // exactly as signed; never re-encoded
	req.Header.Set("Authorization", Authorization(c.accessKey, c.secretKey, c.now(), http.MethodGet, path, query))
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("X-Requested-By", c.vendorID)
	req.Header.Set("X-EXTENDED-TIMEOUT", ExtendedTimeoutMillis)
	req.Header.Set("User-Agent", "steampipe-plugin-coupang")
	c.requests.Add(1)
	c.log.Trace("coupang api request", "method", http.MethodGet, "path", path)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, networkError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return resp.StatusCode, resp.Header, nil, networkError(fmt.Errorf("reading the response body: %w", err))
	}
	if len(body) > maxBodyBytes {
		return resp.StatusCode, resp.Header, nil, &Error{Kind: KindDecode, Message: fmt.Sprintf("response body larger than %d bytes", maxBodyBytes)}
	}
	return resp.StatusCode, resp.Header, body, nil
}

// networkError classifies a transport failure.
func networkError(err error) *Error {
	return &Error{Kind: KindNetwork, Message: transportMessage(err), Hint: hintNetwork, Err: err}
}

// transportMessage is err's text without the *url.Error's URL prefix.
func transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// check classifies a response that arrived and decodes a successful one.
func (c *Client) check(status int, header http.Header, body []byte, decode func([]byte) error) error {
	if status < 200 || status > 299 {
		e := statusError(status, header.Get("Location"), body)
		e.retryAfter = parseRetryAfter(header.Get("Retry-After"), c.now())
		return e
	}
	if !looksLikeJSON(body) {
		return &Error{Kind: KindDecode, Message: describeBody(body, status), Hint: hintDecode}
	}
	return decode(body)
}

// finish completes err (an *Error from send, check or decode) with the call's facts, turns a
// per-attempt timeout into a network error and removes anything secret from its text.
func (c *Client) finish(err error, path string, status int, actx context.Context) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: KindDecode, Message: err.Error(), Err: err}
	}
	e.Method, e.Path = http.MethodGet, path
	if e.StatusCode == 0 {
		e.StatusCode = status
	}
	if e.Kind == KindNetwork && errors.Is(actx.Err(), context.DeadlineExceeded) {
		e.Message = fmt.Sprintf("no complete answer within %s (per-attempt timeout): %s", c.timeout, e.Message)
	}
	e.Message = c.redact(e.Message)
	return e
}

// report logs one attempt and passes it to the OnRequest hook and the context's request hook.
func (c *Client) report(ctx context.Context, path string, n, status int, d time.Duration, err *Error) {
	info := RequestInfo{Method: http.MethodGet, Path: path, Attempt: n, StatusCode: status, Duration: d}
	if err != nil {
		info.Kind = err.Kind
		c.log.Debug("coupang api attempt failed", "method", info.Method, "path", path, "attempt", n,
			"status", status, "duration", d, "error", err.Error())
	} else {
		c.log.Debug("coupang api attempt", "method", info.Method, "path", path, "attempt", n, "status", status, "duration", d)
	}
	if c.onRequest != nil {
		c.onRequest(info)
	}
	if hook, ok := ctx.Value(requestHookKey{}).(func(RequestInfo)); ok {
		hook(info)
	}
}

type requestHookKey struct{}

// WithRequestHook returns a context whose calls also report every HTTP attempt to hook. It serves
// a caller that counts the requests of its own queries on a client it did not build (the
// in-process runner behind the export's progress line), without touching http.DefaultTransport.
func WithRequestHook(ctx context.Context, hook func(RequestInfo)) context.Context {
	return context.WithValue(ctx, requestHookKey{}, hook)
}

// backoff is the delay before attempt n+1: the server's Retry-After when given (capped), else
// exponential backoff with full jitter between MinBackoff and min(MaxBackoff, MinBackoff*2^n).
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.maxRetryAfter)
	}
	ceiling := c.maxBackoff
	if n < 30 && c.minBackoff<<n > 0 && c.minBackoff<<n < ceiling {
		ceiling = c.minBackoff << n
	}
	if ceiling <= c.minBackoff {
		return c.minBackoff
	}
	return c.minBackoff + rand.N(ceiling-c.minBackoff+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. 0 means absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
