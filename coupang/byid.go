package coupang

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// scanQuals returns the key-column quals this list call answers for, or run false when it is a
// copy of an IN-list fan-out that must return at once.
//
// An `inquiry_id IN (...)` list, when it is the query's only list qual, is read one ID per copy of
// the SDK's fan-out (see inquiryIDCopy): the SDK waits one rate-limiter token before each copy,
// and that token pays for the copy's one request, so the list runs at the rate limit and each row
// is streamed as its read completes. Every other list goes to one copy that runs the whole query
// (see originalQuals); so does an ID list under a pushed ORDER BY, or under a pushed LIMIT with
// a condition on inquiry_at, whose rows must reach Postgres in an order a single call decides
// (newest first; rows surely kept first). Such a list takes two tokens per ID: the copies' tokens
// are spent whether or not they read.
func scanQuals(d *plugin.QueryData) (_ plugin.KeyColumnQualMap, _ *fanOut, run bool, _ error) {
	if f, run, err := inquiryIDCopy(d); f != nil {
		return d.Quals, f, run, f.firstError(err)
	}
	q, run := originalQuals(d)
	return q, nil, run, nil
}

// checkInquiryIDs refuses an ID list that needs more single-inquiry calls than a plan may make.
func checkInquiryIDs(n int) error {
	if n <= query.MaxRequests {
		return nil
	}
	return fmt.Errorf("%w: %d inquiry IDs = %d single-inquiry calls, more than the %d allowed; "+
		"split the inquiry_id list into parts of at most %d IDs, or find the inquiries by inquiry_at",
		query.ErrPlanTooLarge, n, n, query.MaxRequests, query.MaxRequests)
}

// inquiryIDCopy returns the fan-out of an `inquiry_id IN (...)` list when d is the copy of one
// of its elements that reads its own ID, and whether it must run: not when an earlier element of
// the list has the same value (duplicates are read once). err refuses a list past
// checkInquiryIDs.
func inquiryIDCopy(d *plugin.QueryData) (_ *fanOut, run bool, err error) {
	limited := queryLimit(d) >= 0
	if d.QueryContext == nil || sortPushed(d) || (limited && d.Quals[colInquiryAt] != nil) {
		return nil, false, nil
	}
	cur := d.Quals[colInquiryID]
	if cur == nil || len(cur.Quals) != 1 || cur.Quals[0].Value == nil || cur.Quals[0].Value.GetListValue() != nil {
		return nil, false, nil
	}
	v := cur.Quals[0].Value
	orig, ok := d.QueryContext.UnsafeQuals[colInquiryID]
	if !ok {
		return nil, false, nil
	}
	for _, q := range orig.Quals {
		if list := q.GetValue().GetListValue(); list != nil {
			if f, first := position(list, v); f != nil {
				if err := checkInquiryIDs(f.distinct); err != nil {
					return f, false, err
				}
				// Under a pushed LIMIT a copy whose read is no longer needed makes none.
				return f, first && (!limited || d.RowsRemaining(context.Background()) > 0), nil
			}
		}
	}
	return nil, false, nil
}

// fanOuts indexes each ID list being fanned out (*proto.QualValueList to *fanOut), once for all
// its copies: a list of n IDs has n copies, and each finding its place by scanning would cost n²
// in all. Lookups take no lock: thousands of copies start at once.
var fanOuts sync.Map

// fanOut is one list: which element is the first of its value, how many distinct values, how
// many copies have yet to ask (the entry is dropped when none has), and whether a copy already
// failed.
type fanOut struct {
	once     sync.Once
	first    map[*proto.QualValue]bool
	distinct int
	pending  atomic.Int64
	failed   atomic.Bool
}

// firstError lets only the first failing copy of a fan-out return its error, and the others
// return nil: the first error fails the query, and the SDK (v5.14.1) leaves the goroutine of every
// later error blocked for good on its error channel, which nothing reads once the query has
// failed. f may be nil (not a fan-out copy).
func (f *fanOut) firstError(err error) error {
	if f == nil || err == nil || f.failed.CompareAndSwap(false, true) {
		return err
	}
	return nil
}

// position returns v's list, when v is one of its elements, and whether v is the first element
// of its value.
func position(list *proto.QualValueList, v *proto.QualValue) (_ *fanOut, first bool) {
	e, ok := fanOuts.Load(list)
	if !ok {
		e, _ = fanOuts.LoadOrStore(list, &fanOut{})
	}
	f := e.(*fanOut)
	f.once.Do(func() {
		f.first = make(map[*proto.QualValue]bool, len(list.Values))
		seen := make(map[string]bool, len(list.Values))
		for _, e := range list.Values {
			k := e.String()
			f.first[e] = !seen[k]
			seen[k] = true
		}
		f.distinct = len(seen)
		f.pending.Store(int64(len(list.Values)))
	})
	first, found := f.first[v]
	if !found {
		return nil, false
	}
	if f.pending.Add(-1) == 0 {
		fanOuts.Delete(list)
	}
	return f, first
}

// wrapTable prefixes a non-nil error with the table it concerns.
func wrapTable(table string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", table, err)
}
