package coupang_test

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyKey is a reply row's identity: a reply of an inquiry, under one of its option IDs (0: none).
type replyKey struct{ inquiry, option, answer int64 }

func replyKeys(rows []map[string]any) []replyKey {
	var out []replyKey
	for _, r := range rows {
		option, _ := r["vendor_item_id"].(int64)
		out = append(out, replyKey{r["inquiry_id"].(int64), option, r["answer_id"].(int64)})
	}
	slices.SortFunc(out, cmpReply)
	return out
}

func cmpReply(a, b replyKey) int {
	return cmp.Or(cmp.Compare(a.inquiry, b.inquiry), cmp.Compare(a.option, b.option), cmp.Compare(a.answer, b.answer))
}

// TestReplyTableMatchesInquiryTable checks that the reply table's rows for a period are exactly the
// sandbox's replies of the inquiries the same quals select on the inquiry table.
func TestReplyTableMatchesInquiryTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := byID(e.sb.Inquiries())
	now := time.Now()
	quals := between(now.Add(-12*24*time.Hour), now.Add(-2*24*time.Hour))

	inquiries := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: quals, Limit: -1})
	var want []replyKey
	withoutReplies := 0
	for _, row := range inquiries {
		id := row["inquiry_id"].(int64)
		option, _ := row["vendor_item_id"].(int64)
		if len(all[id].Replies) == 0 {
			withoutReplies++
		}
		for _, rep := range all[id].Replies {
			want = append(want, replyKey{id, option, rep.AnswerID})
		}
	}
	slices.SortFunc(want, cmpReply)
	require.NotZero(t, withoutReplies, "the period must include inquiries without replies")

	rows := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: quals, Limit: -1})
	assert.Equal(t, want, replyKeys(rows))
	e.requireAllOK(t)

	// answer_type filters exactly.
	rows = e.mustQuery(t, inprocess.Query{Table: replyTable, Limit: -1,
		Quals: append(between(now.Add(-12*24*time.Hour), now.Add(-2*24*time.Hour)), inprocess.Qual{Column: "answer_type", Operator: "=", Value: "vendor"})})
	var vendorWant []replyKey
	for _, k := range want {
		for _, rep := range all[k.inquiry].Replies {
			if rep.AnswerID == k.answer && rep.AnswerType == "vendor" {
				vendorWant = append(vendorWant, k)
			}
		}
	}
	require.NotEmpty(t, vendorWant)
	assert.Equal(t, vendorWant, replyKeys(rows))
}

// TestStatusFiltersIgnoreCase: the engines pass a key column's = without its collation, so the
// columns the plugin filters itself stream rows whatever the value's case and trailing spaces, and
// the engine's recheck decides: inquiry_status = 'COMPLETE' under a case-insensitive collation
// (SQLite's collate nocase), or 'complete ' under SQLite's collate rtrim, keeps Coupang's complete
// rows, a plain = none.
func TestStatusFiltersIgnoreCase(t *testing.T) {
	t.Parallel()
	e, now := newEnv(t, smallData, ""), time.Now()
	for _, c := range []struct{ table, column, value string }{
		{inquiryTable, "inquiry_status", "complete"},
		{inquiryTable, "cs_partner_counseling_status", "answered"},
		{replyTable, "answer_type", "vendor"},
	} {
		byValue := func(v string) inprocess.Query {
			return inprocess.Query{Table: c.table, Limit: -1, Quals: append(between(now.Add(-12*24*time.Hour), now),
				inprocess.Qual{Column: c.column, Operator: "=", Value: v})}
		}
		exact := byValue(c.value)
		require.NotEmpty(t, e.mustQuery(t, exact), c.column)
		want, err := streamed(e.context(t), e.r, exact)
		require.NoError(t, err)
		for _, other := range []string{strings.ToUpper(c.value), c.value + "  "} {
			assert.Empty(t, e.mustQuery(t, byValue(other)), "%s = %q: a plain = keeps none of them", c.column, other)
			got, err := streamed(e.context(t), e.r, byValue(other))
			require.NoError(t, err)
			assert.ElementsMatch(t, want, got, "%s = %q: the rows before the engine's recheck", c.column, other)
		}
	}
}

