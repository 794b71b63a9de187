package coupang

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Steampipe hands a plugin no statement ID (each inner scan of a nested loop arrives as its own
// Execute), so "the same statement" is read as "the connection is still using these rows": each
// reuse keeps them for another reuseIdle, up to reuseMaxAge after they were fetched.
// reuseMaxInquiries bounds the memory held (about 2 kB an inquiry).
const (
	reuseIdle         = 3 * time.Second
	reuseMaxAge       = 10 * time.Minute
	reuseMaxInquiries = 20_000
)

// snapshot is one connection's memory of what its scans fetched moments ago, pages by request and
// inquiries by ID, so that a join of the call-center tables, or of the product Q&A tables, costs one
// listing in any plan: a hash join's second listing reuses the pages, a nested loop's inner
// `inquiry_id = X` scans the inquiries. A scan reuses the other tables' rows and its own (the values
// of an inquiry_at list can plan the same windows), never an earlier scan's of its table, so a query
// run twice asks Coupang twice. Each table's rows are kept apart: an inner scan that lists a page
// the outer scan was still fetching must not hide the outer scan's copy from the inner scans after it.
type snapshot struct {
	mu        sync.Mutex
	now       func() time.Time
	batches   []*batch                 // oldest first
	pages     map[slot[any]]entry[any] // by api.ListRequest (an *api.Page) or api.ProductInquiryRequest
	inquiries map[slot[int64]]entry[*api.Inquiry]
	held      int      // inquiries held, over all batches
	tables    []string // the tables whose scans kept rows here, where a scan looks for another's copy
	// sending holds the requests a scan is sending, by request, so that another table's scan waits
	// for the page rather than send the request again: through the Steampipe CLI, which streams rows,
	// both scans of a hash join list at once.
	sending map[any]*sender
}

// sender is a scan sending a request; done is closed once its page is listed or the request failed.
type sender struct {
	scan *scanReuse
	done chan struct{}
}

// maxSendingWait bounds how long a scan waits for another scan's request before sending its own.
const maxSendingWait = time.Minute

// slot is where a table's page or inquiry is kept: by the table that fetched it, and its key.
type slot[K comparable] struct {
	table string
	key   K
}

// batch is what one scan fetched.
type batch struct {
	table             string
	fetched, lastUsed time.Time
	size              int
	forgotten         bool // dropped from the snapshot, perhaps while its scan goes on listing
}

// entry is a page or an inquiry, and the batch that fetched it.
type entry[T any] struct {
	v T
	b *batch
}

func newSnapshot(now func() time.Time) *snapshot {
	return &snapshot{now: now, pages: map[slot[any]]entry[any]{}, inquiries: map[slot[int64]]entry[*api.Inquiry]{},
		sending: map[any]*sender{}}
}

// scanReuse implements api.Reuse for one scan of table.
type scanReuse struct {
	snap  *snapshot // the connection's, which the scan reads and adds to
	table string
	b     *batch // created on the scan's first page
}

func (s *snapshot) scanReuse(table string) *scanReuse {
	return &scanReuse{snap: s, table: table}
}

// Page implements api.Reuse: while another table's scan is sending req, it waits for that page.
func (r *scanReuse) Page(ctx context.Context, req any) (any, bool) {
	s := r.snap
	var giveUp <-chan time.Time // started at the first wait: most calls find the page or send
	for {
		s.mu.Lock()
		page, ok := reuse(r, s.pages, req)
		other := s.sending[req]
		if ok || other == nil || other.scan.table == r.table {
			if !ok && other == nil {
				s.sending[req] = &sender{scan: r, done: make(chan struct{})}
			}
			s.mu.Unlock()
			return page, ok
		}
		s.mu.Unlock()
		if giveUp == nil {
			giveUp = time.After(maxSendingWait)
		}
		select {
		case <-other.done:
		case <-ctx.Done():
			return nil, false
		case <-giveUp:
			return nil, false
		}
	}
}

// Listed implements api.Reuse.
func (r *scanReuse) Listed(req, page any) {
	s := r.snap
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.sending[req]; e != nil && e.scan == r {
		delete(s.sending, req)
		defer close(e.done) // once the page is kept: its waiters look again then
	}
	var inquiries []api.Inquiry // of a call-center page, reused by ID too
	n := 0
	switch p := page.(type) {
	case nil:
		return
	case *api.Page:
		inquiries, n = p.Inquiries, len(p.Inquiries)
	case *api.ProductInquiryPage:
		n = len(p.Inquiries)
	}
	now := s.now()
	if r.b == nil || r.b.forgotten { // a scan whose pages were forgotten holds its next ones anew
		r.b = &batch{table: r.table, fetched: now, lastUsed: now}
		s.batches = append(s.batches, r.b)
		if !slices.Contains(s.tables, r.table) {
			s.tables = append(s.tables, r.table)
		}
	}
	for s.held+n > reuseMaxInquiries && len(s.batches) > 1 && s.batches[0] != r.b {
		b := s.batches[0] // forget the oldest batch
		s.batches, s.held, b.forgotten = s.batches[1:], s.held-b.size, true
		maps.DeleteFunc(s.pages, func(_ slot[any], e entry[any]) bool { return e.b == b })
		maps.DeleteFunc(s.inquiries, func(_ slot[int64], e entry[*api.Inquiry]) bool { return e.b == b })
	}
	if s.held+n > reuseMaxInquiries {
		return // this listing alone fills the snapshot: keep what it holds
	}
	r.b.lastUsed = now
	r.b.size += n
	s.held += n
	s.pages[slot[any]{r.table, req}] = entry[any]{page, r.b}
	for i := range inquiries {
		s.inquiries[slot[int64]{r.table, inquiries[i].InquiryID}] = entry[*api.Inquiry]{&inquiries[i], r.b}
	}
}

// Inquiry implements api.Reuse.
func (r *scanReuse) Inquiry(id int64) *api.Inquiry {
	r.snap.mu.Lock()
	defer r.snap.mu.Unlock()
	inq, _ := reuse(r, r.snap.inquiries, id)
	return inq
}

// reuse returns a table's entry of m (the snapshot's pages or inquiries) at k if the scan may reuse
// what its batch fetched, and then marks the batch used. The snapshot is locked.
func reuse[K comparable, V any](r *scanReuse, m map[slot[K]]entry[V], k K) (v V, ok bool) {
	now := r.snap.now()
	for _, table := range r.snap.tables {
		e, ok := m[slot[K]{table, k}]
		if !ok || (table == r.table && e.b != r.b) || now.Sub(e.b.lastUsed) > reuseIdle || now.Sub(e.b.fetched) > reuseMaxAge {
			continue
		}
		e.b.lastUsed = now
		return e.v, true
	}
	return v, false
}
