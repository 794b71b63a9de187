package coupang_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// reuseData is a sandbox whose oneWindow period holds a few pages of inquiries, most with replies.
var reuseData = sandbox.Options{Seed: 21, Days: 30, PerDay: 20}

// byIDQuery is one inner scan of a nested loop: table with `inquiry_id = id`.
func byIDQuery(table string, id int64) inprocess.Query {
	return inprocess.Query{Table: table, Quals: []inprocess.Qual{{Column: "inquiry_id", Operator: "=", Value: id}}, Limit: -1}
}

// replyIDs returns the sorted answer_id column of rows.
func replyIDs(rows []map[string]any) []int64 {
	out := make([]int64, 0, len(rows))
	for _, r := range rows {
		out = append(out, r["answer_id"].(int64))
	}
	slices.Sort(out)
	return out
}

// canonical renders rows for comparison: instants in UTC, whatever time.Location they carry.
func canonical(rows []map[string]any) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		keys := slices.Sorted(maps.Keys(r))
		var b strings.Builder
		for _, k := range keys {
			v := r[k]
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%s=%v;", k, v)
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

// within keeps the rows whose inquiry_at is in [lo, hi], as Postgres's recheck of the bounds does
// (the plugin also streams rows a bound may admit in another session TimeZone).
func within(rows []map[string]any, lo, hi time.Time) []map[string]any {
	var out []map[string]any
	for _, r := range rows {
		if at := r["inquiry_at"].(time.Time); !at.Before(lo) && !at.After(hi) {
			out = append(out, r)
		}
	}
	return out
}

// TestNestedLoopJoinAtListingCost runs a join the way Postgres's nested loop does, in both
// directions: one listing of the outer table, then one scan of the inner table with
// `inquiry_id = X` per outer row. The inner scans must send no request (each reuses what the
// outer listing returned) and return exactly what a fresh read returns.
func TestNestedLoopJoinAtListingCost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ outer, inner string }{{inquiryTable, replyTable}, {replyTable, inquiryTable}} {
		t.Run(tc.outer, func(t *testing.T) {
			e := newEnv(t, reuseData, "")
			clock := e.useStepClock()
			lo, hi := oneWindow()
			want, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
			require.Greater(t, minReq, 1, "the period must take several pages")

			outer := e.mustQuery(t, inprocess.Query{Table: tc.outer, Quals: between(lo, hi), Limit: -1})
			require.Equal(t, int64(minReq), e.sb.Requests(), "the listing")
			inner := map[int64][]map[string]any{}
			for _, id := range want {
				clock.advance(time.Second) // inner scans come one after another, a token apart
				inner[id] = e.mustQuery(t, byIDQuery(tc.inner, id))
			}
			assert.Equal(t, int64(minReq), e.sb.Requests(), "inner scans reuse the listing: no request")
			require.NotEmpty(t, outer)

			// The same inner scans long after: each reads Coupang, and returns the same rows.
			clock.advance(time.Hour)
			before := e.sb.Requests()
			for _, id := range want[:3] {
				assert.Equal(t, canonical(inner[id]), canonical(e.mustQuery(t, byIDQuery(tc.inner, id))), "inquiry %d", id)
			}
			assert.Equal(t, before+3, e.sb.Requests(), "rows listed an hour ago are not reused")
		})
	}
}

// TestHashJoinAtListingCost lists both tables over the same period one after the other, as a hash
// or merge join does: the second listing reuses the first one's pages, and returns what it
// returns on its own.
func TestHashJoinAtListingCost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	clock := e.useStepClock()
	lo, hi := threeWindows()
	_, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
	inq := e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
	reps := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: between(lo, hi), Limit: -1})
	assert.Equal(t, int64(minReq), e.sb.Requests(), "both listings together cost one listing")
	require.NotEmpty(t, inq)

	clock.advance(time.Hour)
	fresh := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: between(lo, hi), Limit: -1})
	assert.Equal(t, replyIDs(fresh), replyIDs(reps), "reused rows equal a fresh listing")
	assert.Equal(t, int64(2*minReq), e.sb.Requests())
}

