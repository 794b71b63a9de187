package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DecodeListResponse decodes a body of the list endpoint tolerantly (see the package's wire notes:
// code number or string, vendorItemId number/string/array, times in several layouts, nulls). A body
// that is not Coupang's JSON, or whose code is not 200, gives an *Error; it never panics and never
// returns an empty page for a bad body.
func DecodeListResponse(body []byte) (*Page, error) {
	data, err := envelope(body)
	if err != nil {
		return nil, err
	}
	o, err := splitObject(data, nil)
	if err != nil || o == nil {
		return nil, decodeErr("the list response's data is %s, not an object", kindOfJSON(data))
	}
	items, err := splitArray(o.get("content"), nil)
	if err != nil {
		return nil, decodeErr("data.content: %v", err)
	}
	page := &Page{Inquiries: make([]Inquiry, 0, len(items))}
	for i, raw := range items {
		inq, err := decodeInquiry(raw)
		if err != nil {
			return nil, decodeErr("data.content[%d]: %v", i, err)
		}
		page.Inquiries = append(page.Inquiries, inq)
	}
	if page.Pagination, err = decodePagination(o.get("pagination")); err != nil {
		return nil, decodeErr("data.pagination: %v", err)
	}
	return page, nil
}

// DecodeInquiryResponse decodes a body of the single-inquiry endpoint. data may be the inquiry, an
// array of one inquiry or an object wrapping that array in content. A null or empty data gives an
// *Error of KindNotFound.
func DecodeInquiryResponse(body []byte) (*Inquiry, error) {
	data, err := envelope(body)
	if err != nil {
		return nil, err
	}
	raw, err := singleInquiry(data)
	if err != nil {
		return nil, err
	}
	inq, err := decodeInquiry(raw)
	if err != nil {
		return nil, decodeErr("data: %v", err)
	}
	return &inq, nil
}

// singleInquiry finds the one inquiry object in the data of the single-inquiry endpoint.
func singleInquiry(data json.RawMessage) (json.RawMessage, error) {
	if o, err := splitObject(data, nil); err == nil && o != nil {
		content := bytes.TrimSpace(o.get("content"))
		if len(content) == 0 || content[0] != '[' {
			return data, nil // the inquiry itself (its own content is a string)
		}
		data = content
	}
	items, err := splitArray(data, nil)
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

// envelope checks Coupang's {"code","message","data"} envelope and returns data.
func envelope(body []byte) (json.RawMessage, error) {
	if !looksLikeJSON(body) {
		return nil, &Error{Kind: KindDecode, Message: describeBody(body, 0), Hint: hintDecode}
	}
	o, err := parseBody(body)
	if err != nil || o == nil {
		return nil, &Error{Kind: KindDecode, Message: "malformed JSON: " + describeBody(body, 0), Hint: hintDecode, Err: err}
	}
	code, err := parseString(o.get("code"))
	if err != nil {
		return nil, decodeErr("code: %v", err)
	}
	message, _ := parseString(o.get("message"))
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

// successCode reports whether a body's code means success.
func successCode(code string) bool {
	code = strings.TrimSpace(code)
	if n, err := strconv.Atoi(code); err == nil {
		return n >= 200 && n <= 299
	}
	return strings.EqualFold(code, "SUCCESS") || strings.EqualFold(code, "OK")
}

// codeError is the error of a non-success code inside a body Coupang sent with HTTP 200.
func codeError(code, message string) *Error {
	kind := KindDecode
	if n, err := strconv.Atoi(strings.TrimSpace(code)); err == nil && kindOfStatus(n) != 0 {
		kind = kindOfStatus(n)
	}
	msg := sanitize(message, 300)
	if msg == "" {
		msg = "no message"
	}
	return &Error{Kind: kind, Code: sanitize(code, 40), Message: fmt.Sprintf("code %s in the body: %s", sanitize(code, 40), msg),
		Hint: hintFor(kind, msg, false)}
}

// decodeErr is a KindDecode *Error with a formatted message.
func decodeErr(format string, args ...any) *Error {
	return &Error{Kind: KindDecode, Message: fmt.Sprintf(format, args...), Hint: hintDecode}
}

// fields reads typed values from one JSON object, keeping the first error with the field's name in
// *err. The error lives outside the struct because escape analysis does not tell a struct's fields
// apart: were it a field, the escaping error would drag the object's members, split into a stack
// buffer of the caller, onto the heap.
type fields struct {
	o   rawObject
	err *error
}

func (f *fields) fail(name string, err error) {
	if err != nil && *f.err == nil {
		*f.err = fmt.Errorf("%s: %w", name, err)
	}
}

func (f *fields) int64(name string) int64 {
	v, err := parseInt64(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *fields) int64s(name string) []int64 {
	v, err := parseInt64s(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *fields) str(name string) string {
	v, err := parseString(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *fields) strPtr(name string) *string {
	if isNull(f.o.get(name)) {
		return nil
	}
	v := f.str(name)
	return &v
}

func (f *fields) boolean(name string) bool {
	v, err := parseBool(f.o.get(name))
	f.fail(name, err)
	return v
}

func (f *fields) time(name string) *time.Time {
	v, err := parseTime(f.o.get(name))
	f.fail(name, err)
	return v
}

// decodeInquiry decodes one inquiry object.
func decodeInquiry(raw json.RawMessage) (Inquiry, error) {
	var buf [24]member // room for every documented field, so that the split need not allocate
	o, err := splitObject(raw, buf[:0])
	if err != nil || o == nil {
		return Inquiry{}, fmt.Errorf("an inquiry is %s, not an object", kindOfJSON(raw))
	}
	var ferr error
	f := &fields{o: o, err: &ferr}
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
	inq.Replies, err = decodeReplies(o.get("replies"))
	return inq, withID(inq.InquiryID, err)
}

// withID prefixes err with the inquiry it concerns.
func withID(id int64, err error) error {
	if err == nil || id == 0 {
		return err
	}
	return fmt.Errorf("inquiry %d: %w", id, err)
}

// decodeReplies decodes an inquiry's replies; null or absent gives an empty slice.
func decodeReplies(raw json.RawMessage) ([]Reply, error) {
	var buf [8]json.RawMessage
	items, err := splitArray(raw, buf[:0])
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	replies := make([]Reply, 0, len(items))
	for i, it := range items {
		r, err := decodeReply(it)
		if err != nil {
			return nil, fmt.Errorf("replies[%d]: %w", i, err)
		}
		replies = append(replies, r)
	}
	return replies, nil
}

// decodeReply decodes one reply object.
func decodeReply(raw json.RawMessage) (Reply, error) {
	var buf [16]member
	o, err := splitObject(raw, buf[:0])
	if err != nil || o == nil {
		return Reply{}, fmt.Errorf("a reply is %s, not an object", kindOfJSON(raw))
	}
	var ferr error
	f := &fields{o: o, err: &ferr}
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

// decodePagination decodes the pagination block; absent or null gives zeros.
func decodePagination(raw json.RawMessage) (Pagination, error) {
	var buf [8]member
	o, err := splitObject(raw, buf[:0])
	if err != nil {
		return Pagination{}, err
	}
	var ferr error
	f := &fields{o: o, err: &ferr}
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

// parseString reads a JSON string; null gives "", a number or boolean its literal text.
func parseString(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	switch {
	case isNull(t):
		return "", nil
	case t[0] == '"':
		s, ok := unquote(t)
		if !ok {
			return "", errMalformed
		}
		return s, nil
	case t[0] == '{' || t[0] == '[':
		return "", fmt.Errorf("expected a string, got %s", kindOfJSON(t))
	}
	return string(t), nil
}

// parseInt64 reads an integer sent as a JSON number or a numeric string, exactly (never through
// float64); null and "" give 0.
func parseInt64(raw json.RawMessage) (int64, error) {
	t := bytes.TrimSpace(raw)
	switch {
	case isNull(t):
		return 0, nil
	case t[0] == '"':
		v, err := parseString(t)
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

// parseInt64s reads an ID list: an array of numbers or numeric strings, a single one, or null.
// It never returns nil.
func parseInt64s(raw json.RawMessage) ([]int64, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		n, err := parseInt64(t)
		if err != nil || n == 0 {
			return []int64{}, err
		}
		return []int64{n}, nil
	}
	var buf [4]json.RawMessage
	items, err := splitArray(t, buf[:0])
	if err != nil {
		return []int64{}, err
	}
	ids := make([]int64, 0, len(items))
	for i, it := range items {
		n, err := parseInt64(it)
		if err != nil {
			return []int64{}, fmt.Errorf("[%d]: %w", i, err)
		}
		if n != 0 {
			ids = append(ids, n)
		}
	}
	return ids, nil
}

// parseBool reads a JSON boolean, or a string or number such as "true", "Y" or 1; null gives false.
func parseBool(raw json.RawMessage) (bool, error) {
	s, err := parseString(raw)
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

// parseTime reads a time string in any layout Coupang uses and returns it in KST; null and "" give nil.
func parseTime(raw json.RawMessage) (*time.Time, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] != '"' && !isNull(t) {
		return nil, fmt.Errorf("expected a time string, got %s", kindOfJSON(t))
	}
	s, err := parseString(t)
	if err != nil {
		return nil, err
	}
	return ParseTime(s)
}

// looksLikeJSON reports whether body starts like a JSON object or array.
func looksLikeJSON(body []byte) bool {
	t := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

var (
	htmlStart = regexp.MustCompile(`(?i)^\s*(<!doctype\s+html|<html|<head|<body|<title|<\?xml|<!--|<h1|<p>|<div)`)
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// looksLikeHTML reports whether body is an HTML (or XML) page.
func looksLikeHTML(body []byte) bool {
	return htmlStart.Match(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
}

// describeBody names what came back instead of Coupang's JSON, with a short sanitized excerpt.
// status 0 leaves the HTTP status out.
func describeBody(body []byte, status int) string {
	where := ""
	if status != 0 {
		where = fmt.Sprintf(" (HTTP %d)", status)
	}
	text := string(bytes.TrimSpace(body))
	switch {
	case text == "":
		return "empty body" + where
	case looksLikeHTML(body):
		return "HTML page" + where + excerpt(htmlText(text))
	case looksLikeJSON(body):
		return "JSON" + where + excerpt(text)
	}
	return "non-JSON body" + where + excerpt(text)
}

// htmlText is a page's title, or its text without tags.
func htmlText(page string) string {
	if m := htmlTitle.FindStringSubmatch(page); m != nil && strings.TrimSpace(m[1]) != "" {
		return m[1]
	}
	return htmlTag.ReplaceAllString(page, " ")
}

// excerpt formats the first ~80 characters of s for an error message.
func excerpt(s string) string {
	s = sanitize(s, 80)
	if s == "" {
		return ""
	}
	return ": " + strconv.Quote(s)
}

// sanitize makes s safe for one line of an error message: valid UTF-8, no control characters,
// collapsed spaces, at most max runes, nothing that looks like a signature.
func sanitize(s string, max int) string {
	s = redactSecrets(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}
