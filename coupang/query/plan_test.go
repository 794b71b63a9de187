package query

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// now is the tests' present: 2026-01-15 12:00 KST (03:00Z), so "today" is 2026-01-15.
var now = time.Date(2026, 1, 15, 3, 0, 0, 0, time.UTC)

// day parses a Korean date.
func day(s string) time.Time {
	t, err := time.ParseInLocation(api.DateLayout, s, api.KST)
	if err != nil {
		panic(err)
	}
	return t
}

// kst parses a Korean local time "2006-01-02 15:04:05".
func kst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, api.KST)
	if err != nil {
		panic(err)
	}
	return t
}

// utc parses an RFC 3339 instant.
func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func b(op string, t time.Time) Bound { return Bound{Op: op, Value: t} }

// narrowed moves each one-sided bound of q so that the planner, which widens every bound by the
// session TimeZones it may have been meant in (a lower bound 14 hours earlier, an upper one 12
// hours later), covers exactly the instants written in the test: the tiling tests state their
// ranges that way. "=" is left alone.
func narrowed(q Quals) Quals {
	q.InquiryAt = slices.Clone(q.InquiryAt)
	for i, bd := range q.InquiryAt {
		switch bd.Op {
		case OpGt, OpGe:
			q.InquiryAt[i].Value = bd.Value.Add(ZoneEast)
		case OpLt, OpLe:
			q.InquiryAt[i].Value = bd.Value.Add(-ZoneWest)
		}
	}
	return q
}

// narrowedFilter is f with its bounds moved as narrowed moves the quals.
func narrowedFilter(f Filter) Filter {
	if f.Lower != nil {
		f.Lower = &Bound{f.Lower.Op, f.Lower.Value.Add(ZoneEast)}
	}
	if f.Upper != nil {
		f.Upper = &Bound{f.Upper.Op, f.Upper.Value.Add(-ZoneWest)}
	}
	return f
}
func ptr[T any](v T) *T { return &v }

// reqs builds the expected requests: wins are "start..end" or "-" (dateless), ids the fan-out.
func reqs(wins []string, ids []int64, status string, orderID int64, size int) []api.ListRequest {
	var out []api.ListRequest
	for _, w := range wins {
		base := api.ListRequest{PartnerCounselingStatus: status, OrderID: orderID, PageSize: size}
		if w != "-" {
			s, e, _ := strings.Cut(w, "..")
			base.InquiryStartAt, base.InquiryEndAt = day(s), day(e)
		}
		if ids == nil {
			out = append(out, base)
			continue
		}
		for _, id := range ids {
			r := base
			r.VendorItemID = id
			out = append(out, r)
		}
	}
	return out
}