// TestConcurrentListingsAtListingCost lists both tables over the same period at once, as a hash join
// through the Steampipe CLI does (it streams rows, so Postgres starts the second scan while the first
// still lists): a page one scan is sending is waited for by the other, so the two together cost one
// listing, and each returns what it returns alone.
func TestConcurrentListingsAtListingCost(t *testing.T) {
	t.Parallel()
	slow := reuseData
	slow.Latency = 50 * time.Millisecond // the scans' requests overlap
	e := newEnv(t, slow, "")
	clock := e.useStepClock()
	lo, hi := threeWindows()
	want, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
	require.Greater(t, minReq, 3, "later pages")
	var inq, reps []map[string]any
	var wg sync.WaitGroup
	for table, rows := range map[string]*[]map[string]any{inquiryTable: &inq, replyTable: &reps} {
		wg.Go(func() {
			var err error
			*rows, err = runQuery(e.context(t), e.r, inprocess.Query{Table: table, Quals: between(lo, hi), Limit: -1})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(minReq), e.sb.Requests(), "both listings together cost one listing")
	assert.Equal(t, want, slices.Compact(ids(within(inq, lo, hi))))

	clock.advance(time.Hour)
	fresh := e.mustQuery(t, inprocess.Query{Table: replyTable, Quals: between(lo, hi), Limit: -1})
	assert.Equal(t, replyIDs(fresh), replyIDs(reps), "the rows equal a listing of their own")
}

// TestProductHashJoinAtListingCost: the product Q&A tables share their listings as the call-center
// tables do: listing the questions, then the comments, over one period costs one listing, and the
// comments equal a fresh listing of their own.
func TestProductHashJoinAtListingCost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	clock := e.useStepClock()
	lo, hi := threeWindows()
	questions := e.mustQuery(t, inprocess.Query{Table: productTable, Quals: between(lo, hi), Limit: -1})
	listing := e.sb.Requests()
	require.NotEmpty(t, questions)
	require.Positive(t, listing)
	comments := e.mustQuery(t, inprocess.Query{Table: commentTable, Quals: between(lo, hi), Limit: -1})
	require.NotEmpty(t, comments)
	assert.Equal(t, listing, e.sb.Requests(), "the comments reuse the questions' listing")

	clock.advance(time.Hour)
	fresh := e.mustQuery(t, inprocess.Query{Table: commentTable, Quals: between(lo, hi), Limit: -1})
	assert.Equal(t, canonical(fresh), canonical(comments), "reused rows equal a fresh listing")
	assert.Equal(t, 2*listing, e.sb.Requests())
}

// TestSameTableNotReused: running the same listing twice asks Coupang twice, however close
// together, even with Steampipe's query cache on (the plugin turns it off): only the other table of
// a join reuses rows.
func TestSameTableNotReused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "", inprocess.WithQueryCache(time.Hour))
	e.useStepClock() // time stands still: only the table rule can refuse reuse
	lo, hi := oneWindow()
	want, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
	q := inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1}
	e.mustQuery(t, q)
	e.mustQuery(t, q)
	e.mustQuery(t, byIDQuery(inquiryTable, want[0]))
	assert.Equal(t, int64(2*minReq+1), e.sb.Requests())
}

