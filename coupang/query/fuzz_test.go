package query

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// fuzzInput decodes fuzz bytes into quals; it never fails, running out of bytes reads zeros.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], in.b)
	in.b = in.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (in *fuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

var (
	year1    = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	year9999 = time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
	fuzzOps  = []string{"=", ">", ">=", "<", "<=", "<>"}
	fuzzStat = []string{"NONE", "ANSWER", "NO_ANSWER", "TRANSFER", "none", ""}
)

// instant picks a time: mostly near now (so ranges are interesting), sometimes anywhere in years
// 1..9999, sometimes exactly at the extremes or a Korean midnight.
func (in *fuzzInput) instant(now time.Time) time.Time {
	v := in.u64()
	switch v % 5 {
	case 0:
		return year1.Add(time.Duration(v>>3) % year9999.Sub(year1))
	case 1:
		return []time.Time{year1, year9999, MinDate, api.KoreanDate(now)}[(v>>3)%4]
	case 2:
		return api.KoreanDate(now).AddDate(0, 0, -int((v>>3)%1000))
	default:
		return now.Add(time.Duration(int64(v>>3)%(3*365*24*3600)-2*365*24*3600) * time.Second)
	}
}

// quals decodes a random set of quals.
func (in *fuzzInput) quals(now time.Time) Quals {
	q := Quals{Limit: int64(int8(in.byte())), LimitCountsReplies: in.byte()%2 == 0}
	for range in.byte() % 5 {
		q.InquiryAt = append(q.InquiryAt, Bound{Op: fuzzOps[in.byte()%byte(len(fuzzOps))], Value: in.instant(now)})
	}
	for range in.byte() % 3 {
		set := make([]int64, int(in.byte())*int(in.byte()%4)) // up to 765 IDs
		for i := range set {
			set[i] = int64(in.byte()%64) - 2 // small domain so intersections are often non-empty
		}
		q.VendorItemID = append(q.VendorItemID, set)
	}
	for range in.byte() % 3 {
		q.OrderID = append(q.OrderID, []int64{int64(in.byte() % 3)})
	}
	for range in.byte() % 3 {
		q.PartnerCounselingStatus = append(q.PartnerCounselingStatus, []string{fuzzStat[in.byte()%byte(len(fuzzStat))]})
	}
	for range in.byte() % 2 {
		q.InquiryStatus = append(q.InquiryStatus, []string{"progress"})
	}
	return q
}

func FuzzBuild(f *testing.F) {
	f.Add([]byte{}, int64(0), 7)
	f.Add([]byte("\x05\x00\x02\x02\x00\x00\x00\x00\x00\x00\x00\x00\x04"), int64(1e6), 30)
	f.Add([]byte(strings.Repeat("\xff\x01\x03", 40)), int64(-5), 1)
	f.Add([]byte(strings.Repeat("\x10\x02\x04\x07", 30)), int64(1<<40), 1_000_000)
	f.Fuzz(func(t *testing.T, data []byte, nowSec int64, lookback int) {
		// "now" is the real clock in production: keep it within 2010..2110.
		now := MinDate.Add(time.Duration(uint64(nowSec)%(100*365*24*3600)) * time.Second)
		in := &fuzzInput{b: data}
		q := in.quals(now)
		p, err := Build(q, now, lookback)
		if errors.Is(err, ErrPlanTooLarge) && !badInput(q) {
			requirePlausiblyTooLarge(t, slices.Concat(q.VendorItemID...), now)
			return
		}
		if err != nil {
			if !badInput(q) {
				t.Fatalf("unexpected error %v for %+v", err, q)
			}
			return
		}
		if badInput(q) {
			t.Fatalf("no error for bad input %+v", q)
		}
		checkFuzzPlan(t, q, p, now)
	})
}

// badInput reports whether the quals hold an unknown status or operator.
func badInput(q Quals) bool {
	for _, set := range q.PartnerCounselingStatus {
		for _, s := range set {
			if !slices.Contains(api.PartnerCounselingStatuses, s) {
				return true
			}
		}
	}
	for _, b := range q.InquiryAt {
		if b.Op == "<>" {
			return true
		}
	}
	return false
}

// checkFuzzPlan asserts a plan's invariants: valid requests, bounded size, and completeness (every
// instant the filter admits in some session TimeZone, from MinDate to today, is inside a requested window).
func checkFuzzPlan(t *testing.T, q Quals, p *Plan, now time.Time) {
	if err := validPlan(p, now); err != nil {
		t.Fatal(err)
	}
	if p.Sequential != (q.Limit >= 0) || p.PageSize < 1 || p.PageSize > api.MaxPageSize {
		t.Fatalf("sequential %v page size %d for limit %d", p.Sequential, p.PageSize, q.Limit)
	}
	if maxWindows := int(api.KoreanDate(now).Sub(MinDate).Hours()/24)/api.MaxWindowDays + 2; len(p.Windows) > maxWindows {
		t.Fatalf("%d windows, more than %d", len(p.Windows), maxWindows)
	}
	for i := 1; i < len(p.Windows); i++ {
		if !p.Windows[i].End.Before(p.Windows[i-1].Start) {
			t.Fatalf("windows overlap or are not newest first: %v then %v", p.Windows[i-1], p.Windows[i])
		}
	}
	if len(p.Windows) == 0 || p.Windows[0].Start.IsZero() {
		return
	}
	for _, t0 := range probes(p.Filter, now) {
		if p.Filter.Certainty(t0) == Rejected || t0.Before(MinDate) || api.KoreanDate(t0).After(api.KoreanDate(now)) {
			continue
		}
		if q.VendorItemID == nil && p.Filter.Lower == nil && api.KoreanDate(t0).Before(p.Windows[len(p.Windows)-1].Start) {
			continue // before the lookback, which is a default, not a qual
		}
		if !covered(p.Windows, api.KoreanDate(t0)) {
			t.Fatalf("instant %s admitted by the filter but in no window %v", t0, p.Windows)
		}
	}
}

// probes are instants at and around the filter's bounds and today.
func probes(f Filter, now time.Time) []time.Time {
	var out []time.Time
	for _, b := range []*Bound{f.Lower, f.Upper} {
		if b != nil {
			for _, v := range []time.Time{b.Value, b.Value.Add(-ZoneEast), b.Value.Add(ZoneWest)} {
				out = append(out, v, v.Add(time.Second), v.Add(-time.Second))
			}
		}
	}
	return append(out, now, api.KoreanDate(now), MinDate)
}

// covered reports whether a date falls in one of the windows.
func covered(ws []Window, d time.Time) bool {
	for _, w := range ws {
		if !d.Before(w.Start) && !d.After(w.End) {
			return true
		}
	}
	return false
}
