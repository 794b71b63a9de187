package query

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// FuzzBuildHostile complements FuzzBuild with the inputs an attacker or a careless query would
// send: IN lists of up to 20,000 arbitrary 64-bit option IDs (negative, zero, huge, repeated),
// timestamps anywhere in years 1..9999 and any operator or status text. Build must not panic; bad
// input gets an error naming the column and quoting the offending value; every planned request
// passes the client's own validation (so none is refused before sending), each window asks for
// each wanted option ID exactly once, and the plan's windows stay bounded.
func FuzzBuildHostile(f *testing.F) {
	f.Add([]byte{}, uint16(0), "", "=", int64(0))
	f.Add([]byte(strings.Repeat("\xff\xff\xff\xff\xff\xff\xff\x7f\x00\x00\x00\x00\x00\x00\x00\x80", 8)), uint16(20000), "TRANSFER", "<=", int64(-62135596800))
	f.Add([]byte("\x01\x00\x00\x00\x00\x00\x00\x00"), uint16(5000), "NONE", "<", int64(253402300799))
	f.Add([]byte("\x02"), uint16(3), "answer", "<>", int64(1700000000))
	f.Fuzz(func(t *testing.T, seed []byte, n uint16, status, op string, unix int64) {
		now := time.Date(2026, 1, 15, 12, 0, 0, 0, api.KST)
		ids := hostileIDs(seed, int(n)%20_001)
		at := time.Unix(unix%(253402300799+62135596800), 0) // years 1..9999
		q := Quals{Limit: -1, VendorItemID: [][]int64{ids}, InquiryAt: []Bound{{Op: op, Value: at}}}
		if status != "" {
			q.PartnerCounselingStatus = [][]string{{status}}
		}
		p, err := Build(q, now, 7)
		badStatus := status != "" && !slices.Contains(api.PartnerCounselingStatuses, status)
		badOp := !slices.Contains([]string{OpEq, OpGt, OpGe, OpLt, OpLe}, op)
		if badStatus || badOp {
			requireClearError(t, err, badStatus, status, op)
			return
		}
		if errors.Is(err, ErrPlanTooLarge) {
			requirePlausiblyTooLarge(t, ids, now)
			return
		}
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		checkHostilePlan(t, p, ids, now)
	})
}

// requirePlausiblyTooLarge fails unless the option IDs, over every window since MinDate, could
// really need more than MaxRequests calls.
func requirePlausiblyTooLarge(t *testing.T, ids []int64, now time.Time) {
	t.Helper()
	distinct := map[int64]bool{}
	for _, id := range ids {
		if id > 0 {
			distinct[id] = true
		}
	}
	maxWindows := int(now.Sub(MinDate).Hours()/24)/api.MaxWindowDays + 2
	if len(distinct)*maxWindows <= MaxRequests {
		t.Fatalf("plan refused as too large with only %d option IDs", len(distinct))
	}
}

// hostileIDs makes n option IDs from seed, cycling through it 8 bytes at a time.
func hostileIDs(seed []byte, n int) []int64 {
	out := make([]int64, n)
	if len(seed) == 0 {
		return out
	}
	for i := range out {
		var b [8]byte
		for k := range b {
			b[k] = seed[(i*8+k)%len(seed)] ^ byte(i>>(k%4*8))
		}
		out[i] = int64(binary.LittleEndian.Uint64(b[:]))
	}
	return out
}

// requireClearError asserts an error names the bad column and quotes the bad value.
func requireClearError(t *testing.T, err error, badStatus bool, status, op string) {
	if err == nil {
		t.Fatalf("no error for status %q, operator %q", status, op)
	}
	msg := err.Error()
	want := "inquiry_at"
	quoted := op
	if badStatus {
		want, quoted = "partner_counseling_status", status
	}
	if !strings.Contains(msg, want) || !strings.Contains(msg, strconv.Quote(quoted)) {
		t.Fatalf("error %q does not name %s and %q", msg, want, quoted)
	}
}

// checkHostilePlan checks the plan's requests against the IDs asked for.
func checkHostilePlan(t *testing.T, p *Plan, ids []int64, now time.Time) {
	var want []int64 // the positive distinct IDs, sorted
	for _, id := range ids {
		if id > 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	if maxWindows := int(api.KoreanDate(now).Sub(MinDate).Hours()/24)/api.MaxWindowDays + 2; len(p.Windows) > maxWindows {
		t.Fatalf("%d windows", len(p.Windows))
	}
	for _, w := range p.Windows {
		got := make([]int64, 0, len(w.Requests))
		for _, r := range w.Requests {
			r.PageNum = 1
			if err := r.Validate(); err != nil {
				t.Fatalf("planned request the client would refuse: %v (%+v)", err, r)
			}
			got = append(got, r.VendorItemID)
		}
		if len(ids) > 0 && !slices.Equal(got, want) {
			t.Fatalf("window %v asks for %d option IDs, want the %d positive distinct ones", w.Start, len(got), len(want))
		}
	}
}