// TestTimeListSendsEachRequestOnce: the values of `inquiry_at in (t1, t2)` on one day plan the
// same windows, one listing per value; the second listing reuses the first's pages, so the scan
// sends each request once, in the listing and the sorted paths.
func TestTimeListSendsEachRequestOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	e.useStepClock()
	all := e.sb.Inquiries()
	last := all[len(all)-1]
	var times []any
	for _, inq := range all {
		if api.KoreanDate(inq.InquiryAt).Equal(api.KoreanDate(last.InquiryAt)) {
			times = append(times, inq.InquiryAt)
		}
	}
	require.GreaterOrEqual(t, len(times), 2, "inquiries on the newest day")
	for _, sorted := range []bool{false, true} {
		q := inprocess.Query{Table: inquiryTable, Quals: []inprocess.Qual{{Column: "inquiry_at", Operator: "=", Value: times}}, Limit: -1}
		if sorted {
			q.SortOrder = newestFirst()
		}
		rows := e.mustQuery(t, q)
		assert.Equal(t, pairs(recheck(truthRows(all), q.Quals, 0)), pairs(rows), "sorted %v", sorted)
		sent := map[string]int{}
		for _, rec := range e.sb.Log() {
			sent[rec.Path+"?"+rec.RawQuery]++
		}
		require.NotEmpty(t, sent)
		for req, n := range sent {
			assert.Equal(t, 1, n, "sorted %v: %s sent %d times", sorted, req, n)
		}
	}
}

// TestReuseIdleExpiry: an inner scan that comes more than a few idle seconds after the listing
// was last used reads Coupang again.
func TestReuseIdleExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	clock := e.useStepClock()
	lo, hi := oneWindow()
	want, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
	e.mustQuery(t, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
	clock.advance(2 * time.Second)
	e.mustQuery(t, byIDQuery(replyTable, want[0])) // reused, and keeps the listing in use
	clock.advance(2 * time.Second)
	e.mustQuery(t, byIDQuery(replyTable, want[1])) // reused: 2 s after the last use
	assert.Equal(t, int64(minReq), e.sb.Requests())
	clock.advance(5 * time.Second)
	e.mustQuery(t, byIDQuery(replyTable, want[2])) // idle too long: read
	assert.Equal(t, int64(minReq+1), e.sb.Requests())
}

