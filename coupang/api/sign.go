package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// SignedDateLayout is the layout of the CEA signed-date: UTC, yyMMdd'T'HHmmss'Z'.
const SignedDateLayout = "060102T150405Z"

// Signature returns the lowercase hex HMAC-SHA256 of signedDate+method+path+query, keyed with the
// secret key. query is the exact encoded query string that is sent, without the leading '?'.
func Signature(secretKey, signedDate, method, path, query string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(signedDate + method + path + query))
	return hex.EncodeToString(mac.Sum(nil))
}

// Authorization returns the value of the Authorization header for one request signed at t.
func Authorization(accessKey, secretKey string, t time.Time, method, path, query string) string {
	signedDate := t.UTC().Format(SignedDateLayout)
	return fmt.Sprintf("CEA algorithm=HmacSHA256, access-key=%s, signed-date=%s, signature=%s",
		accessKey, signedDate, Signature(secretKey, signedDate, method, path, query))
}
