package coupang

import (
	"context"
	"fmt"
	"sync"

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
func scanQuals(d *plugin.QueryData) (_ plugin.KeyColumnQualMap, run bool, _ error) {
	if own, run, err := inquiryIDCopy(d); own || err != nil {
		return d.Quals, run, err
	}
	q, run := originalQuals(d)
	return q, run, nil
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

// inquiryIDCopy reports whether d is the fan-out copy of one element of an `inquiry_id IN (...)`
// list that reads its own ID (own), and whether it must run: not when an earlier element of the
// list has the same value (duplicates are read once). err refuses a list past checkInquiryIDs.
func inquiryIDCopy(d *plugin.QueryData) (own, run bool, err error) {
	limited := queryLimit(d) >= 0
	if d.QueryContext == nil || sortPushed(d) || (limited && d.Quals[colInquiryAt] != nil) {
		return false, false, nil
	}
	cur := d.Quals[colInquiryID]
	if cur == nil || len(cur.Quals) != 1 || cur.Quals[0].Value == nil || cur.Quals[0].Value.GetListValue() != nil {
		return false, false, nil
	}
	v := cur.Quals[0].Value
	orig, ok := d.QueryContext.UnsafeQuals[colInquiryID]
	if !ok {
		return false, false, nil
	}
	for _, q := range orig.Quals {
		if list := q.GetValue().GetListValue(); list != nil {
			if first, distinct, found := fanOuts.position(list, v); found {
				if err := checkInquiryIDs(distinct); err != nil {
					return true, false, err
				}
				// Under a pushed LIMIT a copy whose read is no longer needed makes none.
				return true, first && (!limited || d.RowsRemaining(context.Background()) > 0), nil
			}
		}
	}
	return false, false, nil
}

// fanOuts indexes each ID list being fanned out, once for all its copies: a list of n IDs has n
// copies, and each finding its place by scanning would cost n² in all.
var fanOuts = &fanOutIndex{lists: map[*proto.QualValueList]*fanOut{}}

type fanOutIndex struct {
	mu    sync.Mutex
	lists map[*proto.QualValueList]*fanOut
}

// fanOut is one list: which element is the first of its value, how many distinct values, and how
// many copies have yet to ask (the entry is dropped when none has).
type fanOut struct {
	first    map[*proto.QualValue]bool
	distinct int
	pending  int
}

// position reports whether v is an element of list, whether it is the first element of its value,
// and the list's number of distinct values.
func (x *fanOutIndex) position(list *proto.QualValueList, v *proto.QualValue) (first bool, distinct int, found bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	f := x.lists[list]
	if f == nil {
		f = &fanOut{first: make(map[*proto.QualValue]bool, len(list.Values)), pending: len(list.Values)}
		seen := make(map[string]bool, len(list.Values))
		for _, e := range list.Values {
			k := e.String()
			f.first[e] = !seen[k]
			seen[k] = true
		}
		f.distinct = len(seen)
		x.lists[list] = f
	}
	first, found = f.first[v]
	if !found {
		return false, 0, false
	}
	if f.pending--; f.pending <= 0 {
		delete(x.lists, list)
	}
	return first, f.distinct, true
}

// wrapTable prefixes a non-nil error with the table it concerns.
func wrapTable(table string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", table, err)
}