// TestConcurrentJoins runs several nested-loop joins at once on one connection, each over its own
// period: every statement returns exactly its rows, and together they cost what their listings
// cost.
func TestConcurrentJoins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, reuseData, "")
	e.useStepClock()
	today := api.KoreanDate(time.Now())
	const statements = 4
	total := 0
	var wg sync.WaitGroup
	errs := make(chan error, statements)
	for i := range statements {
		lo, hi := today.AddDate(0, 0, -7*(i+1)), today.AddDate(0, 0, -7*i).Add(-time.Second)
		want, minReq := expectedIn(t, e.sb.Inquiries(), lo, hi)
		total += minReq
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := runQuery(e.context(t), e.r, inprocess.Query{Table: inquiryTable, Quals: between(lo, hi), Limit: -1})
			if err == nil && !assert.Equal(t, want, slices.Compact(ids(within(rows, lo, hi)))) {
				return
			}
			for _, id := range want {
				if err != nil {
					break
				}
				var reps []map[string]any
				reps, err = runQuery(e.context(t), e.r, byIDQuery(replyTable, id))
				for _, r := range reps {
					assert.Equal(t, id, r["inquiry_id"])
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(total), e.sb.Requests(), "each statement's listing, and nothing more")
}

// TestQueryCacheOff runs queries as the Steampipe CLI does, with Steampipe's query cache on, which
// the plugin turns off for its tables: after a listing with no quals (the default lookback), the
// same quals with a smaller limit ask Coupang again, and a query whose quals read further back (an
// option ID, an older inquiry, a longer period) or list with another status returns what it
// returns without the cache.
func TestQueryCacheOff(t *testing.T) {
	t.Parallel()
	sandbox.AwayFromMidnight(time.Minute) // listings of the default lookback, compared
	e := newEnv(t, reuseData, "", inprocess.WithQueryCache(time.Hour))
	clock := e.useStepClock()
	uncached, err := inprocess.New(t.Context(), "coupang", e.cfg, append(rowMode(), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err)

	today := api.KoreanDate(time.Now())
	var old sandbox.Inquiry // older than the default lookback, with an option and a reply
	for _, inq := range e.sb.Inquiries() {
		if inq.InquiryAt.Before(today.AddDate(0, 0, -14)) && len(inq.VendorItemIDs) > 0 && len(inq.Replies) > 0 {
			old = inq
			break
		}
	}
	require.NotZero(t, old.InquiryID)
	eq := func(column string, v any) inprocess.Qual {
		return inprocess.Qual{Column: column, Operator: "=", Value: v}
	}
	option, id := eq("vendor_item_id", old.VendorItemIDs[0]), eq("inquiry_id", old.InquiryID)
	since := inprocess.Qual{Column: "inquiry_at", Operator: ">=", Value: today.AddDate(0, 0, -20)}
	for _, tc := range []struct {
		table string
		quals [][]inprocess.Qual
	}{
		{inquiryTable, [][]inprocess.Qual{{option}, {id}, {since}, {eq("partner_counseling_status", api.StatusTransfer)}}},
		{replyTable, [][]inprocess.Qual{{option}, {id}, {since}, {eq("partner_counseling_status", api.StatusTransfer)}}},
		{"coupang_product_inquiry", [][]inprocess.Qual{{since}, {eq("answered_type", api.AnsweredNoAnswer)}}},
	} {
		t.Run(tc.table, func(t *testing.T) {
			clock.advance(time.Minute) // the previous table's rows are no longer reused
			cached := canonical(e.mustQuery(t, inprocess.Query{Table: tc.table, Limit: -1}))
			before := e.sb.Requests()
			e.mustQuery(t, inprocess.Query{Table: tc.table, Limit: 5})
			require.Greater(t, e.sb.Requests(), before, "the same quals with a smaller limit are not answered from a cache")
			for _, quals := range tc.quals {
				q := inprocess.Query{Table: tc.table, Quals: quals, Limit: -1}
				rows, err := runQuery(t.Context(), uncached, q)
				require.NoError(t, err)
				want := canonical(rows)
				require.NotEmpty(t, want, "%v", quals)
				require.NotSubset(t, cached, want, "%v: the cached listing lacks rows of this query", quals)
				got := canonical(e.mustQuery(t, q))
				assert.True(t, slices.Equal(want, got), "%v: %d rows, want %d", quals, len(got), len(want))
			}
		})
	}
}

// TestQueryCacheKeepsEveryRow reads more than 1,000 replies with Steampipe's query cache on and a
// reader that stalls on the first row while the plugin hands over the rest, as Postgres does when it
// runs a slow inner scan per outer row. Under the SDK's cache (v5.14.1) the reader received rows
// past the 1,000th in place of earlier ones; the plugin turns the cache off for its tables.
func TestQueryCacheKeepsEveryRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Seed: 3, Days: 30, PerDay: 60}, "", inprocess.WithQueryCache(time.Hour))
	uncached, err := inprocess.New(t.Context(), "coupang", e.cfg, append(rowMode(), inprocess.WithRateLimiter(fastLimiter))...)
	require.NoError(t, err)
	q := inprocess.Query{Table: replyTable, Limit: -1,
		Quals: []inprocess.Qual{{Column: "inquiry_at", Operator: ">=", Value: api.KoreanDate(time.Now()).AddDate(0, 0, -25)}}}
	want, err := streamed(t.Context(), uncached, q)
	require.NoError(t, err)
	require.Greater(t, len(want), 1500, "the rows must fill the SDK's 1,000-row buffer and more")

	var got []map[string]any
	err = e.r.Query(t.Context(), q, func(cols map[string]*proto.Column) error {
		if len(got) == 0 {
			time.Sleep(300 * time.Millisecond) // the plugin streams on meanwhile
		}
		row, err := columnValues(cols)
		got = append(got, row)
		return err
	})
	require.NoError(t, err)
	if w, g := replyIDs(want), replyIDs(got); !slices.Equal(w, g) {
		i := 0
		for i < min(len(w), len(g)) && w[i] == g[i] {
			i++
		}
		t.Errorf("%d replies, want %d; the sorted answer IDs differ from index %d", len(g), len(w), i)
	}
}
