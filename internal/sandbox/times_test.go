package sandbox

import "testing"

func TestInquiryTimesMatchInquiries(t *testing.T) {
	t.Parallel()
	s := New(Options{Days: 20, PerDay: 30, HotInquiries: 50})
	all, times := s.Inquiries(), s.InquiryTimes()
	if len(times) != len(all) || len(all) != s.Count() {
		t.Fatalf("%d times, %d inquiries, Count %d", len(times), len(all), s.Count())
	}
	for i, inq := range all {
		if !times[i].Equal(inq.InquiryAt) || times[i].Location() != inq.InquiryAt.Location() {
			t.Fatalf("inquiry %d (%d): InquiryTimes %v, Inquiries %v", i, inq.InquiryID, times[i], inq.InquiryAt)
		}
	}
}
