package api

import (
	"fmt"
	"slices"
	"time"
)

// Validate checks r against Coupang's documented rules, so that a request Coupang would reject
// (and count towards blocking the caller) is never sent: a known status, pageNum >= 0, pageSize
// 0..30, both dates or neither, dates required without an option ID, and a window of 2..7 Korean
// calendar days (start before end, end - start <= 6 days).
func (r ListRequest) Validate() error {
	if err := validateStatusAndPage("partnerCounselingStatus", r.PartnerCounselingStatus, PartnerCounselingStatuses, r.PageNum, r.PageSize, MaxPageSize); err != nil {
		return err
	}
	if r.VendorItemID < 0 || r.OrderID < 0 {
		return fmt.Errorf("vendorItemId and orderId must not be negative")
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

// validateStatusAndPage checks what both question lists share: a listing status from statuses
// (empty means the default), pageNum >= 0 and pageSize 0..maxSize.
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
	days := calendarDays(start, end)
	switch {
	case days < 0:
		return fmt.Errorf("inquiryStartAt %s is after inquiryEndAt %s", start.In(KST).Format(DateLayout), end.In(KST).Format(DateLayout))
	case days == 0:
		return fmt.Errorf("inquiryStartAt and inquiryEndAt are the same day %s: Coupang may reject a one-day period; widen it and filter", start.In(KST).Format(DateLayout))
	case days > MaxWindowDays-1:
		return fmt.Errorf("the period %s..%s spans %d calendar days; Coupang accepts at most %d",
			start.In(KST).Format(DateLayout), end.In(KST).Format(DateLayout), days+1, MaxWindowDays)
	}
	return nil
}

// calendarDays is the number of Korean calendar days from a's date to b's date.
func calendarDays(a, b time.Time) int {
	return int(KoreanDate(b).Sub(KoreanDate(a)).Hours() / 24) // KST has no daylight saving: days of 24 h
}
