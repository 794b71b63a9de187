package api

// The hand-written JSON checker and decoder that encoding/json and the tolerant types replaced,
// kept while FuzzDecodersAgree compares the two on every input.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// legacyDecodeListResponse decodes a body of the list endpoint tolerantly (see the package's wire notes:
// code number or string, vendorItemId number/string/array, times in several layouts, nulls). A body
// that is not Coupang's JSON, or whose code is not 200, gives an *Error; it never panics and never
// returns an empty page for a bad body.
func legacyDecodeListResponse(body []byte) (*Page, error) {
	data, err := legacyEnvelope(body)
	if err != nil {
		return nil, err
	}
	o, err := legacySplitObject(data, nil)
	if err != nil || o == nil {
		return nil, decodeErr("the list response's data is %s, not an object", kindOfJSON(data))
	}
	items, err := legacySplitArray(o.get("content"), nil)
	if err != nil {
		return nil, decodeErr("data.content: %v", err)
	}
	page := &Page{Inquiries: make([]Inquiry, 0, len(items))}
	for i, raw := range items {
		inq, err := legacyDecodeInquiry(raw)
		if err != nil {
			return nil, decodeErr("data.content[%d]: %v", i, err)
		}
		page.Inquiries = append(page.Inquiries, inq)
	}
	if page.Pagination, err = legacyDecodePagination(o.get("pagination")); err != nil {
		return nil, decodeErr("data.pagination: %v", err)
	}
	return page, nil
}

// legacyDecodeInquiryResponse decodes a body of the single-inquiry endpoint. data may be the inquiry, an
// array of one inquiry or an object wrapping that array in content. A null or empty data gives an
// *Error of KindNotFound.
func legacyDecodeInquiryResponse(body []byte) (*Inquiry, error) {
	data, err := legacyEnvelope(body)
	if err != nil {
		return nil, err
	}
	raw, err := legacySingleInquiry(data)
	if err != nil {
		return nil, err
	}
	inq, err := legacyDecodeInquiry(raw)
	if err != nil {
		return nil, decodeErr("data: %v", err)
	}
	return &inq, nil
}

// legacySingleInquiry finds the one inquiry object in the data of the single-inquiry endpoint.
func legacySingleInquiry(data json.RawMessage) (json.RawMessage, error) {
	if o, err := legacySplitObject(data, nil); err == nil && o != nil {
		content := bytes.TrimSpace(o.get("content"))
		if len(content) == 0 || content[0] != '[' {
			return data, nil // the inquiry itself (its own content is a string)
		}
		data = content
	}
	items, err := legacySplitArray(data, nil)
	if err != nil {
		return nil, decodeErr("the inquiry response's data is %s, not an object", kindOfJSON(data))
	}
	switch len(items) {
	case 0:
		return nil, &Error{Kind: KindNotFound, Message: "the response holds no inquiry", Hint: hintNotFound}
	case 1:
		return items[0], nil
	}
	return nil, decodeErr("expected one inquiry, got %d", len(items))
}

// legacyEnvelope checks Coupang's {"code","message","data"} legacyEnvelope and returns data.
func legacyEnvelope(body []byte) (json.RawMessage, error) {
	if !looksLikeJSON(body) {
		return nil, &Error{Kind: KindDecode, Message: describeBody(body, 0), Hint: hintDecode}
	}
	o, err := legacyParseBody(body)
	if err != nil || o == nil {
		return nil, &Error{Kind: KindDecode, Message: "malformed JSON: " + describeBody(body, 0), Hint: hintDecode, Err: err}
	}
	code, err := legacyParseString(o.get("code"))
	if err != nil {
		return nil, decodeErr("code: %v", err)
	}
	message, _ := legacyParseString(o.get("message"))
	if code != "" && !successCode(code) {
		return nil, codeError(code, message)
	}
	data := o.get("data")
	if isNull(data) {
		if code == "" {
			return nil, decodeErr("a JSON object without code or data: %s", describeBody(body, 0))
		}
		return nil, decodeErr("code %s but no data (message %q)", code, sanitize(message, 80))
	}
	return data, nil
}