func TestBuild(t *testing.T) {
	t.Parallel()
	noLimit := int64(-1)
	cases := []struct {
		name     string
		q        Quals
		lookback int
		wins     []string // nil: no request at all
		ids      []int64
		status   string // default NONE
		orderID  int64
		size     int // default 30
		filter   *Filter
		raw      bool // bounds as received, not narrowed
	}{
		{name: "neither: last 7 days, today included", q: Quals{Limit: noLimit}, lookback: 7,
			wins: []string{"2026-01-09..2026-01-15"}, filter: &Filter{PartnerCounselingStatus: "NONE"}},
		{name: "neither: lookback 0 means the default 7", q: Quals{Limit: noLimit}, lookback: 0,
			wins: []string{"2026-01-09..2026-01-15"}},
		{name: "neither: lookback 30", q: Quals{Limit: noLimit}, lookback: 30,
			wins: []string{"2026-01-09..2026-01-15", "2026-01-02..2026-01-08", "2025-12-26..2026-01-01", "2025-12-19..2025-12-25", "2025-12-17..2025-12-18"}},
		{name: "neither: lookback 1 widens backwards", q: Quals{Limit: noLimit}, lookback: 1,
			wins: []string{"2026-01-14..2026-01-15"}},
		{name: "case c: >= runs to today", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00"))}},
			wins:   []string{"2026-01-09..2026-01-15", "2026-01-02..2026-01-08", "2025-12-31..2026-01-01"},
			filter: &Filter{Lower: &Bound{">=", kst("2026-01-01 00:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: "case c: > alone", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">", kst("2026-01-10 12:00:00"))}},
			wins: []string{"2026-01-10..2026-01-15"}},
		{name: "case c: < at a Korean midnight stops the day before", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<", kst("2026-01-10 00:00:00"))}},
			wins:   []string{"2026-01-03..2026-01-09", "2026-01-01..2026-01-02"},
			filter: &Filter{Upper: &Bound{"<", kst("2026-01-10 00:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: "case c: <= at a Korean midnight includes that day", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<=", kst("2026-01-10 00:00:00"))}},
			wins: []string{"2026-01-04..2026-01-10", "2026-01-02..2026-01-03"}, raw: true},
		{name: "upper-only uses lookback days ending at its date", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<=", kst("2026-01-10 08:00:00"))}}, lookback: 10,
			wins: []string{"2026-01-04..2026-01-10", "2025-12-31..2026-01-03"}, raw: true},
		{name: "upper-only: the widened hours may add a day", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<", kst("2026-01-10 00:00:00"))}}, lookback: 7,
			wins: []string{"2026-01-04..2026-01-10", "2026-01-02..2026-01-03"}, raw: true},
		{name: "case c: = widens its day backwards", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("=", kst("2026-01-10 10:00:00"))}},
			wins: []string{"2026-01-09..2026-01-10"}, raw: true,
			filter: &Filter{Lower: &Bound{">=", kst("2026-01-10 10:00:00")}, Upper: &Bound{"<=", kst("2026-01-10 10:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: "BETWEEN a whole week: one 7-day window", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-07 23:59:59"))}},
			wins: []string{"2026-01-01..2026-01-07"}},
		{name: "combined operators intersect to the tightest", q: Quals{Limit: noLimit, InquiryAt: []Bound{
			b(">=", kst("2026-01-03 00:00:00")), b(">", kst("2026-01-05 10:00:00")), b("<=", kst("2026-01-13 00:00:00")), b("<", kst("2026-01-12 00:00:00"))}},
			wins:   []string{"2026-01-05..2026-01-11"},
			filter: &Filter{Lower: &Bound{">", kst("2026-01-05 10:00:00")}, Upper: &Bound{"<", kst("2026-01-12 00:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: "strict wins at the same instant", q: Quals{Limit: noLimit, InquiryAt: []Bound{
			b(">=", kst("2026-01-05 00:00:00")), b(">", kst("2026-01-05 00:00:00")), b("<", kst("2026-01-06 00:00:00")), b("<=", kst("2026-01-06 00:00:00"))}},
			wins:   []string{"2026-01-04..2026-01-05"},
			filter: &Filter{Lower: &Bound{">", kst("2026-01-05 00:00:00")}, Upper: &Bound{"<", kst("2026-01-06 00:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: ">= x and <= x is one instant", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-05 09:00:00")), b("<=", kst("2026-01-05 09:00:00"))}},
			wins: []string{"2026-01-04..2026-01-05"}},
		{name: "inverted bounds: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">", kst("2026-01-10 00:00:00")), b("<", kst("2026-01-05 00:00:00"))}}},
		{name: ">= x and < x: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-10 00:00:00")), b("<", kst("2026-01-10 00:00:00"))}}},
		{name: ">= x and < x mid-day: no request", q: Quals{Limit: noLimit, ExactTimes: true, InquiryAt: []Bound{b(">=", kst("2026-01-10 10:00:00")), b("<", kst("2026-01-10 10:00:00"))}}, raw: true},
		{name: "> x and <= x: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">", kst("2026-01-10 00:00:00")), b("<=", kst("2026-01-10 00:00:00"))}}},
		{name: "two different = : both may hold, each meant in its own TimeZone", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("=", kst("2026-01-10 00:00:00")), b("=", kst("2026-01-10 00:00:01"))}},
			wins: []string{"2026-01-09..2026-01-10"}, raw: true},
		{name: "= a day apart: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("=", kst("2026-01-10 00:00:00")), b("=", kst("2026-01-11 02:00:01"))}}, raw: true},
		// As the FDW sends a date: UTC midnight. In Seoul it meant 15:00Z the day before, at UTC+14
		// 10:00Z: the windows start at 19:00 KST the Korean day before.
		{name: "a date as the FDW sends it reaches back to the Korean day before", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", utc("2026-01-10T00:00:00Z"))}},
			wins: []string{"2026-01-09..2026-01-15"}, raw: true},
		{name: "the last 7 days by date cost one more window", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", utc("2026-01-09T00:00:00Z"))}},
			wins: []string{"2026-01-09..2026-01-15", "2026-01-07..2026-01-08"}, raw: true},
		// The lookback's 7 days end on the earliest day the bound may mean (UTC+14: 19:00 KST the
		// day before), the windows on the latest (UTC-12: 21:00 KST that day).
		{name: "an upper date reads the lookback before every day it may mean", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<", utc("2026-01-10T00:00:00Z"))}},
			wins: []string{"2026-01-04..2026-01-10", "2026-01-02..2026-01-03"}, raw: true},
		{name: "a bound at 14:00 KST or later costs nothing", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-09 14:00:00"))}},
			wins: []string{"2026-01-09..2026-01-15"}, raw: true},
		{name: "1-day range: widened to 2", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-10 00:00:00")), b("<", kst("2026-01-11 00:00:00"))}},
			wins: []string{"2026-01-09..2026-01-10"}},
		{name: "today only: widened backwards, never past today", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-15 00:00:00"))}},
			wins: []string{"2026-01-14..2026-01-15"}},
		{name: "7-day range", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-02 00:00:00")), b("<", kst("2026-01-09 00:00:00"))}},
			wins: []string{"2026-01-02..2026-01-08"}},
		{name: "8-day range: 7 + a widened day", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-08 00:00:00")), b("<=", kst("2026-01-15 23:59:59"))}},
			wins: []string{"2026-01-09..2026-01-15", "2026-01-07..2026-01-08"}},
		{name: "30-day BETWEEN", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2025-12-01 00:00:00")), b("<=", kst("2025-12-30 23:59:59"))}},
			wins: []string{"2025-12-24..2025-12-30", "2025-12-17..2025-12-23", "2025-12-10..2025-12-16", "2025-12-03..2025-12-09", "2025-12-01..2025-12-02"}},
		{name: "14:59:59Z is the same Korean day, 23:59:59", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", utc("2026-01-09T14:59:59Z")), b("<=", utc("2026-01-12T14:59:59Z"))}},
			wins: []string{"2026-01-09..2026-01-12"}},
		{name: "15:00:00Z is the next Korean day", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", utc("2026-01-09T15:00:00Z")), b("<=", utc("2026-01-12T15:00:00Z"))}},
			wins: []string{"2026-01-10..2026-01-13"}},
		{name: "< 15:00:00Z is a Korean midnight: the day before", q: Quals{Limit: 3, InquiryAt: []Bound{b(">=", utc("2026-01-09T15:00:00Z")), b("<", utc("2026-01-12T15:00:00Z"))}},
			wins: []string{"2026-01-10..2026-01-12"}},
		{name: "future lower bound: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-02-01 00:00:00"))}}},
		{name: "lower bound later today still asks for today", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">", kst("2026-01-15 23:00:00"))}},
			wins: []string{"2026-01-14..2026-01-15"}},
		{name: "future upper bound is clamped to today", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<=", kst("2030-01-01 00:00:00"))}},
			wins: []string{"2026-01-09..2026-01-15"}},
		{name: "range into the future is clamped to today", q: Quals{Limit: noLimit, InquiryAt: []Bound{b(">=", kst("2026-01-13 00:00:00")), b("<", kst("2027-01-01 00:00:00"))}},
			wins: []string{"2026-01-13..2026-01-15"}},
		{name: "bounds before 2010: no request", q: Quals{Limit: noLimit, InquiryAt: []Bound{b("<", kst("2009-06-01 00:00:00"))}}},
		{name: "case b: option ID only, no dates", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{123}}},
			wins: []string{"-"}, ids: []int64{123}, filter: &Filter{VendorItemIDs: []int64{123}, PartnerCounselingStatus: "NONE"}},
		{name: "case b: IN list fans out, sorted and deduplicated", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{3, 1, 2, 3}}},
			wins: []string{"-"}, ids: []int64{1, 2, 3}},
		{name: "case b: an upper bound alone stays dateless and is filtered", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{5}}, InquiryAt: []Bound{b("<", kst("2026-01-10 00:00:00"))}},
			wins: []string{"-"}, ids: []int64{5},
			filter: &Filter{VendorItemIDs: []int64{5}, Upper: &Bound{"<", kst("2026-01-10 00:00:00")}, PartnerCounselingStatus: "NONE"}},
		{name: "case a: option ID and range", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{5}}, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-10 23:59:59"))}},
			wins: []string{"2026-01-04..2026-01-10", "2026-01-01..2026-01-03"}, ids: []int64{5}},
		{name: "case a: IN list fans out in every window", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{7, 5}}, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-10 23:59:59"))}},
			wins: []string{"2026-01-04..2026-01-10", "2026-01-01..2026-01-03"}, ids: []int64{5, 7}},
		{name: "case a: lower bound only runs to today", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{5}}, InquiryAt: []Bound{b(">", kst("2026-01-12 00:00:00"))}},
			wins: []string{"2026-01-12..2026-01-15"}, ids: []int64{5}},
		{name: "IN lists intersect", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{1, 2, 3}, {4, 3, 2}}},
			wins: []string{"-"}, ids: []int64{2, 3}},
		{name: "option IDs 0, negative and of 19 digits match nothing: no request", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{0, -3, 1e18, math.MaxInt64}}}},
		{name: "an option ID of 18 digits is sent", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{1e18 - 1, 1e18}}},
			wins: []string{"-"}, ids: []int64{1e18 - 1}},
		{name: "empty IN intersection: no request", q: Quals{Limit: noLimit, VendorItemID: [][]int64{{1}, {2}}}},
		{name: "order ID is sent", q: Quals{Limit: noLimit, OrderID: [][]int64{{9000}, {9000}}},
			wins: []string{"2026-01-09..2026-01-15"}, orderID: 9000,
			filter: &Filter{OrderID: ptr(int64(9000)), PartnerCounselingStatus: "NONE"}},
		{name: "two order IDs: no request", q: Quals{Limit: noLimit, OrderID: [][]int64{{1}, {2}}}},
		{name: "order ID 0 matches no order: no request", q: Quals{Limit: 5, OrderID: [][]int64{{0}}}},
		{name: "a negative order ID: no request", q: Quals{Limit: 5, OrderID: [][]int64{{-3}}}},
		{name: "an order ID of 19 digits matches nothing: no request", q: Quals{Limit: 5, OrderID: [][]int64{{1e18}}}},
		{name: "status NONE", q: Quals{Limit: noLimit, PartnerCounselingStatus: [][]string{{"NONE"}}}, wins: []string{"2026-01-09..2026-01-15"}, status: "NONE"},
		{name: "status ANSWER", q: Quals{Limit: noLimit, PartnerCounselingStatus: [][]string{{"ANSWER"}}}, wins: []string{"2026-01-09..2026-01-15"}, status: "ANSWER"},
		{name: "status NO_ANSWER", q: Quals{Limit: noLimit, PartnerCounselingStatus: [][]string{{"NO_ANSWER"}}}, wins: []string{"2026-01-09..2026-01-15"}, status: "NO_ANSWER"},
		{name: "status TRANSFER", q: Quals{Limit: noLimit, PartnerCounselingStatus: [][]string{{"TRANSFER"}}}, wins: []string{"2026-01-09..2026-01-15"}, status: "TRANSFER",
			filter: &Filter{PartnerCounselingStatus: "TRANSFER"}},
		{name: "two statuses: no request", q: Quals{Limit: noLimit, PartnerCounselingStatus: [][]string{{"ANSWER"}, {"TRANSFER"}}}},
		{name: "local-only filters", q: Quals{Limit: 5, InquiryStatus: [][]string{{"progress"}}, CSPartnerCounselingStatus: [][]string{{"requestAnswer"}}},
			wins:   []string{"2026-01-09..2026-01-15"},
			filter: &Filter{PartnerCounselingStatus: "NONE", InquiryStatus: []string{"progress"}, CSPartnerCounselingStatus: []string{"requestAnswer"}}},
		{name: "contradictory inquiry_status: no request", q: Quals{Limit: noLimit, InquiryStatus: [][]string{{"progress"}, {"complete"}}}},
		{name: "limit 1", q: Quals{Limit: 1}, wins: []string{"2026-01-09..2026-01-15"}, size: 1},
		{name: "limit 29", q: Quals{Limit: 29}, wins: []string{"2026-01-09..2026-01-15"}, size: 29},
		{name: "limit 30", q: Quals{Limit: 30}, wins: []string{"2026-01-09..2026-01-15"}, size: 30},
		{name: "limit 31", q: Quals{Limit: 31}, wins: []string{"2026-01-09..2026-01-15"}, size: 30},
		{name: "limit 0: no request", q: Quals{Limit: 0}},
		{name: "limit counting replies keeps 30", q: Quals{Limit: 5, LimitCountsReplies: true}, wins: []string{"2026-01-09..2026-01-15"}},
		{name: "limit with one option ID, no dates", q: Quals{Limit: 5, VendorItemID: [][]int64{{5}}}, wins: []string{"-"}, ids: []int64{5}, size: 5},
		{name: "limit with an IN list keeps 30 (fan-out duplicates)", q: Quals{Limit: 5, VendorItemID: [][]int64{{5, 6}}}, wins: []string{"-"}, ids: []int64{5, 6}},
		// Whole days as widened: the rows of their first and last hours are in doubt, held back under
		// the limit, so the fetch reads on past them; small pages would cost more requests.
		{name: "limit with whole-day bounds keeps 30", q: Quals{Limit: 5, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-07 23:59:59"))}},
			wins: []string{"2026-01-01..2026-01-07"}},
		{name: "limit with exact whole-day bounds", raw: true, q: Quals{Limit: 5, ExactTimes: true,
			InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-07 23:59:59"))}},
			wins: []string{"2026-01-01..2026-01-07"}, size: 5},
		{name: "limit with a mid-day bound keeps 30", q: Quals{Limit: 5, InquiryAt: []Bound{b(">=", kst("2026-01-01 10:00:00")), b("<=", kst("2026-01-07 23:59:59"))}},
			wins: []string{"2026-01-01..2026-01-07"}},
		{name: "limit with a mid-day upper bound keeps 30", q: Quals{Limit: 5, InquiryAt: []Bound{b(">=", kst("2026-01-01 00:00:00")), b("<=", kst("2026-01-07 10:00:00"))}},
			wins: []string{"2026-01-01..2026-01-07"}},
		{name: "limit with a widened window keeps 30", q: Quals{Limit: 5, InquiryAt: []Bound{b(">=", kst("2026-01-10 00:00:00")), b("<", kst("2026-01-11 00:00:00"))}},
			wins: []string{"2026-01-09..2026-01-10"}},
		{name: "limit with a bound before 2010 is still whole days", q: Quals{Limit: 5, InquiryAt: []Bound{b(">", kst("2001-01-01 10:00:00")), b("<", kst("2010-01-05 00:00:00"))}},
			wins: []string{"2010-01-01..2010-01-04"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			if !c.raw {
				q = narrowed(q)
			}
			p, err := Build(q, now, c.lookback)
			require.NoError(t, err)
			status := c.status
			if status == "" {
				status = api.StatusNone
			}
			size := c.size
			if size == 0 {
				size = api.MaxPageSize
			}
			assert.Equal(t, reqs(c.wins, c.ids, status, c.orderID, size), p.Requests())
			assert.Equal(t, status, p.Filter.PartnerCounselingStatus)
			assert.Equal(t, c.q.Limit >= 0, p.Sequential)
			if c.filter != nil && c.raw {
				assert.Equal(t, *c.filter, p.Filter)
			} else if c.filter != nil {
				assert.Equal(t, narrowedFilter(*c.filter), p.Filter)
			}
			assertValidPlan(t, p, now)
		})
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	_, err := Build(Quals{Limit: -1, PartnerCounselingStatus: [][]string{{"FOO"}}}, now, 7)
	require.EqualError(t, err, `unknown partner_counseling_status "FOO": use one of NONE, ANSWER, NO_ANSWER, TRANSFER`)

	// A bad status is an error even when other quals already select nothing.
	_, err = Build(Quals{Limit: -1, OrderID: [][]int64{{1}, {2}}, PartnerCounselingStatus: [][]string{{"NONE"}, {"answer"}}}, now, 7)
	require.ErrorContains(t, err, `"answer": use one of NONE, ANSWER, NO_ANSWER, TRANSFER`)

	_, err = Build(Quals{Limit: -1, InquiryAt: []Bound{b("!=", now)}}, now, 7)
	require.ErrorContains(t, err, `unsupported operator "!="`)
}

// TestBuildTiling checks every range length from 1 to 400 days: windows tile the range exactly,
// newest first, disjoint, 2..7 days each, and as few as possible.
func TestBuildTiling(t *testing.T) {
	t.Parallel()
	today := day("2026-01-15")
	for n := 1; n <= 400; n++ {
		for _, endAgo := range []int{0, 3} {
			hi := today.AddDate(0, 0, -endAgo)
			lo := hi.AddDate(0, 0, -(n - 1))
			q := Quals{Limit: -1, InquiryAt: []Bound{b(">=", lo), b("<", hi.AddDate(0, 0, 1))}}
			p, err := Build(narrowed(q), now, 7)
			require.NoError(t, err)
			name := fmt.Sprintf("%d days ending %s", n, hi.Format(api.DateLayout))
			require.Len(t, p.Windows, (n+6)/7, name)
			next := hi
			for i, w := range p.Windows {
				require.Equal(t, next, w.End, "%s: window %d ends where the previous started", name, i)
				last := i == len(p.Windows)-1
				if last && w.Start.Before(lo) {
					require.Equal(t, lo.AddDate(0, 0, -1), w.Start, "%s: a one-day piece is widened one day back", name)
					require.Equal(t, lo, w.End, name)
				} else if last {
					require.Equal(t, lo, w.Start, "%s: the last window starts at the range's start", name)
				} else {
					require.Equal(t, w.End.AddDate(0, 0, -6), w.Start, "%s: full windows are 7 days", name)
				}
				next = w.Start.AddDate(0, 0, -1)
			}
			assertValidPlan(t, p, now)
		}
	}
}

func TestBuild400Days(t *testing.T) {
	t.Parallel()
	p, err := Build(narrowed(Quals{Limit: -1, InquiryAt: []Bound{b(">=", day("2024-12-12"))}}), now, 7)
	require.NoError(t, err)
	// 2024-12-12..2026-01-15 is 400 days: 57 full weeks and a 1-day piece widened backwards.
	require.Len(t, p.Windows, 58)
	assert.Equal(t, day("2026-01-09"), p.Windows[0].Start)
	assert.Equal(t, day("2026-01-15"), p.Windows[0].End)
	assert.Equal(t, day("2024-12-11"), p.Windows[57].Start)
	assert.Equal(t, day("2024-12-12"), p.Windows[57].End)
	assertValidPlan(t, p, now)
}

func TestBuildClampsAncientRanges(t *testing.T) {
	t.Parallel()
	year1 := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	year9999 := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	p, err := Build(Quals{Limit: -1, InquiryAt: []Bound{b(">=", year1), b("<=", year9999)}}, now, 7)
	require.NoError(t, err)
	assert.Equal(t, MinDate, p.Windows[len(p.Windows)-1].Start)
	assert.Equal(t, day("2026-01-15"), p.Windows[0].End)
	assert.Less(t, len(p.Windows), 1000)

	p, err = Build(Quals{Limit: -1}, now, 1_000_000)
	require.NoError(t, err)
	assert.Equal(t, MinDate, p.Windows[len(p.Windows)-1].Start, "a huge lookback is clamped too")

	// Nothing before MinDate is read: not by an option ID's dateless listing, not on a clock that
	// is years behind (a machine that lost its time).
	for name, c := range map[string]struct {
		q   Quals
		now time.Time
	}{
		"option ID, upper bound before 2010": {Quals{Limit: -1, VendorItemID: [][]int64{{5}}, InquiryAt: []Bound{b("<", day("2009-06-01"))}}, now},
		"today before 2010":                  {Quals{Limit: -1}, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		p, err := Build(c.q, c.now, 7)
		require.NoError(t, err, name)
		assert.Empty(t, p.Windows, name)
	}
}

// TestBuildPageSizeFollowsLimitOnlyWhenLossless: a limit below the page size shrinks the page only
// when every row of the answers is streamed; where the filter may drop some, a full page saves calls.
func TestBuildPageSizeFollowsLimitOnlyWhenLossless(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		q    Quals
		size int
	}{
		"lossless":                        {Quals{Limit: 5}, 5},
		"inquiry_status is filtered here": {Quals{Limit: 5, InquiryStatus: [][]string{{"progress"}}}, 30},
		"a dateless listing under an upper bound": {Quals{Limit: 5, VendorItemID: [][]int64{{5}},
			InquiryAt: []Bound{b("<", kst("2026-01-10 00:00:00"))}}, 30},
	} {
		p, err := Build(c.q, now, 7)
		require.NoError(t, err, name)
		assert.Equal(t, c.size, p.PageSize, name)
	}
}

// assertValidPlan checks every request against Coupang's rules as the design notes state them.
func assertValidPlan(t testing.TB, p *Plan, now time.Time) {
	t.Helper()
	if err := validPlan(p, now); err != nil {
		t.Fatal(err)
	}
}

// validPlan returns the first rule a plan's requests break.
func validPlan(p *Plan, now time.Time) error {
	for _, r := range p.Requests() {
		if err := validRequest(r, now, 0); err != nil {
			return err
		}
	}
	return nil
}

// validRequest applies Coupang's list rules; totalPages < 1 skips the pageNum upper check.
func validRequest(r api.ListRequest, now time.Time, totalPages int) error {
	today := api.KoreanDate(now)
	switch {
	case r.PageSize < 1 || r.PageSize > api.MaxPageSize:
		return fmt.Errorf("pageSize %d outside 1..30: %+v", r.PageSize, r)
	case r.PageNum < 0 || (totalPages > 0 && r.PageNum > totalPages):
		return fmt.Errorf("pageNum %d outside 1..%d: %+v", r.PageNum, totalPages, r)
	case r.PartnerCounselingStatus != "NONE" && r.PartnerCounselingStatus != "ANSWER" &&
		r.PartnerCounselingStatus != "NO_ANSWER" && r.PartnerCounselingStatus != "TRANSFER":
		return fmt.Errorf("bad status %q", r.PartnerCounselingStatus)
	case r.InquiryStartAt.IsZero() != r.InquiryEndAt.IsZero():
		return fmt.Errorf("one date without the other: %+v", r)
	case r.InquiryStartAt.IsZero() && r.VendorItemID == 0:
		return fmt.Errorf("no dates and no vendorItemId: %+v", r)
	case r.InquiryStartAt.IsZero():
		return nil
	case !r.InquiryStartAt.Equal(api.KoreanDate(r.InquiryStartAt)) || !r.InquiryEndAt.Equal(api.KoreanDate(r.InquiryEndAt)):
		return fmt.Errorf("dates not at a Korean midnight: %+v", r)
	case !r.InquiryStartAt.Before(r.InquiryEndAt):
		return fmt.Errorf("start %s not before end %s", r.InquiryStartAt, r.InquiryEndAt)
	case r.InquiryStartAt.AddDate(0, 0, api.MaxWindowDays-1).Before(r.InquiryEndAt):
		return fmt.Errorf("window %s..%s longer than 7 days", r.InquiryStartAt, r.InquiryEndAt)
	case r.InquiryEndAt.After(today):
		return fmt.Errorf("window end %s past today %s", r.InquiryEndAt, today)
	}
	return nil
}

// A plan past MaxRequests is refused before any request is built, with a message that says how to
// narrow the query; one exactly at the cap is allowed.
func TestBuildRefusesTooManyRequests(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, api.KST)
	ids := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(1000 + i)
		}
		return out
	}
	// 70 days from 2025-11-07 to 2026-01-15 inclusive = 10 windows of 7 days.
	from := time.Date(2025, 11, 7, 0, 0, 0, 0, api.KST)
	atCap := Quals{Limit: -1, VendorItemID: [][]int64{ids(MaxRequests / 10)}, InquiryAt: []Bound{{Op: OpGe, Value: from}}}
	p, err := Build(narrowed(atCap), now, 7)
	require.NoError(t, err)
	require.Len(t, p.Windows, 10)
	require.Equal(t, MaxRequests, p.RequestCount())

	over := atCap
	over.VendorItemID = [][]int64{ids(MaxRequests/10 + 1)}
	_, err = Build(narrowed(over), now, 7)
	require.ErrorIs(t, err, ErrPlanTooLarge)
	require.Contains(t, err.Error(), "10 windows of 7 days x 2001 option IDs = 20010 first-page calls")
	require.Contains(t, err.Error(), "narrow the inquiry_at range or the vendor_item_id list")
}

