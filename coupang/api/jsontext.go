package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The decoder reads a body in two steps. parseBody checks the whole body once, with the grammar and
// nesting limit of encoding/json; below that, objects and arrays are only split into members and
// elements that point into the body, and each leaf is converted once, where it is read. Checking
// every nesting level again with json.Unmarshal (as the decoder once did) cost milliseconds a page,
// and even json.Valid alone costs more than this file's checker, whose verdict must equal it
// (FuzzValidJSON compares the two).

// maxNestingDepth is encoding/json's limit on nested objects and arrays; a deeper body is malformed.
const maxNestingDepth = 10000

// member is one member of a JSON object: its key (unescaped) and its raw value.
type member struct {
	key []byte
	val json.RawMessage
}

// rawObject is a JSON object's members in document order, as slices of the body.
type rawObject []member

// get returns the value of the last member named name, as decoding into a map would; nil if none.
// Keys match exactly (encoding/json's struct decoding would also match other cases).
func (o rawObject) get(name string) json.RawMessage {
	for i := len(o) - 1; i >= 0; i-- {
		if string(o[i].key) == name {
			return o[i].val
		}
	}
	return nil
}

// parseBody checks body's syntax and splits it as an object; null gives nil. It is the only entry
// for untrusted bytes: the split functions below trust that their input passed it.
func parseBody(body []byte) (rawObject, error) {
	if isNull(body) {
		return nil, nil
	}
	if t := bytes.TrimSpace(body); t[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", kindOfJSON(t))
	}
	if !validJSON(body) {
		var o map[string]json.RawMessage
		if err := json.Unmarshal(body, &o); err != nil {
			return nil, err // encoding/json's own description of what is wrong
		}
		return nil, errMalformed // unreachable while validJSON agrees with json.Valid
	}
	return splitObject(body, nil)
}

// errMalformed reports checked JSON that the splitter cannot read; it means a bug, not a bad body.
var errMalformed = errors.New("malformed JSON")

// splitObject appends the members of the object raw to dst; null or absent gives nil, and an empty
// object a non-nil empty rawObject. raw must be part of a body parseBody accepted; on anything else
// it returns an error rather than panic.
func splitObject(raw []byte, dst rawObject) (rawObject, error) {
	if isNull(raw) {
		return nil, nil
	}
	t := bytes.TrimSpace(raw)
	if t[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", kindOfJSON(t))
	}
	o := dst[:0]
	if o == nil {
		o = rawObject{}
	}
	i := skipSpace(t, 1)
	if i < len(t) && t[i] == '}' {
		return o, nil
	}
	for i < len(t) {
		keyEnd := stringEnd(t, i)
		if keyEnd < 0 {
			return nil, errMalformed
		}
		key := t[i+1 : keyEnd-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			s, err := parseString(t[i:keyEnd])
			if err != nil {
				return nil, err
			}
			key = []byte(s)
		}
		i = skipSpace(t, keyEnd)
		if i >= len(t) || t[i] != ':' {
			return nil, errMalformed
		}
		i = skipSpace(t, i+1)
		end := valueEnd(t, i)
		if end < 0 {
			return nil, errMalformed
		}
		o = append(o, member{key: key, val: t[i:end]})
		i = skipSpace(t, end)
		if i < len(t) && t[i] == '}' {
			return o, nil
		}
		if i >= len(t) || t[i] != ',' {
			return nil, errMalformed
		}
		i = skipSpace(t, i+1)
	}
	return nil, errMalformed
}

// splitArray appends the elements of the array raw to dst; null or absent gives nil. Like
// splitObject, it trusts raw to be part of a checked body.
func splitArray(raw []byte, dst []json.RawMessage) ([]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	t := bytes.TrimSpace(raw)
	if t[0] != '[' {
		return nil, fmt.Errorf("%s is not an array", kindOfJSON(t))
	}
	a := dst[:0]
	if a == nil {
		a = []json.RawMessage{}
	}
	i := skipSpace(t, 1)
	if i < len(t) && t[i] == ']' {
		return a, nil
	}
	for i < len(t) {
		end := valueEnd(t, i)
		if end < 0 {
			return nil, errMalformed
		}
		a = append(a, t[i:end])
		i = skipSpace(t, end)
		if i < len(t) && t[i] == ']' {
			return a, nil
		}
		if i >= len(t) || t[i] != ',' {
			return nil, errMalformed
		}
		i = skipSpace(t, i+1)
	}
	return nil, errMalformed
}

