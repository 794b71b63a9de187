package coupang

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrepaidWait(t *testing.T) {
	t.Parallel()
	waits := 0
	wait := func(context.Context) error { waits++; return nil }
	ctx := context.Background()
	clock := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }

	w := prepaidWait(now, wait)
	for range 3 {
		require.NoError(t, w(ctx))
	}
	assert.Equal(t, 2, waits, "the first request goes on the SDK's token, every later one waits")

	waits = 0
	late := prepaidWait(now, wait)
	clock = clock.Add(time.Second)
	require.NoError(t, late(ctx))
	assert.Equal(t, 1, waits, "a first request long after the SDK's wait waits for its own token")
}

// lookup asks r for the page of req as the client does: a scan that gets none sends req, and
// here it fails (Listed with nil).
func lookup(t *testing.T, r *scanReuse, req any) bool {
	_, ok := r.Page(t.Context(), req)
	if !ok {
		r.Listed(req, nil)
	}
	return ok
}

// page makes a list page of the given inquiry IDs.
func page(ids ...int64) *api.Page {
	p := &api.Page{}
	for _, id := range ids {
		p.Inquiries = append(p.Inquiries, api.Inquiry{InquiryID: id})
	}
	return p
}

func TestSnapshotReuseRules(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	s := newSnapshot(func() time.Time { return now })
	req := api.ListRequest{PageSize: 30, PageNum: 1}
	own := s.scanReuse(tableInquiry)
	own.Listed(req, page(1, 2))

	ok := lookup(t, s.scanReuse(tableInquiry), req)
	assert.False(t, ok, "another scan of the same table: no reuse")
	ok = lookup(t, own, req)
	assert.True(t, ok, "the scan's own page: reused")
	inq := s.scanReuse(tableReply).Inquiry(2)
	require.NotNil(t, inq)
	assert.Equal(t, int64(2), inq.InquiryID)

	// Each reuse keeps the rows for reuseIdle more, up to reuseMaxAge.
	for range 9 {
		now = now.Add(reuseIdle) // exactly at the idle limit: still reusable
		ok = lookup(t, s.scanReuse(tableReply), req)
		require.True(t, ok)
	}
	now = now.Add(reuseIdle + time.Second)
	ok = lookup(t, s.scanReuse(tableReply), req)
	assert.False(t, ok, "idle too long")

	now = now.Add(reuseMaxAge)
	s.scanReuse(tableInquiry).Listed(api.ListRequest{PageNum: 2}, page(3))
	now = now.Add(time.Second)
	r := s.scanReuse(tableReply)
	ok = lookup(t, r, api.ListRequest{PageNum: 2})
	assert.True(t, ok)
	inq = r.Inquiry(1)
	assert.Nil(t, inq, "the first listing is too old by now")
}

func TestSnapshotMemoryBound(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newSnapshot(func() time.Time { return now })
	ids := make([]int64, reuseMaxInquiries/2)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	first := s.scanReuse(tableInquiry)
	first.Listed(api.ListRequest{PageNum: 1}, page(ids...))
	second := s.scanReuse(tableInquiry)
	second.Listed(api.ListRequest{PageNum: 2}, page(ids...))
	assert.Equal(t, reuseMaxInquiries, s.held)
	third := s.scanReuse(tableInquiry)
	third.Listed(api.ListRequest{PageNum: 3}, page(1))
	assert.Equal(t, reuseMaxInquiries/2+1, s.held, "the oldest listing is forgotten")
	reader := s.scanReuse(tableReply)
	ok := lookup(t, reader, api.ListRequest{PageNum: 1})
	assert.False(t, ok)
	ok = lookup(t, reader, api.ListRequest{PageNum: 3})
	assert.True(t, ok)
	third.Listed(api.ListRequest{PageNum: 4}, page(make([]int64, reuseMaxInquiries)...))
	assert.LessOrEqual(t, s.held, reuseMaxInquiries, "a listing larger than the bound is kept only in part")
}

// TestSnapshotInnerListingDoesNotHideTheOuter: the Steampipe CLI streams rows, so a nested loop's
// first inner scans can list a page the outer scan is still fetching. Once the outer scan has it,
// the later inner scans reuse the outer scan's copy, which the inner scan's own copy, listed after
// it, must not replace (through the CLI a 3-day product Q&A join listed the page again for each of
// 47 outer rows).
func TestSnapshotInnerListingDoesNotHideTheOuter(t *testing.T) {
	t.Parallel()
	for _, tables := range [][2]string{{tableProductInquiry, tableProductComment}, {tableInquiry, tableReply}} {
		now := time.Now()
		s := newSnapshot(func() time.Time { return now })
		req := api.ListRequest{PageNum: 2}
		outer, first := s.scanReuse(tables[0]), s.scanReuse(tables[1])
		ok := lookup(t, first, req)
		require.False(t, ok, "the outer scan has not listed it yet")
		outer.Listed(req, page(7))
		first.Listed(req, page(7))
		for range 3 {
			inner := s.scanReuse(tables[1])
			ok = lookup(t, inner, req)
			assert.True(t, ok, "%s: the outer scan's page", tables[1])
			assert.NotNil(t, inner.Inquiry(7), "%s: the outer scan's inquiry", tables[1])
		}
		ok = lookup(t, s.scanReuse(tables[0]), req)
		assert.True(t, ok, "%s: the inner scan's page", tables[0])
	}
}

