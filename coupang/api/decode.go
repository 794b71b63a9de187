package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bodies are read with encoding/json: once whole, which checks the syntax (invalid UTF-8 inside
// strings is replaced, nesting deeper than encoding/json's limit is rejected), then object by
// object into maps, so that keys match exactly and the last of duplicate keys wins (decoding into
// a struct would also match keys in other cases), and member by member into the tolerant types of
// tolerant.go, so that an error names the member it concerns.

// DecodeListResponse decodes a body of the list endpoint tolerantly (see the package's wire notes:
// code number or string, vendorItemId number/string/array, times in several layouts, nulls). A body
// that is not Coupang's JSON, or whose code is not 200, gives an *Error; it never panics and never
// returns an empty page for a bad body.
func DecodeListResponse(body []byte) (*Page, error) {
	data, err := envelope(body)
	if err != nil {
		return nil, err
	}
	o, err := decodeObject(data)
	if err != nil || o == nil {
		return nil, decodeErr("the list response's data is %s, not an object", kindOfJSON(data))
	}
	page := &Page{}
	if page.Inquiries, err = decodeObjects(o["content"], "an inquiry", decodeInquiry); err != nil {
		return nil, decodeErr("data.content%v", err)
	}
	if page.Pagination, err = decodePagination(o["pagination"]); err != nil {
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
	o, err := decodeObject(raw)
	if err != nil || o == nil {
		return nil, decodeErr("data: an inquiry is %s, not an object", kindOfJSON(raw))
	}
	inq, err := decodeInquiry(o)
	if err != nil {
		return nil, decodeErr("data: %v", err)
	}
	return &inq, nil
}

// singleInquiry finds the one inquiry object in the data of the single-inquiry endpoint.
func singleInquiry(data json.RawMessage) (json.RawMessage, error) {
	if o, err := decodeObject(data); err == nil && o != nil {
		content := bytes.TrimSpace(o["content"])
		if len(content) == 0 || content[0] != '[' {
			return data, nil // the inquiry itself (its own content is a string)
		}
		data = content
	}
	items, err := decodeArray(data)
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
	var ferr error
	code := string(member[String](o, "code", &ferr))
	if ferr != nil {
		return nil, decodeErr("%v", ferr)
	}
	message := string(member[String](o, "message", new(error)))
	if code != "" && !successCode(code) {
		return nil, codeError(code, message)
	}
	data := o["data"]
	if isNull(data) {
		if code == "" {
			return nil, decodeErr("a JSON object without code or data: %s", describeBody(body, 0))
		}
		return nil, decodeErr("code %s but no data (message %q)", code, sanitize(message, 80))
	}
	return data, nil
}

// object is a JSON object's members by exact key.
type object map[string]json.RawMessage

// parseBody checks body's syntax and reads it as an object; null gives nil.
func parseBody(body []byte) (object, error) {
	var o object
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// decodeObject reads raw, a part of a body parseBody accepted, as an object; null or absent gives
// nil, anything else that is not an object an error.
func decodeObject(raw json.RawMessage) (object, error) {
	if isNull(raw) {
		return nil, nil
	}
	if t := bytes.TrimSpace(raw); t[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", kindOfJSON(t))
	}
	o := object{}
	return o, json.Unmarshal(raw, &o)
}

// decodeArray reads raw, a part of a body parseBody accepted, as an array; null or absent gives
// nil, anything else that is not an array an error.
func decodeArray(raw json.RawMessage) ([]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	if t := bytes.TrimSpace(raw); t[0] != '[' {
		return nil, fmt.Errorf("%s is not an array", kindOfJSON(t))
	}
	items := []json.RawMessage{}
	return items, json.Unmarshal(raw, &items)
}

// decodeObjects reads raw, a part of a body parseBody accepted, as an array of objects (null or
// absent: none), each read by decode. An element that is not an object is an error naming it as
// what; an error about element i starts with "[i]: ".
func decodeObjects[T any](raw json.RawMessage, what string, decode func(object) (T, error)) ([]T, error) {
	// One pass into maps when every element is an object (or null), the case of every valid body;
	// else element by element, for the error of the first bad one.
	var objects []object
	if isNull(raw) || json.Unmarshal(raw, &objects) == nil {
		out := make([]T, 0, len(objects))
		for i, o := range objects {
			if o == nil {
				return nil, fmt.Errorf("[%d]: %s is null, not an object", i, what)
			}
			v, err := decode(o)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out = append(out, v)
		}
		return out, nil
	}
	items, err := decodeArray(raw)
	if err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	for i, it := range items {
		o, err := decodeObject(it)
		if err != nil || o == nil {
			return nil, fmt.Errorf("[%d]: %s is %s, not an object", i, what, kindOfJSON(it))
		}
		if _, err := decode(o); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil, errMalformed // unreachable: some element was not an object
}

// errMalformed reports a checked body that the decoder cannot read; it means a bug, not a bad body.
var errMalformed = errors.New("malformed JSON")

// member reads o's member name (absent reads as null) into a T, one of the tolerant types. The
// first error, prefixed with the member's name, is kept in *err.
func member[T any, P interface {
	*T
	json.Unmarshaler
}](o object, name string, err *error) T {
	var v T
	if e := P(&v).UnmarshalJSON(o[name]); e != nil && *err == nil {
		*err = fmt.Errorf("%s: %w", name, e)
	}
	return v
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

// decodeInquiry decodes one inquiry object.
func decodeInquiry(o object) (Inquiry, error) {
	var ferr error
	inq := Inquiry{
		InquiryID:                 int64(member[Int64](o, "inquiryId", &ferr)),
		InquiryStatus:             string(member[String](o, "inquiryStatus", &ferr)),
		CSPartnerCounselingStatus: string(member[String](o, "csPartnerCounselingStatus", &ferr)),
		VendorItemIDs:             member[Int64s](o, "vendorItemId", &ferr),
		ItemName:                  string(member[String](o, "itemName", &ferr)),
		Content:                   string(member[String](o, "content", &ferr)),
		AnsweredAt:                member[Timestamp](o, "answeredAt", &ferr).Time,
		BuyerEmail:                string(member[String](o, "buyerEmail", &ferr)),
		BuyerPhone:                string(member[String](o, "buyerPhone", &ferr)),
		OrderID:                   int64(member[Int64](o, "orderId", &ferr)),
		OrderDate:                 member[Timestamp](o, "orderDate", &ferr).Time,
		ReceiptCategory:           string(member[String](o, "receiptCategory", &ferr)),
		SaleStartedAt:             member[Timestamp](o, "saleStartedAt", &ferr).Time,
		SaleEndedAt:               member[Timestamp](o, "saleEndedAt", &ferr).Time,
	}
	if t := member[Timestamp](o, "inquiryAt", &ferr).Time; t != nil {
		inq.InquiryAt = *t
	}
	if ferr != nil {
		return Inquiry{}, withID(inq.InquiryID, ferr)
	}
	if inq.InquiryID == 0 {
		return Inquiry{}, fmt.Errorf("an inquiry without inquiryId")
	}
	replies, err := decodeObjects(o["replies"], "a reply", decodeReply)
	if err != nil {
		return Inquiry{}, withID(inq.InquiryID, fmt.Errorf("replies%w", err))
	}
	inq.Replies = replies
	return inq, nil
}

// withID prefixes err with the inquiry it concerns.
func withID(id int64, err error) error {
	if err == nil || id == 0 {
		return err
	}
	return fmt.Errorf("inquiry %d: %w", id, err)
}

// decodeReply decodes one reply object.
func decodeReply(o object) (Reply, error) {
	var ferr error
	r := Reply{
		AnswerID:                      int64(member[Int64](o, "answerId", &ferr)),
		ParentAnswerID:                int64(member[Int64](o, "parentAnswerId", &ferr)),
		PartnerTransferStatus:         (*string)(member[Nullable[String]](o, "partnerTransferStatus", &ferr).Value),
		PartnerTransferCompleteReason: string(member[String](o, "partnerTransferCompleteReason", &ferr)),
		AnswerType:                    string(member[String](o, "answerType", &ferr)),
		NeedAnswer:                    bool(member[Bool](o, "needAnswer", &ferr)),
		ReceptionistName:              string(member[String](o, "receptionistName", &ferr)),
		Receptionist:                  string(member[String](o, "receptionist", &ferr)),
		ReplyAt:                       member[Timestamp](o, "replyAt", &ferr).Time,
		Content:                       string(member[String](o, "content", &ferr)),
	}
	return r, ferr
}

// decodePagination decodes the pagination block; absent or null gives zeros.
func decodePagination(raw json.RawMessage) (Pagination, error) {
	o, err := decodeObject(raw)
	if err != nil {
		return Pagination{}, err
	}
	var ferr error
	p := Pagination{
		CurrentPage:   int(member[Int64](o, "currentPage", &ferr)),
		TotalPages:    int(member[Int64](o, "totalPages", &ferr)),
		TotalElements: int(member[Int64](o, "totalElements", &ferr)),
		CountPerPage:  int(member[Int64](o, "countPerPage", &ferr)),
	}
	if ferr == nil && (p.TotalPages < 0 || p.TotalPages > 1<<20 || p.CurrentPage < 0 || p.TotalElements < 0 || p.CountPerPage < 0) {
		ferr = fmt.Errorf("implausible values %+v", p)
	}
	return p, ferr
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
