package api

import (
	"errors"
	"fmt"
)

// ErrorKind classifies a failed call by what the user should do about it.
type ErrorKind int

// The error kinds. Only RateLimited, Server and Network are retried.
const (
	KindBadRequest  ErrorKind = iota + 1 // 400: a parameter Coupang rejected
	KindAuth                             // 401: wrong keys or a skewed clock
	KindForbidden                        // 403: IP not registered, or blocked
	KindNotFound                         // 404: wrong path, vendor or id
	KindRateLimited                      // 429
	KindServer                           // 5xx
	KindNetwork                          // connection errors and timeouts
	KindDecode                           // a body that is not Coupang's JSON, or a non-200 code in it
)

// String names the kind in a few words.
func (k ErrorKind) String() string {
	switch k {
	case KindBadRequest:
		return "bad request"
	case KindAuth:
		return "authentication failed"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not found"
	case KindRateLimited:
		return "rate limited"
	case KindServer:
		return "server error"
	case KindNetwork:
		return "network error"
	case KindDecode:
		return "unexpected response"
	}
	return "error"
}

// Retryable reports whether a request that failed this way may be sent again.
func (k ErrorKind) Retryable() bool {
	return k == KindRateLimited || k == KindServer || k == KindNetwork
}

// Error is a failed call to Coupang. Its message never contains a key or a signature.
type Error struct {
	Kind       ErrorKind
	Method     string
	Path       string // path only, no query
	StatusCode int    // 0 for network errors
	Code       string // the body's code, when there was one
	Message    string // Coupang's message, or a short description of the body
	Hint       string // what the user should check
	Attempts   int
	Err        error // the underlying cause, if any
}

// Error implements error.
func (e *Error) Error() string {
	msg := fmt.Sprintf("coupang api %s %s: %s", e.Method, e.Path, e.Kind)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	} else if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err if it is or wraps an *Error, else 0.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
