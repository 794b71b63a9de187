package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DecodeListResponse decodes a body of the list endpoint with the tolerant types of tolerant.go. A
// body that is not Coupang's JSON, or whose code is not 200, gives an *Error, never an empty page.
func DecodeListResponse(body []byte) (*Page, error) {
	return decodeList(body, "an inquiry", decodeInquiry)
}

// DecodeInquiryResponse decodes a body of the single-inquiry endpoint. data may be the inquiry, an
// array of one inquiry or an object wrapping that array in content; an empty array is KindNotFound.
func DecodeInquiryResponse(body []byte) (*Inquiry, error) {
	var data json.RawMessage
	if err := decodeEnvelope(body, &data); err != nil {
		return nil, err
	}
	var wrapper struct{ Content json.RawMessage } // the inquiry's own content is a string
	if data[0] == '{' && json.Unmarshal(data, &wrapper) == nil && bytes.HasPrefix(wrapper.Content, []byte("[")) {
		data = wrapper.Content
	}
	if data[0] == '[' {
		var items []json.RawMessage
		_ = json.Unmarshal(data, &items) // cannot fail: the body is valid JSON and data an array
		switch len(items) {
		case 0:
			return nil, &Error{Kind: KindNotFound, Message: "the response holds no inquiry",
				Hint: hintFor(KindNotFound, "", false)}
		case 1:
			data = items[0]
		default:
			return nil, decodeErr("expected one inquiry, got %d", len(items))
		}
	}
	inq, err := decodeInquiry(data)
	if err != nil {
		return nil, decodeErr("data: %v", err)
	}
	return &inq, nil
}

// DecodeProductInquiryList decodes a body of the product Q&A list tolerantly, like
// DecodeListResponse.
func DecodeProductInquiryList(body []byte) (*ProductInquiryPage, error) {
	return decodeList(body, "a question", decodeProductInquiry)
}

// decodeList decodes a body of either question list, each element of its content with decode.
func decodeList[T any](body []byte, what string, decode func(json.RawMessage) (T, error)) (*ListPage[T], error) {
	var data struct {
		Content    []json.RawMessage `json:"content"`
		Pagination struct {
			CurrentPage   Int64 `json:"currentPage"`
			TotalPages    Int64 `json:"totalPages"`
			TotalElements Int64 `json:"totalElements"`
			CountPerPage  Int64 `json:"countPerPage"`
		} `json:"pagination"`
	}
	if err := decodeEnvelope(body, &data); err != nil {
		return nil, err
	}
	items, err := decodeEach(data.Content, what, decode)
	if err != nil {
		return nil, decodeErr("data.content%v", err)
	}
	// A missing block reads as zeros: the fetcher, which follows totalPages, judges the values.
	pn := data.Pagination
	return &ListPage[T]{Inquiries: items, Pagination: Pagination{CurrentPage: int(pn.CurrentPage),
		TotalPages: int(pn.TotalPages), TotalElements: int(pn.TotalElements), CountPerPage: int(pn.CountPerPage)}}, nil
}

