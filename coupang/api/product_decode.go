package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DecodeProductInquiryList decodes a body of the product Q&A list with encoding/json, tolerating
// what the documentation leaves open (code a number or a string; inquiryAt and inquiryCommentAt with
// a space or a T, with or without an offset or a fraction; orderIds null or missing; sellerProductId
// missing; IDs as numbers or numeric strings) and ignoring fields Coupang dropped (buyerEmail). A body
// that is not Coupang's JSON, or whose code is not a success, gives an *Error.
func DecodeProductInquiryList(body []byte) (*ProductInquiryPage, error) {
	if !looksLikeJSON(body) {
		return nil, &Error{Kind: KindDecode, Message: describeBody(body, 0), Hint: hintDecode}
	}
	var env struct {
		Code    flexString `json:"code"`
		Message flexString `json:"message"`
		Data    *struct {
			Content    []wireProductInquiry `json:"content"`
			Pagination *struct {
				CurrentPage   flexInt64 `json:"currentPage"`
				TotalPages    flexInt64 `json:"totalPages"`
				TotalElements flexInt64 `json:"totalElements"`
				CountPerPage  flexInt64 `json:"countPerPage"`
			} `json:"pagination"`
		} `json:"data"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), &env); err != nil {
		return nil, &Error{Kind: KindDecode, Message: "product inquiry list: " + sanitize(err.Error(), 200), Hint: hintDecode, Err: err}
	}
	code := string(env.Code)
	if code != "" && !successCode(code) {
		return nil, codeError(code, string(env.Message))
	}
	if env.Data == nil {
		return nil, decodeErr("product inquiry list: code %q but no data (message %q)", sanitize(code, 40), sanitize(string(env.Message), 80))
	}
	if env.Data.Pagination == nil {
		// Without totalPages a page cannot be told from the last one: fail rather than stop early.
		return nil, decodeErr("product inquiry list: data has no pagination")
	}
	pn := env.Data.Pagination
	page := &ProductInquiryPage{
		Inquiries: make([]ProductInquiry, 0, len(env.Data.Content)),
		Pagination: Pagination{CurrentPage: int(pn.CurrentPage), TotalPages: int(pn.TotalPages),
			TotalElements: int(pn.TotalElements), CountPerPage: int(pn.CountPerPage)},
	}
	for _, w := range env.Data.Content {
		page.Inquiries = append(page.Inquiries, w.inquiry())
	}
	return page, nil
}

// wireProductInquiry is an element of data.content as Coupang sends it.
type wireProductInquiry struct {
	InquiryID       flexInt64   `json:"inquiryId"`
	ProductID       flexInt64   `json:"productId"`
	SellerProductID flexInt64   `json:"sellerProductId"`
	SellerItemID    flexInt64   `json:"sellerItemId"`
	VendorItemID    flexInt64   `json:"vendorItemId"`
	Content         flexString  `json:"content"`
	InquiryAt       flexTime    `json:"inquiryAt"`
	OrderIDs        []flexInt64 `json:"orderIds"`
	CommentDtoList  []struct {
		InquiryCommentID flexInt64  `json:"inquiryCommentId"`
		InquiryID        flexInt64  `json:"inquiryId"`
		Content          flexString `json:"content"`
		InquiryCommentAt flexTime   `json:"inquiryCommentAt"`
	} `json:"commentDtoList"`
}

func (w wireProductInquiry) inquiry() ProductInquiry {
	inq := ProductInquiry{
		InquiryID:       int64(w.InquiryID),
		ProductID:       int64(w.ProductID),
		SellerProductID: int64(w.SellerProductID),
		SellerItemID:    int64(w.SellerItemID),
		VendorItemID:    int64(w.VendorItemID),
		Content:         string(w.Content),
		OrderIDs:        make([]int64, 0, len(w.OrderIDs)),
		Comments:        make([]ProductInquiryComment, 0, len(w.CommentDtoList)),
	}
	if w.InquiryAt.t != nil {
		inq.InquiryAt = *w.InquiryAt.t
	}
	for _, id := range w.OrderIDs {
		inq.OrderIDs = append(inq.OrderIDs, int64(id))
	}
	for _, c := range w.CommentDtoList {
		inq.Comments = append(inq.Comments, ProductInquiryComment{
			InquiryCommentID: int64(c.InquiryCommentID),
			InquiryID:        int64(c.InquiryID),
			Content:          string(c.Content),
			InquiryCommentAt: c.InquiryCommentAt.t,
		})
	}
	return inq
}

// flexInt64 is an integer Coupang may send as a JSON number or a numeric string; null and "" are 0.
type flexInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexInt64) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" {
		return err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer", sanitize(s, 40))
	}
	*v = flexInt64(n)
	return nil
}

// flexString is text Coupang may send as a string or a number (code); null is "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexString) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*v = flexString(s)
	return err
}

// flexTime is a time in any layout ParseTime reads; null and "" are nil.
type flexTime struct{ t *time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' && string(b) != "null" {
		return fmt.Errorf("expected a time string, got %s", sanitize(string(b), 40))
	}
	s, err := scalarText(b)
	if err != nil {
		return err
	}
	v.t, err = ParseTime(s)
	return err
}

// scalarText is the text of a JSON string, number or boolean, trimmed; null gives "".
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return "", nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return "", fmt.Errorf("expected a scalar, got %s", sanitize(string(b), 40))
	}
	return string(b), nil
}