// The days a default lookback decided are reported, and only then.
func TestBuildLookback(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		q    Quals
		want *Days
	}{
		{"neither", Quals{Limit: -1}, &Days{First: day("2026-01-09"), Last: day("2026-01-15")}},
		{"an upper bound alone starts the lookback before it", Quals{Limit: -1, InquiryAt: []Bound{b("<", utc("2025-11-01T00:00:00Z"))}},
			&Days{First: day("2025-10-24"), Last: day("2025-11-01")}},
		{"other quals do not decide the range", Quals{Limit: 5, OrderID: [][]int64{{7}}, PartnerCounselingStatus: [][]string{{"ANSWER"}}},
			&Days{First: day("2026-01-09"), Last: day("2026-01-15")}},
		{"a lower bound decides", Quals{Limit: -1, InquiryAt: []Bound{b(">=", utc("2026-01-01T00:00:00Z"))}}, nil},
		{"an option ID decides", Quals{Limit: -1, VendorItemID: [][]int64{{5}}}, nil},
		{"nothing to read", Quals{Limit: 0}, nil},
	}
	for _, c := range cases {
		p, err := Build(c.q, now, 7)
		require.NoError(t, err)
		assert.Equal(t, c.want, p.Lookback, c.name)
	}
	assert.Equal(t, "no lower bound on inquiry_at and no vendor_item_id: read only the 7 Korean days 2026-01-09 to 2026-01-15 "+
		"(default_lookback_days); to read other days, give inquiry_at a lower bound (inquiry_at >= 'yyyy-mm-dd') "+
		"or raise default_lookback_days in the connection config", Days{First: day("2026-01-09"), Last: day("2026-01-15")}.Notice())
	// Product Q&A cannot list by option ID: its notice does not suggest one.
	assert.True(t, strings.HasPrefix(Days{First: day("2026-01-09"), Last: day("2026-01-15"), NoOptionID: true}.Notice(),
		"no lower bound on inquiry_at: read only the 7 Korean days"))
}

