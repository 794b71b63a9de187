package api

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// ListPath is the path of the list endpoint for a vendor.
func ListPath(vendorID string) string {
	return fmt.Sprintf("/v2/providers/openapi/apis/api/v5/vendors/%s/callCenterInquiries", url.PathEscape(vendorID))
}

// InquiryPath is the path of the single-inquiry endpoint (it has no vendor segment).
func InquiryPath(inquiryID int64) string {
	return "/v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/" + strconv.FormatInt(inquiryID, 10)
}

// ProductInquiryListPath is the path of the v5 product Q&A list for a vendor.
func ProductInquiryListPath(vendorID string) string {
	return fmt.Sprintf("/v2/providers/openapi/apis/api/v5/vendors/%s/onlineInquiries", url.PathEscape(vendorID))
}

// Query returns the encoded query string of the list call, in a fixed parameter order, without the
// leading '?': it is signed and sent as is.
func (r ListRequest) Query(vendorID string) string {
	q := "vendorId=" + url.QueryEscape(vendorID)
	if r.VendorItemID != 0 {
		q += "&vendorItemId=" + strconv.FormatInt(r.VendorItemID, 10)
	}
	q += "&partnerCounselingStatus=" + url.QueryEscape(cmp.Or(r.PartnerCounselingStatus, StatusNone))
	if !r.InquiryStartAt.IsZero() {
		q += "&inquiryStartAt=" + kstDate(r.InquiryStartAt)
	}
	if !r.InquiryEndAt.IsZero() {
		q += "&inquiryEndAt=" + kstDate(r.InquiryEndAt)
	}
	if r.OrderID != 0 {
		q += "&orderId=" + strconv.FormatInt(r.OrderID, 10)
	}
	return q + pageParams(r.PageNum, r.PageSize, MaxPageSize)
}

// Query returns the encoded query string of the call, like ListRequest.Query.
func (r ProductInquiryRequest) Query(vendorID string) string {
	return "vendorId=" + url.QueryEscape(vendorID) +
		"&answeredType=" + url.QueryEscape(cmp.Or(r.AnsweredType, AnsweredAll)) +
		"&inquiryStartAt=" + kstDate(r.InquiryStartAt) + "&inquiryEndAt=" + kstDate(r.InquiryEndAt) +
		pageParams(r.PageNum, r.PageSize, MaxProductPageSize)
}

// pageParams is the end of a list's query: pageNum (0 means 1) and pageSize (0 means maxSize).
func pageParams(page, size, maxSize int) string {
	return "&pageNum=" + strconv.Itoa(max(page, 1)) + "&pageSize=" + strconv.Itoa(cmp.Or(max(size, 0), maxSize))
}

// kstDate is t's Korean date as yyyy-MM-dd.
func kstDate(t time.Time) string { return t.In(KST).Format(DateLayout) }

// SignedDateLayout is the layout of the CEA signed-date: UTC, yyMMdd'T'HHmmss'Z'.
const SignedDateLayout = "060102T150405Z"

// Signature returns the lowercase hex HMAC-SHA256 of signedDate+method+path+query, keyed with the
// secret key; query is exactly as sent, without the leading '?'.
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

// Validate checks r against Coupang's documented rules, so that a request Coupang would reject (and
// count towards blocking the caller) is never sent: besides the status, page and period rules both
// lists share, both dates or neither, and dates required without an option ID.
func (r ListRequest) Validate() error {
	if err := validateStatusAndPage("partnerCounselingStatus", r.PartnerCounselingStatus, PartnerCounselingStatuses, r.PageNum, r.PageSize, MaxPageSize); err != nil {
		return err
	}
	for _, id := range []int64{r.VendorItemID, r.OrderID} {
		if id != 0 && !SendableID(id) { // 0: not sent
			return fmt.Errorf("vendorItemId and orderId must be positive IDs of at most 18 digits, got %d", id)
		}
	}
	if r.InquiryStartAt.IsZero() != r.InquiryEndAt.IsZero() {
		return fmt.Errorf("inquiryStartAt and inquiryEndAt must be given together")
	}
	if r.InquiryStartAt.IsZero() {
		if r.VendorItemID == 0 {
			return fmt.Errorf("inquiryStartAt and inquiryEndAt are required without vendorItemId")
		}
		return nil
	}
	return validatePeriod(r.InquiryStartAt, r.InquiryEndAt)
}

// Validate checks r against Coupang's documented rules, like ListRequest.Validate; both dates are
// required.
func (r ProductInquiryRequest) Validate() error {
	if err := validateStatusAndPage("answeredType", r.AnsweredType, AnsweredTypes, r.PageNum, r.PageSize, MaxProductPageSize); err != nil {
		return err
	}
	if r.InquiryStartAt.IsZero() || r.InquiryEndAt.IsZero() {
		return fmt.Errorf("inquiryStartAt and inquiryEndAt are required")
	}
	return validatePeriod(r.InquiryStartAt, r.InquiryEndAt)
}

// validateStatusAndPage checks what both question lists share: a known status (empty is the
// default), pageNum >= 0 and pageSize 0..maxSize.
func validateStatusAndPage(param, status string, statuses []string, page, size, maxSize int) error {
	if status != "" && !slices.Contains(statuses, status) {
		return fmt.Errorf("%s %q must be one of %v (upper case)", param, status, statuses)
	}
	if page < 0 {
		return fmt.Errorf("pageNum %d must be at least 1", page)
	}
	if size < 0 || size > maxSize {
		return fmt.Errorf("pageSize %d must be between 1 and %d", size, maxSize)
	}
	return nil
}

// validatePeriod checks a query period of Korean dates: 2..7 calendar days, start before end.
func validatePeriod(start, end time.Time) error {
	// KST has no daylight saving: the days between two Korean midnights are 24 h each.
	days := int(KoreanDate(end).Sub(KoreanDate(start)).Hours() / 24)
	switch {
	case days < 0:
		return fmt.Errorf("inquiryStartAt %s is after inquiryEndAt %s", kstDate(start), kstDate(end))
	case days == 0:
		return fmt.Errorf("inquiryStartAt and inquiryEndAt are the same day %s: Coupang may reject a one-day period; widen it and filter", kstDate(start))
	case days > MaxWindowDays-1:
		return fmt.Errorf("the period %s..%s spans %d calendar days; Coupang accepts at most %d", kstDate(start), kstDate(end), days+1, MaxWindowDays)
	}
	return nil
}
