package api

import (
	"cmp"
	"fmt"
	"net/url"
	"strconv"
)

// ListPath is the path of the list endpoint for a vendor.
func ListPath(vendorID string) string {
	return fmt.Sprintf("/v2/providers/openapi/apis/api/v5/vendors/%s/callCenterInquiries", url.PathEscape(vendorID))
}

// InquiryPath is the path of the single-inquiry endpoint (it has no vendor segment).
func InquiryPath(inquiryID int64) string {
	return "/v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/" + strconv.FormatInt(inquiryID, 10)
}

// Query returns the encoded query string of the list call, in a fixed parameter order, without the
// leading '?'. It is built once and both signed and sent as is.
func (r ListRequest) Query(vendorID string) string {
	q := "vendorId=" + url.QueryEscape(vendorID)
	if r.VendorItemID != 0 {
		q += "&vendorItemId=" + strconv.FormatInt(r.VendorItemID, 10)
	}
	status := r.PartnerCounselingStatus
	if status == "" {
		status = StatusNone
	}
	q += "&partnerCounselingStatus=" + url.QueryEscape(status)
	if !r.InquiryStartAt.IsZero() {
		q += "&inquiryStartAt=" + r.InquiryStartAt.In(KST).Format(DateLayout)
	}
	if !r.InquiryEndAt.IsZero() {
		q += "&inquiryEndAt=" + r.InquiryEndAt.In(KST).Format(DateLayout)
	}
	if r.OrderID != 0 {
		q += "&orderId=" + strconv.FormatInt(r.OrderID, 10)
	}
	return q + pageParams(r.PageNum, r.PageSize, MaxPageSize)
}

// pageParams is the end of a list's query: pageNum (0 means 1) and pageSize (0 means maxSize).
func pageParams(page, size, maxSize int) string {
	return "&pageNum=" + strconv.Itoa(max(page, 1)) + "&pageSize=" + strconv.Itoa(cmp.Or(max(size, 0), maxSize))
}
