package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Tolerant field types: Coupang's JSON is not always typed as documented (IDs as numbers or numeric
// strings, vendorItemId as one value or an array, booleans as "Y", times in several layouts, null
// for any missing value). Each type reads such a member exactly (an ID never goes through float64)
// or fails naming the offending value.

// typeError is a tolerant type's error as an encoding/json type error, so that encoding/json fills
// in the member (Field); Value holds the message.
func typeError[T any](format string, args ...any) error {
	return &json.UnmarshalTypeError{Value: fmt.Sprintf(format, args...), Type: reflect.TypeFor[T]()}
}

// Int64 is an integer sent as a JSON number or a numeric string ("12", " +12 ", "12.0"). null and
// "" read as 0; anything else that is not a whole number is an error.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	*n = 0
	if isNull(b) {
		return nil
	}
	t := bytes.TrimSpace(b)
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return err
		}
		if t = []byte(strings.TrimSpace(s)); len(t) == 0 {
			return nil
		}
	}
	v, err := strconv.ParseInt(string(t), 10, 64)
	if whole, frac, ok := bytes.Cut(t, []byte(".")); err != nil && ok && len(bytes.Trim(frac, "0")) == 0 {
		v, err = strconv.ParseInt(string(whole), 10, 64) // some senders write IDs with a zero fraction
	}
	if err != nil {
		return typeError[Int64]("%s is not an integer", sanitize(string(t), 40))
	}
	*n = Int64(v)
	return nil
}

// Int64s is a list of IDs sent as an array of Int64 values or as a single one. Zeros and nulls are
// left out, and null, "" or an empty array read as an empty (never nil) list.
type Int64s []int64

// UnmarshalJSON implements json.Unmarshaler.
func (l *Int64s) UnmarshalJSON(b []byte) error {
	*l = Int64s{}
	items, t := []json.RawMessage{b}, bytes.TrimSpace(b)
	array := len(t) > 0 && t[0] == '['
	if array {
		_ = json.Unmarshal(t, &items) // cannot fail: encoding/json hands an Unmarshaler only valid JSON
	}
	for i, raw := range items {
		var n Int64
		if err := n.UnmarshalJSON(raw); err != nil && array {
			return typeError[Int64s]("[%d]: %v", i, jsonError(err))
		} else if err != nil {
			return err
		}
		if n != 0 {
			*l = append(*l, int64(n))
		}
	}
	return nil
}

// String is text sent as a JSON string; a number or boolean reads as its literal text and null as
// "". An object or an array is an error.
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	switch {
	case isNull(t):
		*s = ""
	case t[0] == '"':
		// The common case, nothing to unescape or replace, needs no second scan (encoding/json hands
		// an Unmarshaler only valid JSON, so the quotes match).
		if in := t[1 : len(t)-1]; bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
			*s = String(in)
			return nil
		}
		return json.Unmarshal(t, (*string)(s))
	case t[0] == '{' || t[0] == '[':
		return typeError[String]("expected a string, got %s", kindOfJSON(t))
	default:
		*s = String(t)
	}
	return nil
}

// Bool is a JSON boolean, or a String such as "true", "Y", "yes" or 1 (and their negations); null
// and "" read as false.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	var s String
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "", "false", "0", "n", "no":
		*v = false
	case "true", "1", "y", "yes":
		*v = true
	default:
		return typeError[Bool]("%s is not a boolean", sanitize(string(s), 40))
	}
	return nil
}

// Timestamp is a time sent as a string in one of TimeLayouts; Time is in KST (an offset is kept as
// the instant), or nil for null and "". A number, boolean, object or array is an error.
type Timestamp struct{ Time *time.Time }

// TimeLayouts are the layouts of the times Coupang sends, read in KST unless they carry an offset.
var TimeLayouts = []string{time.DateTime, "2006-01-02T15:04:05", DateLayout, time.RFC3339, "2006-01-02 15:04:05Z07:00"}

// UnmarshalJSON implements json.Unmarshaler.
func (ts *Timestamp) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	if !isNull(t) && t[0] != '"' {
		return typeError[Timestamp]("expected a time string, got %s", kindOfJSON(t))
	}
	var s String
	if err := s.UnmarshalJSON(t); err != nil {
		return err
	}
	text := strings.TrimSpace(string(s))
	if text == "" {
		ts.Time = nil
		return nil
	}
	for _, layout := range TimeLayouts {
		if v, err := time.ParseInLocation(layout, text, KST); err == nil {
			ts.Time = new(v.In(KST))
			return nil
		}
	}
	return typeError[Timestamp]("%q is not a time in a known layout (yyyy-MM-dd HH:mm:ss, RFC 3339 or yyyy-MM-dd)", sanitize(text, 40))
}

func isNull(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// kindOfJSON names the JSON type of a trimmed value that is neither a string nor null.
func kindOfJSON(t []byte) string {
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