// TestReplyLimitStopsEarly checks that a limit counts replies and stops fetching once met.
func TestReplyLimitStopsEarly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	rows := e.mustQuery(t, inprocess.Query{Table: replyTable, Limit: 3})
	assert.Len(t, rows, 3)
	assert.Len(t, e.sb.Log(), 1, "one page holds three replies")
}

// TestRepliesJSONMatchesReplyRows checks that the inquiry table's replies JSONB and the reply
// table's rows of the same inquiry carry the same keys and values; inquiry_id = X on the reply
// table reads the single-inquiry endpoint. Both tables have a row per option ID the inquiry names:
// each inquiry row carries every reply, and the reply table has each reply once per option ID. It
// checks the newest inquiry with two replies (which one that is, and how many option IDs it names,
// change with the date and the time of day) and, unless that one names several, the oldest with two
// replies that does.
func TestRepliesJSONMatchesReplyRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	all := e.sb.Inquiries()
	newest := newestWithReplies(all, 2)
	require.NotZero(t, newest.InquiryID, "the data must hold an inquiry with two replies")
	severalOptions := func(inq sandbox.Inquiry) bool { return len(truthRows([]sandbox.Inquiry{inq})) > 1 }
	checked := []sandbox.Inquiry{newest}
	if !severalOptions(newest) {
		i := slices.IndexFunc(all, func(inq sandbox.Inquiry) bool { return len(inq.Replies) >= 2 && severalOptions(inq) })
		require.GreaterOrEqual(t, i, 0, "the data must hold an inquiry with two replies naming several option IDs")
		checked = append(checked, all[i])
	}
	for _, inq := range checked {
		options := optionsOf(truthRows([]sandbox.Inquiry{inq}))
		byInquiry := []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: inq.InquiryID}}
		inquiries := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: byInquiry, Limit: -1})
		assert.ElementsMatch(t, options, optionsOf(inquiries), "inquiry %d: one row per option ID", inq.InquiryID)
		replies := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: byInquiry, Limit: -1})
		require.Len(t, replies, len(inq.Replies)*len(options), "inquiry %d: each reply once per option ID", inq.InquiryID)
		for _, rec := range e.sb.Log() {
			assert.Equal(t, api.InquiryPath(inq.InquiryID), rec.Path)
		}
		for _, row := range inquiries {
			option := row["vendor_item_id"]
			rowByAnswer := map[string]map[string]any{}
			for _, r := range replies {
				if r["vendor_item_id"] == option {
					rowByAnswer[fmt.Sprint(r["answer_id"])] = r
				}
			}
			jsonReplies := row["replies"].([]any)
			require.Len(t, jsonReplies, len(inq.Replies), "inquiry %d, option %v", inq.InquiryID, option)
			require.Len(t, rowByAnswer, len(jsonReplies), "inquiry %d, option %v: a reply row per reply", inq.InquiryID, option)
			for _, jr := range jsonReplies {
				obj := jr.(map[string]any)
				reply := rowByAnswer[fmt.Sprint(obj["answer_id"])]
				require.NotNil(t, reply, "reply %v has a row under option %v", obj["answer_id"], option)
				for key, jv := range obj {
					col, ok := reply[key]
					require.True(t, ok, "reply JSON key %s is a reply table column", key)
					switch c := col.(type) {
					case time.Time:
						jt, err := time.Parse(time.RFC3339, jv.(string))
						require.NoError(t, err)
						assert.True(t, c.Equal(jt), key)
					case int64:
						assert.Equal(t, fmt.Sprint(c), fmt.Sprint(jv), key)
					default:
						assert.Equal(t, col, jv, key)
					}
				}
			}
		}
	}
}