// Bounds known to be exact (the export command's) are not widened: the last 7 days by date are one
// window, not two, and the filter is exact to the second.
func TestBuildExactTimes(t *testing.T) {
	t.Parallel()
	q := Quals{Limit: -1, ExactTimes: true, InquiryAt: []Bound{b(">=", day("2026-01-09")), b("<", kst("2026-01-15 10:00:00"))}}
	p, err := Build(q, now, 7)
	require.NoError(t, err)
	assert.Equal(t, reqs([]string{"2026-01-09..2026-01-15"}, nil, api.StatusNone, 0, api.MaxPageSize), p.Requests())
	assert.Equal(t, Sure, p.Filter.Certainty(day("2026-01-09")))
	assert.Equal(t, Rejected, p.Filter.Certainty(day("2026-01-09").Add(-time.Second)))
	assert.Equal(t, Rejected, p.Filter.Certainty(kst("2026-01-15 10:00:00")))
	q.ExactTimes = false
	p, err = Build(q, now, 7)
	require.NoError(t, err)
	assert.Equal(t, 2, p.RequestCount(), "the same bounds from the FDW may mean 14 hours earlier")
}

// Requests returns every request of the plan, in fetch order.
func (p *Plan) Requests() []api.ListRequest {
	var out []api.ListRequest
	for _, w := range p.Windows {
		out = append(out, w.Requests...)
	}
	return out
}

// RequestCount is the number of first-page requests the plan makes.
func (p *Plan) RequestCount() int {
	n := 0
	for _, w := range p.Windows {
		n += len(w.Requests)
	}
	return n
}