// legacyFields reads typed values from one JSON object, keeping the first error with the field's name in
// *err. The error lives outside the struct because escape analysis does not tell a struct's legacyFields
// apart: were it a field, the escaping error would drag the object's members, split into a stack
// buffer of the caller, onto the heap.
type legacyFields struct {
	o   legacyRawObject
	err *error
}

func (f *legacyFields) fail(name string, err error) {
	if err != nil && *f.err == nil {
		*f.err = fmt.Errorf("%s: %w", name, err)
	}
}

func (f *legacyFields) int64(name string) int64 {
	v, err := legacyParseInt64(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *legacyFields) int64s(name string) []int64 {
	v, err := legacyParseInt64s(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *legacyFields) str(name string) string {
	v, err := legacyParseString(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *legacyFields) strPtr(name string) *string {
	if isNull(f.o.get(name)) {
		return nil
	}
	v := f.str(name)
	return &v
}

func (f *legacyFields) boolean(name string) bool {
	v, err := legacyParseBool(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *legacyFields) time(name string) *time.Time {
	v, err := legacyParseTime(f.o.get(name))
	f.fail(name, err)
	return v
}

// legacyDecodeInquiry decodes one inquiry object.
func legacyDecodeInquiry(raw json.RawMessage) (Inquiry, error) {
	var buf [24]legacyMember // room for every documented field, so that the split need not allocate
	o, err := legacySplitObject(raw, buf[:0])
	if err != nil || o == nil {
		return Inquiry{}, fmt.Errorf("an inquiry is %s, not an object", kindOfJSON(raw))
	}
	var ferr error
	f := &legacyFields{o: o, err: &ferr}
	inq := Inquiry{
		InquiryID:                 f.int64("inquiryId"),
		InquiryStatus:             f.str("inquiryStatus"),
		CSPartnerCounselingStatus: f.str("csPartnerCounselingStatus"),
		VendorItemIDs:             f.int64s("vendorItemId"),
		ItemName:                  f.str("itemName"),
		Content:                   f.str("content"),
		AnsweredAt:                f.time("answeredAt"),
		BuyerEmail:                f.str("buyerEmail"),
		BuyerPhone:                f.str("buyerPhone"),
		OrderID:                   f.int64("orderId"),
		OrderDate:                 f.time("orderDate"),
		ReceiptCategory:           f.str("receiptCategory"),
		SaleStartedAt:             f.time("saleStartedAt"),
		SaleEndedAt:               f.time("saleEndedAt"),
	}
	if t := f.time("inquiryAt"); t != nil {
		inq.InquiryAt = *t
	}
	if ferr != nil {
		return Inquiry{}, withID(inq.InquiryID, ferr)
	}
	if inq.InquiryID == 0 {
		return Inquiry{}, fmt.Errorf("an inquiry without inquiryId")
	}
	inq.Replies, err = legacyDecodeReplies(o.get("replies"))
	return inq, withID(inq.InquiryID, err)
}

// legacyDecodeReplies decodes an inquiry's replies; null or absent gives an empty slice.
func legacyDecodeReplies(raw json.RawMessage) ([]Reply, error) {
	var buf [8]json.RawMessage
	items, err := legacySplitArray(raw, buf[:0])
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	replies := make([]Reply, 0, len(items))
	for i, it := range items {
		r, err := legacyDecodeReply(it)
		if err != nil {
			return nil, fmt.Errorf("replies[%d]: %w", i, err)
		}
		replies = append(replies, r)
	}
	return replies, nil
}

// legacyDecodeReply decodes one reply object.
func legacyDecodeReply(raw json.RawMessage) (Reply, error) {
	var buf [16]legacyMember
	o, err := legacySplitObject(raw, buf[:0])
	if err != nil || o == nil {
		return Reply{}, fmt.Errorf("a reply is %s, not an object", kindOfJSON(raw))
	}
	var ferr error
	f := &legacyFields{o: o, err: &ferr}
	r := Reply{
		AnswerID:                      f.int64("answerId"),
		ParentAnswerID:                f.int64("parentAnswerId"),
		PartnerTransferStatus:         f.strPtr("partnerTransferStatus"),
		PartnerTransferCompleteReason: f.str("partnerTransferCompleteReason"),
		AnswerType:                    f.str("answerType"),
		NeedAnswer:                    f.boolean("needAnswer"),
		ReceptionistName:              f.str("receptionistName"),
		Receptionist:                  f.str("receptionist"),
		ReplyAt:                       f.time("replyAt"),
		Content:                       f.str("content"),
	}
	return r, ferr
}

// legacyDecodePagination decodes the pagination block; absent or null gives zeros.
func legacyDecodePagination(raw json.RawMessage) (Pagination, error) {
	var buf [8]legacyMember
	o, err := legacySplitObject(raw, buf[:0])
	if err != nil {
		return Pagination{}, err
	}
	var ferr error
	f := &legacyFields{o: o, err: &ferr}
	p := Pagination{
		CurrentPage:   int(f.int64("currentPage")),
		TotalPages:    int(f.int64("totalPages")),
		TotalElements: int(f.int64("totalElements")),
		CountPerPage:  int(f.int64("countPerPage")),
	}
	if ferr == nil && (p.TotalPages < 0 || p.TotalPages > 1<<20 || p.CurrentPage < 0 || p.TotalElements < 0 || p.CountPerPage < 0) {
		ferr = fmt.Errorf("implausible values %+v", p)
	}
	return p, ferr
}

// legacyParseString reads a JSON string; null gives "", a number or boolean its literal text.
func legacyParseString(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	switch {
	case isNull(t):
		return "", nil
	case t[0] == '"':
		s, ok := legacyUnquote(t)
		if !ok {
			return "", legacyErrMalformed
		}
		return s, nil
	case t[0] == '{' || t[0] == '[':
		return "", fmt.Errorf("expected a string, got %s", kindOfJSON(t))
	}
	return string(t), nil
}

// legacyParseInt64 reads an integer sent as a JSON number or a numeric string, exactly (never through
// float64); null and "" give 0.
func legacyParseInt64(raw json.RawMessage) (int64, error) {
	t := bytes.TrimSpace(raw)
	switch {
	case isNull(t):
		return 0, nil
	case t[0] == '"':
		v, err := legacyParseString(t)
		if err != nil {
			return 0, err
		}
		if t = []byte(strings.TrimSpace(v)); len(t) == 0 {
			return 0, nil
		}
	}
	n, err := strconv.ParseInt(string(t), 10, 64) // converted on the stack: no allocation for an ID
	if err != nil {
		if whole, ok := zeroFraction(string(t)); ok {
			n, err = strconv.ParseInt(whole, 10, 64)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("%s is not an integer", sanitize(string(t), 40))
	}
	return n, nil
}

// legacyParseInt64s reads an ID list: an array of numbers or numeric strings, a single one, or null.
// It never returns nil.
func legacyParseInt64s(raw json.RawMessage) ([]int64, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		n, err := legacyParseInt64(t)
		if err != nil || n == 0 {
			return []int64{}, err
		}
		return []int64{n}, nil
	}
	var buf [4]json.RawMessage
	items, err := legacySplitArray(t, buf[:0])
	if err != nil {
		return []int64{}, err
	}
	ids := make([]int64, 0, len(items))
	for i, it := range items {
		n, err := legacyParseInt64(it)
		if err != nil {
			return []int64{}, fmt.Errorf("[%d]: %w", i, err)
		}
		if n != 0 {
			ids = append(ids, n)
		}
	}
	return ids, nil
}

// legacyParseBool reads a JSON boolean, or a string or number such as "true", "Y" or 1; null gives false.
func legacyParseBool(raw json.RawMessage) (bool, error) {
	s, err := legacyParseString(raw)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "0", "n", "no":
		return false, nil
	case "true", "1", "y", "yes":
		return true, nil
	}
	return false, fmt.Errorf("%s is not a boolean", sanitize(s, 40))
}

// legacyParseTime reads a time string in any layout Coupang uses and returns it in KST; null and "" give nil.
func legacyParseTime(raw json.RawMessage) (*time.Time, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] != '"' && !isNull(t) {
		return nil, fmt.Errorf("expected a time string, got %s", kindOfJSON(t))
	}
	s, err := legacyParseString(t)
	if err != nil {
		return nil, err
	}
	return ParseTime(s)
}

// The decoder reads a body in two steps. legacyParseBody checks the whole body once, with the grammar and
// nesting limit of encoding/json; below that, objects and arrays are only split into members and
// elements that point into the body, and each leaf is converted once, where it is read. Checking
// every nesting level again with json.Unmarshal (as the decoder once did) cost milliseconds a page,
// and even json.Valid alone costs more than this file's legacyChecker, whose verdict must equal it
// (FuzzValidJSON compares the two).

// legacyMaxNestingDepth is encoding/json's limit on nested objects and arrays; a deeper body is malformed.
const legacyMaxNestingDepth = 10000

// legacyMember is one legacyMember of a JSON object: its key (unescaped) and its raw value.
type legacyMember struct {
	key []byte
	val json.RawMessage
}

// legacyRawObject is a JSON object's members in document order, as slices of the body.
type legacyRawObject []legacyMember

// get returns the value of the last legacyMember named name, as decoding into a map would; nil if none.
// Keys match exactly (encoding/json's struct decoding would also match other cases).
func (o legacyRawObject) get(name string) json.RawMessage {
	for i := len(o) - 1; i >= 0; i-- {
		if string(o[i].key) == name {
			return o[i].val
		}
	}
	return nil
}

// legacyParseBody checks body's syntax and splits it as an object; null gives nil. It is the only entry
// for untrusted bytes: the split functions below trust that their input passed it.
func legacyParseBody(body []byte) (legacyRawObject, error) {
	if isNull(body) {
		return nil, nil
	}
	if t := bytes.TrimSpace(body); t[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", kindOfJSON(t))
	}
	if !legacyValidJSON(body) {
		var o map[string]json.RawMessage
		if err := json.Unmarshal(body, &o); err != nil {
			return nil, err // encoding/json's own description of what is wrong
		}
		return nil, legacyErrMalformed // unreachable while legacyValidJSON agrees with json.Valid
	}
	return legacySplitObject(body, nil)
}

// legacyErrMalformed reports checked JSON that the splitter cannot read; it means a bug, not a bad body.
var legacyErrMalformed = errors.New("malformed JSON")

// legacySplitObject appends the members of the object raw to dst; null or absent gives nil, and an empty
// object a non-nil empty legacyRawObject. raw must be part of a body legacyParseBody accepted; on anything else
// it returns an error rather than panic.
func legacySplitObject(raw []byte, dst legacyRawObject) (legacyRawObject, error) {
	if isNull(raw) {
		return nil, nil
	}
	t := bytes.TrimSpace(raw)
	if t[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", kindOfJSON(t))
	}
	o := dst[:0]
	if o == nil {
		o = legacyRawObject{}
	}
	i := legacySkipSpace(t, 1)
	if i < len(t) && t[i] == '}' {
		return o, nil
	}
	for i < len(t) {
		keyEnd := legacyStringEnd(t, i)
		if keyEnd < 0 {
			return nil, legacyErrMalformed
		}
		key := t[i+1 : keyEnd-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			s, err := legacyParseString(t[i:keyEnd])
			if err != nil {
				return nil, err
			}
			key = []byte(s)
		}
		i = legacySkipSpace(t, keyEnd)
		if i >= len(t) || t[i] != ':' {
			return nil, legacyErrMalformed
		}
		i = legacySkipSpace(t, i+1)
		end := legacyValueEnd(t, i)
		if end < 0 {
			return nil, legacyErrMalformed
		}
		o = append(o, legacyMember{key: key, val: t[i:end]})
		i = legacySkipSpace(t, end)
		if i < len(t) && t[i] == '}' {
			return o, nil
		}
		if i >= len(t) || t[i] != ',' {
			return nil, legacyErrMalformed
		}
		i = legacySkipSpace(t, i+1)
	}
	return nil, legacyErrMalformed
}

// legacySplitArray appends the elements of the array raw to dst; null or absent gives nil. Like
// legacySplitObject, it trusts raw to be part of a checked body.
func legacySplitArray(raw []byte, dst []json.RawMessage) ([]json.RawMessage, error) {
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
	i := legacySkipSpace(t, 1)
	if i < len(t) && t[i] == ']' {
		return a, nil
	}
	for i < len(t) {
		end := legacyValueEnd(t, i)
		if end < 0 {
			return nil, legacyErrMalformed
		}
		a = append(a, t[i:end])
		i = legacySkipSpace(t, end)
		if i < len(t) && t[i] == ']' {
			return a, nil
		}
		if i >= len(t) || t[i] != ',' {
			return nil, legacyErrMalformed
		}
		i = legacySkipSpace(t, i+1)
	}
	return nil, legacyErrMalformed
}

// legacyIsSpace reports JSON whitespace.
func legacyIsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// legacySkipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func legacySkipSpace(b []byte, i int) int {
	for i < len(b) && legacyIsSpace(b[i]) {
		i++
	}
	return i
}

// legacyStringEnd returns the index just past the checked string that starts at b[i], or -1.
func legacyStringEnd(b []byte, i int) int {
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

// legacyValueEnd returns the index just past the checked value that starts at b[i], or -1.
func legacyValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return legacyStringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := legacyStringEnd(b, j)
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
	for j < len(b) && !legacyIsSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// legacyUnquote decodes the checked JSON string s (quotes included) exactly as encoding/json decodes a
// string: escapes resolved, a lone or broken surrogate and each byte of invalid UTF-8 replaced
// by U+FFFD. A string without escapes or bad bytes costs one copy.
func legacyUnquote(s []byte) (string, bool) {
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
				rr := legacyHex4(s[r+2:])
				if rr < 0 {
					return "", false
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+1 < len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, legacyHex4(s[r+2:])); dec != unicode.ReplacementChar {
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

// legacyHex4 reads the four hex legacyDigits at the start of s, or returns -1.
func legacyHex4(s []byte) rune {
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

// legacyValidJSON reports whether b is one JSON value with optional surrounding whitespace, accepting
// exactly what json.Valid accepts (invalid UTF-8 inside strings included, nesting to
// legacyMaxNestingDepth), in one pass without allocating.
func legacyValidJSON(b []byte) bool {
	c := legacyChecker{b: b}
	return c.value(0) && legacySkipSpace(b, c.i) == len(b)
}

// legacyChecker is legacyValidJSON's recursive-descent state: the input and the read position.
type legacyChecker struct {
	b []byte
	i int
}

// value checks the value at the read position (after whitespace), inside depth containers.
func (c *legacyChecker) value(depth int) bool {
	c.i = legacySkipSpace(c.b, c.i)
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
func (c *legacyChecker) container(depth int) bool {
	if depth > legacyMaxNestingDepth {
		return false
	}
	closing := byte(']')
	if c.b[c.i] == '{' {
		closing = '}'
	}
	c.i = legacySkipSpace(c.b, c.i+1)
	if c.i < len(c.b) && c.b[c.i] == closing {
		c.i++
		return true
	}
	for {
		if closing == '}' {
			c.i = legacySkipSpace(c.b, c.i)
			if c.i >= len(c.b) || c.b[c.i] != '"' || !c.str() {
				return false
			}
			c.i = legacySkipSpace(c.b, c.i)
			if c.i >= len(c.b) || c.b[c.i] != ':' {
				return false
			}
			c.i++
		}
		if !c.value(depth) {
			return false
		}
		c.i = legacySkipSpace(c.b, c.i)
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
func (c *legacyChecker) str() bool {
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
				if legacyHex4(c.b[j+2:]) < 0 {
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
func (c *legacyChecker) literal(word string) bool {
	if len(c.b)-c.i < len(word) || string(c.b[c.i:c.i+len(word)]) != word {
		return false
	}
	c.i += len(word)
	return true
}

// number checks a number at the read position: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (c *legacyChecker) number() bool {
	b, i := c.b, c.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = legacyDigits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		start := i + 1
		if i = legacyDigits(b, start); i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		if i = legacyDigits(b, i); i == start {
			return false
		}
	}
	c.i = i
	return true
}

// legacyDigits returns the index of the first byte at or after i that is not a decimal digit.
func legacyDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// legacyErrorBody is errorBody over the legacy reader.
func legacyErrorBody(body []byte) (code, message string, ok bool) {
	o, err := legacyParseBody(body)
	if err != nil || o == nil {
		return "", "", false
	}
	code, _ = legacyParseString(o.get("code"))
	for _, name := range []string{"message", "errorMessage", "error"} {
		if m, err := legacyParseString(o.get(name)); err == nil && strings.TrimSpace(m) != "" {
			return code, sanitize(m, 300), true
		}
	}
	return code, "", true
}

// The decoder built on encoding/json must read every body as the legacy decoder did: the same
// values, or an error of the same kind, code, message and hint.
func FuzzDecodersAgree(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	tooDeep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	for _, v := range []string{
		`-0.5e+10`, `01`, `1.`, `.5`, `1e`, `-`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `[] []`, ` true `, `nul`, `"\u12"`,
		`"\ud800\udc00 \ud800x \udc00 \/ \'"`, "\"\xff\xfe\xc3(\xed\xa0\x80\"", "\"a\tb\"", `{"a":[{"b":null}]}`,
		`"9007199254740993"`, `9007199254740993`, `"null"`, `"12.0"`, `{}`, deep, tooDeep,
	} {
		f.Add([]byte(v))
		f.Add([]byte(listBody("200", `{"inquiryId":`+v+`}`)))
		f.Add([]byte(listBody("200", `{"inquiryId":1,"vendorItemId":`+v+`,"x":`+v+`}`)))
		f.Add([]byte(listBody("200", `{"inquiryId":1,"replies":[{"needAnswer":`+v+`,"partnerTransferStatus":`+v+`}]}`)))
		f.Add([]byte(`{"code":200,"data":{"inquiryId":1,"inquiryAt":` + v + `,"content":` + v + `}}`))
		f.Add([]byte(`{"code":` + v + `,"message":` + v + `}`))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := DecodeListResponse(body)
		oldPage, oldErr := legacyDecodeListResponse(body)
		agree(t, "DecodeListResponse", page, err, oldPage, oldErr)
		inq, err := DecodeInquiryResponse(body)
		oldInq, oldErr := legacyDecodeInquiryResponse(body)
		agree(t, "DecodeInquiryResponse", inq, err, oldInq, oldErr)
		code, msg, ok := errorBody(body)
		oldCode, oldMsg, oldOK := legacyErrorBody(body)
		if code != oldCode || msg != oldMsg || ok != oldOK {
			t.Fatalf("errorBody(%q) = %q, %q, %v; legacy %q, %q, %v", body, code, msg, ok, oldCode, oldMsg, oldOK)
		}
	})
}

// agree fails t unless both decoders gave equal values, or errors that say the same.
func agree[T any](t *testing.T, what string, v *T, err error, old *T, oldErr error) {
	t.Helper()
	if (err == nil) != (oldErr == nil) {
		t.Fatalf("%s: error %v; legacy %v", what, err, oldErr)
	}
	if err != nil {
		var e, o *Error
		if !errors.As(err, &e) || !errors.As(oldErr, &o) {
			t.Fatalf("%s: not *Error: %v; legacy %v", what, err, oldErr)
		}
		if e.Kind != o.Kind || e.Code != o.Code || e.Message != o.Message || e.Hint != o.Hint {
			t.Fatalf("%s: error %v; legacy %v", what, err, oldErr)
		}
		return
	}
	if !reflect.DeepEqual(v, old) {
		t.Fatalf("%s: %+v; legacy %+v", what, v, old)
	}
}

// BenchmarkLegacyDecodeListResponse is BenchmarkDecodeListResponse over the legacy decoder, for
// the before/after figures of docs/performance.md.
func BenchmarkLegacyDecodeListResponse(b *testing.B) {
	body := pageOf30(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		pg, err := legacyDecodeListResponse(body)
		if err != nil || len(pg.Inquiries) != 30 {
			b.Fatalf("%v, %d inquiries", err, len(pg.Inquiries))
		}
	}
}