// optionsOf returns the vendor_item_id column of rows, in order (nil for a row without one).
func optionsOf(rows []map[string]any) []any {
	out := make([]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, r["vendor_item_id"])
	}
	return out
}

// TestQueryFailsWhenAPIKeepsFailing injects a persistent 500 after a few successful requests and
// runs the query 300 times: every run must fail with an error saying what to check, never return
// a shorter result as success. This is the guard for the SDK's error-path race (see
// coupang.FetchTracker).
func TestQueryFailsWhenAPIKeepsFailing(t *testing.T) {
	t.Parallel()
	ctx := coupang.WithClientTuning(t.Context(), func(c *api.Config) {
		c.MaxAttempts = 2
		c.MinBackoff = time.Microsecond
		c.MaxBackoff = time.Microsecond
	})
	e := newEnv(t, sandbox.Options{Seed: 3, Days: 35, PerDay: 3}, "")
	var failAfter atomic.Int64
	e.sb.SetFault(func(n int64, _ *http.Request) *sandbox.Fault {
		if n > failAfter.Load() {
			return sandbox.FaultStatus(http.StatusInternalServerError, "Internal Server Error")
		}
		return nil
	})
	now := time.Now()
	q := inprocess.Query{Table: inquiryTable, Quals: between(now.Add(-30*24*time.Hour), now), Limit: -1}
	for i := range 300 {
		// The plan is five 7-day windows of one page each: let one to four of them through, so
		// that rows are already streaming when the API starts failing.
		failAfter.Store(e.sb.Requests() + int64(1+i%4))
		rows, err := runQuery(ctx, e.r, q)
		require.Error(t, err, "run %d returned %d rows as success", i, len(rows))
		require.Contains(t, err.Error(), "server error")
		require.Contains(t, err.Error(), "try again later")
	}
}

// TestRepliesByIDIgnoreThePlanSizeCap: inquiry_id = X reads one inquiry, so quals that would plan
// far more than query.MaxRequests list calls (thousands of option IDs over a decade) must still
// answer with one request, filtered exactly.
func TestRepliesByIDIgnoreThePlanSizeCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	inq := newestWithReplies(e.sb.Inquiries(), 1)
	ids := []any{inq.VendorItemIDs[0]}
	for i := range 3000 {
		ids = append(ids, int64(9_000_000_000+i))
	}
	since := time.Date(2015, 1, 1, 0, 0, 0, 0, api.KST)
	quals := []inprocess.Qual{
		{Column: "inquiry_id", Operator: "=", Value: inq.InquiryID},
		{Column: "vendor_item_id", Operator: "=", Value: ids},
		{Column: "inquiry_at", Operator: ">", Value: since},
	}
	rows := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: quals, Limit: -1})
	assert.Len(t, rows, len(inq.Replies))
	require.Len(t, e.sb.Log(), 1)
	assert.Equal(t, api.InquiryPath(inq.InquiryID), e.sb.Log()[0].Path)
}

// newestWithReplies returns the newest sandbox inquiry with at least n replies (the zero
// Inquiry if none has).
func newestWithReplies(all []sandbox.Inquiry, n int) sandbox.Inquiry {
	for _, inq := range slices.Backward(all) {
		if len(inq.Replies) >= n {
			return inq
		}
	}
	return sandbox.Inquiry{}
}

// TestReplyAnswerTypeUnderLimit: the reply table streams only replies of the answer_type asked for,
// since the SDK counts every streamed row against a LIMIT before Postgres' recheck drops any.
func TestReplyAnswerTypeUnderLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, smallData, "")
	const limit = 5
	rows, err := streamed(e.context(t), e.r, inprocess.Query{Table: replyTable, Limit: limit,
		Quals: []inprocess.Qual{{Column: "answer_type", Operator: "=", Value: "vendor"}}})
	require.NoError(t, err)
	require.Len(t, rows, limit)
	for _, r := range rows {
		assert.Equal(t, "vendor", r["answer_type"], "reply %d", r["answer_id"])
	}
}
