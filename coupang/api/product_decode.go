package api

import (
	"bytes"
	"encoding/json"
)

// DecodeProductInquiryList decodes a body of the product Q&A list with encoding/json and the
// tolerant field types, tolerating
// what the documentation leaves open (code a number or a string; inquiryAt and inquiryCommentAt with
// a space or a T, with or without an offset or a fraction; orderIds null or missing; sellerProductId
// missing; IDs as numbers or numeric strings) and ignoring fields Coupang dropped (buyerEmail). A body
// that is not Coupang's JSON, or whose code is not a success, gives an *Error.
func DecodeProductInquiryList(body []byte) (*ProductInquiryPage, error) {
	if !looksLikeJSON(body) {
		return nil, &Error{Kind: KindDecode, Message: describeBody(body, 0), Hint: hintDecode}
	}
	var env struct {
		Code    String `json:"code"`
		Message String `json:"message"`
		Data    *struct {
			Content    []wireProductInquiry `json:"content"`
			Pagination *struct {
				CurrentPage   Int64 `json:"currentPage"`
				TotalPages    Int64 `json:"totalPages"`
				TotalElements Int64 `json:"totalElements"`
				CountPerPage  Int64 `json:"countPerPage"`
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
	InquiryID       Int64     `json:"inquiryId"`
	ProductID       Int64     `json:"productId"`
	SellerProductID Int64     `json:"sellerProductId"`
	SellerItemID    Int64     `json:"sellerItemId"`
	VendorItemID    Int64     `json:"vendorItemId"`
	Content         String    `json:"content"`
	InquiryAt       Timestamp `json:"inquiryAt"`
	OrderIDs        Int64s    `json:"orderIds"`
	CommentDtoList  []struct {
		InquiryCommentID Int64     `json:"inquiryCommentId"`
		InquiryID        Int64     `json:"inquiryId"`
		Content          String    `json:"content"`
		InquiryCommentAt Timestamp `json:"inquiryCommentAt"`
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
		OrderIDs:        []int64(w.OrderIDs),
		Comments:        make([]ProductInquiryComment, 0, len(w.CommentDtoList)),
	}
	if w.InquiryAt.Time != nil {
		inq.InquiryAt = *w.InquiryAt.Time
	}
	if inq.OrderIDs == nil {
		inq.OrderIDs = []int64{} // orderIds absent: never unmarshalled
	}
	for _, c := range w.CommentDtoList {
		inq.Comments = append(inq.Comments, ProductInquiryComment{
			InquiryCommentID: int64(c.InquiryCommentID),
			InquiryID:        int64(c.InquiryID),
			Content:          string(c.Content),
			InquiryCommentAt: c.InquiryCommentAt.Time,
		})
	}
	return inq
}