// decodeEnvelope checks Coupang's {"code","message","data"} envelope and decodes data into v.
func decodeEnvelope(body []byte, v any) error {
	if !looksLikeJSON(body) {
		return decodeErr("%s", describeBody(body))
	}
	var env struct {
		Code    String          `json:"code"`
		Message json.RawMessage `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(body, []byte(bom)), &env); err != nil {
		if _, ok := errors.AsType[*json.SyntaxError](err); ok {
			return &Error{Kind: KindDecode, Message: "malformed JSON: " + describeBody(body), Hint: hintDecode, Err: err}
		}
		return decodeErr("malformed JSON: %v", jsonError(err))
	}
	var message String
	_ = message.UnmarshalJSON(env.Message) // a message that is not text is no message
	code := string(env.Code)
	if e := codeError(code, string(message)); e != nil {
		return e
	}
	if isNull(env.Data) {
		if code == "" {
			return decodeErr("a JSON object without code or data: %s", describeBody(body))
		}
		return decodeErr("code %s but no data (message %q)", code, sanitize(string(message), 80))
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return decodeErr("data: %v", jsonError(err))
	}
	return nil
}

// jsonError rewrites an error of encoding/json as "member: what is wrong", the member a path of
// keys without array indexes.
func jsonError(err error) error {
	te, ok := errors.AsType[*json.UnmarshalTypeError](err)
	if !ok {
		return err
	}
	msg := te.Value // a tolerant type's own message (see typeError)
	if !reflect.PointerTo(te.Type).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		want := "an array"
		if te.Type.Kind() == reflect.Struct {
			want = "an object"
		}
		got := map[string]string{"string": "a string", "number": "a number", "bool": "a boolean", "array": "an array", "object": "an object"}[te.Value]
		msg = fmt.Sprintf("%s is not %s", cmp.Or(got, te.Value), want)
	}
	if te.Field == "" {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %s", te.Field, msg)
}

// codeError is the error of a body's code (inside an HTTP 200 answer), or nil for no code or a
// success code.
func codeError(code, message string) *Error {
	kind, trimmed := KindDecode, strings.TrimSpace(code)
	if n, err := strconv.Atoi(trimmed); err == nil {
		kind = kindOfStatus(n)
	}
	if kind == 0 || code == "" || strings.EqualFold(trimmed, "SUCCESS") || strings.EqualFold(trimmed, "OK") {
		return nil
	}
	code, msg := sanitize(code, 40), cmp.Or(sanitize(message, 300), "no message")
	return &Error{Kind: kind, Message: fmt.Sprintf("code %s in the body: %s", code, msg), Hint: hintFor(kind, msg, false)}
}

func decodeErr(format string, args ...any) *Error {
	return &Error{Kind: KindDecode, Message: fmt.Sprintf(format, args...), Hint: hintDecode}
}

// wireInquiry is a call-center inquiry as Coupang sends it.
type wireInquiry struct {
	InquiryID                 Int64             `json:"inquiryId"`
	InquiryStatus             String            `json:"inquiryStatus"`
	CSPartnerCounselingStatus String            `json:"csPartnerCounselingStatus"`
	VendorItemID              Int64s            `json:"vendorItemId"`
	ItemName                  String            `json:"itemName"`
	Content                   String            `json:"content"`
	AnsweredAt                Timestamp         `json:"answeredAt"`
	InquiryAt                 Timestamp         `json:"inquiryAt"`
	BuyerEmail                String            `json:"buyerEmail"`
	BuyerPhone                String            `json:"buyerPhone"`
	OrderID                   Int64             `json:"orderId"`
	OrderDate                 Timestamp         `json:"orderDate"`
	ReceiptCategory           String            `json:"receiptCategory"`
	SaleStartedAt             Timestamp         `json:"saleStartedAt"`
	SaleEndedAt               Timestamp         `json:"saleEndedAt"`
	Replies                   []json.RawMessage `json:"replies"`
}

// wireReply is one element of an inquiry's replies as Coupang sends it.
type wireReply struct {
	AnswerID                      Int64     `json:"answerId"`
	ParentAnswerID                Int64     `json:"parentAnswerId"`
	PartnerTransferStatus         *String   `json:"partnerTransferStatus"` // nil for null
	PartnerTransferCompleteReason String    `json:"partnerTransferCompleteReason"`
	AnswerType                    String    `json:"answerType"`
	NeedAnswer                    Bool      `json:"needAnswer"`
	ReceptionistName              String    `json:"receptionistName"`
	Receptionist                  String    `json:"receptionist"`
	ReplyAt                       Timestamp `json:"replyAt"`
	Content                       String    `json:"content"`
}

// decodeInquiry decodes one inquiry object; an error names the inquiry when its id can be read.
func decodeInquiry(raw json.RawMessage) (Inquiry, error) {
	w := wireInquiry{VendorItemID: Int64s{}} // stays empty, never nil, when vendorItemId is absent
	if err := json.Unmarshal(raw, &w); err != nil {
		var id struct{ InquiryID Int64 } // reads "inquiryId": encoding/json ignores case
		if json.Unmarshal(raw, &id) == nil && id.InquiryID != 0 {
			return Inquiry{}, fmt.Errorf("inquiry %d: %w", id.InquiryID, jsonError(err))
		}
		return Inquiry{}, jsonError(err)
	}
	if w.InquiryID == 0 {
		return Inquiry{}, errors.New("an inquiry without inquiryId")
	}
	replies, err := decodeEach(w.Replies, "a reply", decodeReply)
	if err != nil {
		return Inquiry{}, fmt.Errorf("inquiry %d: replies%w", w.InquiryID, err)
	}
	return Inquiry{
		InquiryID:                 int64(w.InquiryID),
		InquiryStatus:             string(w.InquiryStatus),
		CSPartnerCounselingStatus: string(w.CSPartnerCounselingStatus),
		VendorItemIDs:             w.VendorItemID,
		ItemName:                  string(w.ItemName),
		Content:                   string(w.Content),
		AnsweredAt:                w.AnsweredAt.Time,
		BuyerEmail:                string(w.BuyerEmail),
		BuyerPhone:                string(w.BuyerPhone),
		OrderID:                   int64(w.OrderID),
		OrderDate:                 w.OrderDate.Time,
		ReceiptCategory:           string(w.ReceiptCategory),
		SaleStartedAt:             w.SaleStartedAt.Time,
		SaleEndedAt:               w.SaleEndedAt.Time,
		InquiryAt:                 *cmp.Or(w.InquiryAt.Time, &time.Time{}), // zero when absent
		Replies:                   replies,
	}, nil
}

func decodeReply(raw json.RawMessage) (Reply, error) {
	var r wireReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return Reply{}, jsonError(err)
	}
	return Reply{
		AnswerID:                      int64(r.AnswerID),
		ParentAnswerID:                int64(r.ParentAnswerID),
		PartnerTransferStatus:         (*string)(r.PartnerTransferStatus),
		PartnerTransferCompleteReason: string(r.PartnerTransferCompleteReason),
		AnswerType:                    string(r.AnswerType),
		NeedAnswer:                    bool(r.NeedAnswer),
		ReceptionistName:              string(r.ReceptionistName),
		Receptionist:                  string(r.Receptionist),
		ReplyAt:                       r.ReplyAt.Time,
		Content:                       string(r.Content),
	}, nil
}

// decodeEach decodes each element of an array on its own, so that an error names its index and a
// null element is refused rather than read as an empty one.
func decodeEach[T any](elems []json.RawMessage, what string, decode func(json.RawMessage) (T, error)) ([]T, error) {
	out := make([]T, 0, len(elems))
	for i, raw := range elems {
		if isNull(raw) {
			return nil, fmt.Errorf("[%d]: %s is null, not an object", i, what)
		}
		v, err := decode(raw)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// wireProductInquiry is a question of the product Q&A list as Coupang sends it.
type wireProductInquiry struct {
	InquiryID       Int64             `json:"inquiryId"`
	ProductID       Int64             `json:"productId"`
	SellerProductID Int64             `json:"sellerProductId"`
	SellerItemID    Int64             `json:"sellerItemId"`
	VendorItemID    Int64             `json:"vendorItemId"`
	Content         String            `json:"content"`
	InquiryAt       Timestamp         `json:"inquiryAt"`
	OrderIDs        Int64s            `json:"orderIds"`
	CommentDtoList  []json.RawMessage `json:"commentDtoList"`
}

// wireProductComment is one element of a question's commentDtoList as Coupang sends it.
type wireProductComment struct {
	InquiryCommentID Int64     `json:"inquiryCommentId"`
	InquiryID        Int64     `json:"inquiryId"`
	Content          String    `json:"content"`
	InquiryCommentAt Timestamp `json:"inquiryCommentAt"`
}

func decodeProductInquiry(raw json.RawMessage) (ProductInquiry, error) {
	w := wireProductInquiry{OrderIDs: Int64s{}} // stays empty, never nil, when orderIds is absent
	if err := json.Unmarshal(raw, &w); err != nil {
		return ProductInquiry{}, jsonError(err)
	}
	if w.InquiryID == 0 { // rows are told apart by it: questions without one would collapse into one
		return ProductInquiry{}, errors.New("a question without inquiryId")
	}
	comments, err := decodeEach(w.CommentDtoList, "a comment", decodeProductComment)
	if err != nil {
		return ProductInquiry{}, fmt.Errorf("inquiry %d: commentDtoList%w", w.InquiryID, err)
	}
	return ProductInquiry{
		InquiryID:       int64(w.InquiryID),
		ProductID:       int64(w.ProductID),
		SellerProductID: int64(w.SellerProductID),
		SellerItemID:    int64(w.SellerItemID),
		VendorItemID:    int64(w.VendorItemID),
		Content:         string(w.Content),
		OrderIDs:        []int64(w.OrderIDs),
		InquiryAt:       *cmp.Or(w.InquiryAt.Time, &time.Time{}), // zero when absent
		Comments:        comments,
	}, nil
}

func decodeProductComment(raw json.RawMessage) (ProductInquiryComment, error) {
	var c wireProductComment
	if err := json.Unmarshal(raw, &c); err != nil {
		return ProductInquiryComment{}, jsonError(err)
	}
	return ProductInquiryComment{
		InquiryCommentID: int64(c.InquiryCommentID),
		InquiryID:        int64(c.InquiryID),
		Content:          string(c.Content),
		InquiryCommentAt: c.InquiryCommentAt.Time,
	}, nil
}

// bom is the UTF-8 byte order mark some gateways put before a body.
const bom = "\xef\xbb\xbf"

func looksLikeJSON(body []byte) bool {
	t := bytes.TrimSpace(bytes.TrimPrefix(body, []byte(bom)))
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

var (
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// looksLikeHTML reports whether body is an HTML (or XML) page.
func looksLikeHTML(body []byte) bool {
	kind := http.DetectContentType(bytes.TrimPrefix(body, []byte(bom)))
	return strings.HasPrefix(kind, "text/html") || strings.HasPrefix(kind, "text/xml")
}

// describeBody names what came back instead of Coupang's JSON, with a short sanitized excerpt (of
// an HTML page its title, or its text without tags). The HTTP status is the *Error's to show.
func describeBody(body []byte) string {
	what, text := "non-JSON body", string(bytes.TrimSpace(body))
	switch {
	case text == "":
		what = "empty body"
	case looksLikeHTML(body):
		what = "HTML page"
		if m := htmlTitle.FindStringSubmatch(text); m != nil && strings.TrimSpace(m[1]) != "" {
			text = m[1]
		} else {
			text = htmlTag.ReplaceAllString(text, " ")
		}
	case looksLikeJSON(body):
		what = "JSON"
	}
	if text = sanitize(text, 80); text != "" {
		what += ": " + strconv.Quote(text)
	}
	return what
}

// sanitize makes s safe for one line of an error message: valid UTF-8, no control characters,
// collapsed spaces, at most max runes, nothing that looks like a signature.
func sanitize(s string, max int) string {
	s = redactSecrets(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}