// TestSnapshotWaitsForAPageBeingSent: a scan that asks for a page another table's scan is sending
// waits for that page instead of sending the request again; after a failed request, or a minute, it
// sends it itself. A scan of the same table does not wait: it could not reuse the page.
func TestSnapshotWaitsForAPageBeingSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSnapshot(time.Now)
		sending := s.scanReuse(tableInquiry)
		waitFor := func(req any) chan bool {
			_, ok := sending.Page(t.Context(), req)
			require.False(t, ok, "nothing listed: the scan sends it")
			got := make(chan bool, 1)
			go func() {
				_, ok := s.scanReuse(tableReply).Page(t.Context(), req)
				got <- ok
			}()
			synctest.Wait()
			require.Empty(t, got, "the reply scan waits for the inquiry scan's page")
			return got
		}

		req := api.ListRequest{PageNum: 1}
		got := waitFor(req)
		assert.False(t, lookup(t, s.scanReuse(tableInquiry), req), "the same table does not wait")
		sending.Listed(req, page(1))
		assert.True(t, <-got, "the page sent")

		req = api.ListRequest{PageNum: 2}
		got = waitFor(req)
		sending.Listed(req, nil)
		assert.False(t, <-got, "the request failed: the waiting scan sends it")

		req = api.ListRequest{PageNum: 3}
		got = waitFor(req)
		time.Sleep(maxSendingWait)
		assert.False(t, <-got, "no page within a minute")
		sending.Listed(req, nil)
	})
}

// TestSnapshotKeepsTheNewerListing: when a new listing does not fit beside the only older one, the
// older one is forgotten, not the new one, which the joins about to run will reuse.
func TestSnapshotKeepsTheNewerListing(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newSnapshot(func() time.Time { return now })
	ids := make([]int64, reuseMaxInquiries-1)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	s.scanReuse(tableInquiry).Listed(api.ListRequest{PageNum: 1}, page(ids...))
	s.scanReuse(tableInquiry).Listed(api.ListRequest{PageNum: 2}, page(1, 2))
	reader := s.scanReuse(tableReply)
	ok := lookup(t, reader, api.ListRequest{PageNum: 2})
	assert.True(t, ok, "the newer listing is kept")
	ok = lookup(t, reader, api.ListRequest{PageNum: 1})
	assert.False(t, ok, "the older listing is forgotten")
	assert.Equal(t, 2, s.held)
}

// TestSnapshotMaxAge: rows reused without a pause are still forgotten reuseMaxAge after they were
// fetched, so that a long-running join does not serve stale inquiries for ever.
func TestSnapshotMaxAge(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	s := newSnapshot(func() time.Time { return now })
	req := api.ListRequest{PageNum: 1}
	s.scanReuse(tableInquiry).Listed(req, page(1))
	fetched := now
	for now.Sub(fetched) <= reuseMaxAge-reuseIdle {
		now = now.Add(reuseIdle)
		ok := lookup(t, s.scanReuse(tableReply), req)
		require.True(t, ok, "reused %v after the fetch", now.Sub(fetched))
	}
	now = fetched.Add(reuseMaxAge + time.Second)
	ok := lookup(t, s.scanReuse(tableReply), req)
	assert.False(t, ok, "older than reuseMaxAge")
}

// TestSnapshotForgetsAListingStillRunning: a listing forgotten to make room for another one that
// runs beside it (two queries of one connection at once) keeps adding pages; those pages are held
// and counted anew, and forgotten in turn. Before, they were counted in no listing kept, so the
// room they took was never given back: the connection reused ever fewer inquiries, and a later
// listing that fits alone was not reused at all.
func TestSnapshotForgetsAListingStillRunning(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newSnapshot(func() time.Time { return now })
	ids := func(from, n int) *api.Page {
		p := make([]int64, n)
		for i := range p {
			p[i] = int64(from + i)
		}
		return page(p...)
	}
	running := s.scanReuse(tableInquiry)
	running.Listed(api.ListRequest{PageNum: 1}, ids(1, 15_000))
	s.scanReuse(tableReply).Listed(api.ListRequest{PageNum: 2}, ids(100_000, 10_000)) // forgets the running listing
	running.Listed(api.ListRequest{PageNum: 3}, ids(200_000, 5_000))                  // which goes on
	s.scanReuse(tableInquiry).Listed(api.ListRequest{PageNum: 4}, ids(300_000, 10_000))
	last := api.ListRequest{PageNum: 5}
	s.scanReuse(tableReply).Listed(last, ids(400_000, reuseMaxInquiries-1_000))
	ok := lookup(t, s.scanReuse(tableInquiry), last)
	assert.True(t, ok, "a listing that fits alone is kept")
	assert.Equal(t, reuseMaxInquiries-1_000, s.held)
	assert.Len(t, s.inquiries, s.held, "every inquiry held is counted")
}
