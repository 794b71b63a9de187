package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The vectors of the design notes, computed from Coupang's documented rule.
func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	cases := []struct{ secret, date, method, path, query, want string }{
		{"abc123", "700101T000000Z", "GET", "/path", "x=1", "941e8cea21006e72a8841d3ac23c3849d727506ffe4ddf0e09ac7501cdbc4fda"},
		{"test-secret-key-0000", "260115T030405Z", "GET", "/v2/providers/openapi/apis/api/v5/vendors/A00012345/callCenterInquiries",
			"vendorId=A00012345&partnerCounselingStatus=NO_ANSWER&inquiryStartAt=2026-01-09&inquiryEndAt=2026-01-15&pageNum=1&pageSize=30",
			"2ca4fb2e40873f06583599e39fb353e3319d053f1d3369159863db00564cf66b"},
		{"test-secret-key-0000", "260115T030405Z", "POST", "/v2/providers/openapi/apis/api/v4/vendors/A00012345/callCenterInquiries/1007837444/replies", "",
			"1d439fb79d5e74de4387cd8d31c665919977498fcfdbe67bb338ed349f19b7ee"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Signature(c.secret, c.date, c.method, c.path, c.query), c.path)
	}
	// Signing with the '?' that separates path and query is a classic mistake: it must not match.
	assert.NotEqual(t, cases[0].want, Signature("abc123", "700101T000000Z", "GET", "/path", "?x=1"))
	// The signed-date is UTC whatever the clock's zone: a KST clock signs the same instant alike.
	auth := Authorization("ak", "abc123", testNow.In(KST), "GET", "/path", "x=1")
	assert.Equal(t, Authorization("ak", "abc123", testNow, "GET", "/path", "x=1"), auth)
	assert.Contains(t, auth, "signed-date=260115T030405Z")
}

// vendor_id is not checked for its shape: whatever it holds stays one path segment and one query
// value, so a stray '/', '?' or '&' cannot change the endpoint called or the parameters signed.
func TestVendorIDIsEscaped(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "/v2/providers/openapi/apis/api/v5/vendors/A%2F1%3Fx/callCenterInquiries", ListPath("A/1?x"))
	q := ListRequest{VendorItemID: 1}.Query("A&pageSize=1")
	assert.True(t, strings.HasPrefix(q, "vendorId=A%26pageSize%3D1&vendorItemId=1&"), q)
}