// isSpace reports JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the checked string that starts at b[i], or -1.
func stringEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; ; j++ {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		// In checked JSON a quote is escaped exactly when an odd run of backslashes precedes it.
		n := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
	}
}

// valueEnd returns the index just past the checked value that starts at b[i], or -1.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := stringEnd(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// unquote decodes the checked JSON string s (quotes included) exactly as encoding/json decodes a
// string: escapes resolved, a lone or broken surrogate and each byte of invalid UTF-8 replaced
// by U+FFFD. A string without escapes or bad bytes costs one copy.
func unquote(s []byte) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	s = s[1 : len(s)-1]
	if bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s), true
	}
	var b strings.Builder
	b.Grow(len(s) + utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			if r+1 >= len(s) {
				return "", false
			}
			switch e := s[r+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				rr := hex4(s[r+2:])
				if rr < 0 {
					return "", false
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+1 < len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:])); dec != unicode.ReplacementChar {
							b.WriteRune(dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				b.WriteRune(rr)
				continue
			default:
				return "", false
			}
			r += 2
		case c == '"' || c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b.WriteRune(rr)
			r += size
		}
	}
	return b.String(), true
}

// hex4 reads the four hex digits at the start of s, or returns -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// validJSON reports whether b is one JSON value with optional surrounding whitespace, accepting
// exactly what json.Valid accepts (invalid UTF-8 inside strings included, nesting to
// maxNestingDepth), in one pass without allocating.
func validJSON(b []byte) bool {
	c := checker{b: b}
	return c.value(0) && skipSpace(b, c.i) == len(b)
}

// checker is validJSON's recursive-descent state: the input and the read position.
type checker struct {
	b []byte
	i int
}

// value checks the value at the read position (after whitespace), inside depth containers.
func (c *checker) value(depth int) bool {
	c.i = skipSpace(c.b, c.i)
	if c.i >= len(c.b) {
		return false
	}
	switch ch := c.b[c.i]; {
	case ch == '{' || ch == '[':
		return c.container(depth + 1)
	case ch == '"':
		return c.str()
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.literal("null")
	case ch == '-' || '0' <= ch && ch <= '9':
		return c.number()
	}
	return false
}

// container checks the object or array at the read position, the depth-th level of nesting.
func (c *checker) container(depth int) bool {
	if depth > maxNestingDepth {
		return false
	}
	closing := byte(']')
	if c.b[c.i] == '{' {
		closing = '}'
	}
	c.i = skipSpace(c.b, c.i+1)
	if c.i < len(c.b) && c.b[c.i] == closing {
		c.i++
		return true
	}
	for {
		if closing == '}' {
			c.i = skipSpace(c.b, c.i)
			if c.i >= len(c.b) || c.b[c.i] != '"' || !c.str() {
				return false
			}
			c.i = skipSpace(c.b, c.i)
			if c.i >= len(c.b) || c.b[c.i] != ':' {
				return false
			}
			c.i++
		}
		if !c.value(depth) {
			return false
		}
		c.i = skipSpace(c.b, c.i)
		if c.i >= len(c.b) {
			return false
		}
		switch c.b[c.i] {
		case ',':
			c.i++
		case closing:
			c.i++
			return true
		default:
			return false
		}
	}
}

// str checks the string at the read position: no control characters, only JSON's escapes.
func (c *checker) str() bool {
	for j := c.i + 1; j < len(c.b); j++ {
		switch ch := c.b[j]; {
		case ch == '"':
			c.i = j + 1
			return true
		case ch < ' ':
			return false
		case ch == '\\':
			if j+1 >= len(c.b) {
				return false
			}
			switch c.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if hex4(c.b[j+2:]) < 0 {
					return false
				}
				j += 5
			default:
				return false
			}
		}
	}
	return false
}

// literal checks that the read position holds word.
func (c *checker) literal(word string) bool {
	if len(c.b)-c.i < len(word) || string(c.b[c.i:c.i+len(word)]) != word {
		return false
	}
	c.i += len(word)
	return true
}

// number checks a number at the read position: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (c *checker) number() bool {
	b, i := c.b, c.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		start := i + 1
		if i = digits(b, start); i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		if i = digits(b, i); i == start {
			return false
		}
	}
	c.i = i
	return true
}

// digits returns the index of the first byte at or after i that is not a decimal digit.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
