package coupang

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// fanOuts indexes each IN list the SDK is fanning out, once for all its n copies (each scanning
// for its place would cost n² in all), without a lock: thousands of copies start at once. A list is
// indexed by connection too (fanKey): through an aggregator every child connection's scan gets the
// same QueryContext, so the copies of all of them hold the very same list and elements.
type fanOuts struct{ lists sync.Map }

// fanKey is a list as one connection fans it out.
type fanKey struct {
	connection string
	list       *proto.QualValueList
}

// fanOut is one list.
type fanOut struct {
	once     sync.Once
	first    map[*proto.QualValue]bool // whether each element is the first of its value; false for NULL
	leader   *proto.QualValue          // the first element that is not NULL: its copy runs a whole list
	distinct int
	pending  atomic.Int64 // copies yet to ask: the entry is dropped at 0
	failed   atomic.Bool
	// tokens holds a token of a configured coupang_api limiter (the plugin declares none) that a copy
	// returning at once waited for (the SDK waits before every copy), for the requests of the leader
	// running the list whole: without them such a list went at half the rate. It holds one, like the
	// limiter's bucket: a token passed while it is full is lost, so that tokens piled up while the leader
	// was slow cannot add up. A token held while the leader was busy can still send two of its requests
	// close together; the machine-wide budget spaces them. allPassed is closed when every such copy has
	// passed.
	tokens    chan struct{}
	passed    atomic.Int64
	allPassed chan struct{}
	whole     atomic.Bool // the leader runs the list whole
	nested    bool        // some element is a list (`col in (a, b) or col = c`): run whole, which flattens it once
}

// scanQuals returns the key-column quals this list call answers for, the fan-out it is a copy of
// (nil if none), and run false when it is a copy that must return at once.
//
// For a key-column qual holding a list, the SDK runs the list function once per value,
// concurrently, each with a copy of QueryData holding that value (Table.doListForQualValues). A
// copy is recognised by the identity of the list's element, as the copies of `IN (1, 1)` hold equal
// values. An `inquiry_id IN (...)` list is read one ID per copy, on the token the SDK waited for, so
// it runs at the rate limit and streams each row as it comes; a duplicate's copy does nothing. Any
// other list, and an ID list whose rows one call must order (a pushed ORDER BY, or a pushed LIMIT
// with an inquiry_at condition) or hold (holdRows: one copy's failure must come before any other
// copy's rows), is run whole by the copy of its first element with the original quals, the others
// returning at once: copies running their own plans could stream a row Postgres may reject before
// rows it surely keeps (see holdback).
func (fans *fanOuts) scanQuals(d *plugin.QueryData, holdRows bool) (_ plugin.KeyColumnQualMap, _ *fanOut, run bool, _ error) {
	orig := plugin.NewKeyColumnQualValueMap(d.QueryContext.UnsafeQuals, d.Table.List.KeyColumns)
	for column, cur := range d.Quals {
		f, leader, first := fans.find(d.Connection.Name, orig[column], cur)
		if f == nil {
			continue
		}
		if column != colInquiryID || f.nested || holdRows || sortPushed(d) || (d.QueryContext.GetLimit() >= 0 && d.Quals[colInquiryAt] != nil) {
			f.whole.Store(true)
			if !leader {
				f.pass()
			}
			return orig, f, leader, nil
		}
		if err := checkInquiryIDs(f.distinct); err != nil {
			return nil, f, false, f.firstError(err)
		}
		// Under a pushed LIMIT a copy whose read is no longer needed makes none. A 0 of the list is
		// the user's, not the value the FDW passes for a scalar subquery (fdwGarbage): no inquiry has
		// it, so its copy has no row.
		_, integer := cur.Quals[0].Value.GetValue().(*proto.QualValue_Int64Value)
		zero := integer && cur.Quals[0].Value.GetInt64Value() == 0
		// The SDK's copy holds its value in place of every qual on the column; the others are ANDed
		// with it (`inquiry_id in (a, b) and inquiry_id = a`), so the copy of b must read nothing.
		// None of them is a list: the SDK fans out only a query with one list qual.
		own := &plugin.KeyColumnQuals{Name: column, Quals: slices.Clone(cur.Quals)}
		for _, q := range orig[column].Quals {
			if q.Value.GetListValue() == nil {
				own.Quals = append(own.Quals, q)
			}
		}
		keyQuals := maps.Clone(d.Quals)
		keyQuals[column] = own
		return keyQuals, f, first && !zero && (&rowOutput{d: d}).wants(context.Background()), nil
	}
	return orig, nil, true, nil
}

// find returns connection's fan-out of the list qual in orig that cur holds an element of (nil when
// cur is no such copy), whether that element leads the list (is its first that is not NULL), and
// whether it is the first of its value.
func (fans *fanOuts) find(connection string, orig, cur *plugin.KeyColumnQuals) (_ *fanOut, leader, first bool) {
	// A NULL element's copy is recognised too, and never runs (NULL matches nothing).
	if orig == nil || cur == nil || len(cur.Quals) != 1 {
		return nil, false, false
	}
	v := cur.Quals[0].Value
	for _, q := range orig.Quals {
		list := q.Value.GetListValue()
		// A list is a copy's value only as an element of a list (the FDW's `col in (a, b) or col = c`).
		if list == nil || len(list.Values) == 0 || v.GetListValue() != nil && !slices.Contains(list.Values, v) {
			continue
		}
		key := fanKey{connection, list}
		e, _ := fans.lists.LoadOrStore(key, &fanOut{})
		f := e.(*fanOut)
		f.once.Do(func() {
			f.first = make(map[*proto.QualValue]bool, len(list.Values))
			seen := make(map[string]bool, len(list.Values))
			for _, e := range list.Values {
				if e.GetValue() == nil { // NULL: nil in-process (the FDW), an empty value after gRPC (the CLI)
					f.first[e] = false
					continue
				}
				k := e.String() // prototext: worth formatting once per element
				f.first[e] = !seen[k]
				seen[k] = true
				if f.leader == nil {
					f.leader = e
				}
				f.nested = f.nested || e.GetListValue() != nil
			}
			f.distinct = len(seen)
			f.pending.Store(int64(len(list.Values)))
			f.tokens, f.allPassed = make(chan struct{}, 1), make(chan struct{})
			if len(list.Values) == 1 {
				close(f.allPassed)
			}
		})
		if first, found := f.first[v]; found {
			if f.pending.Add(-1) == 0 {
				fans.lists.Delete(key)
			}
			return f, v != nil && v == f.leader, first
		}
	}
	return nil, false, false
}

// pass leaves the token of a copy that returns at once to the leader, unless one is waiting already.
func (f *fanOut) pass() {
	select {
	case f.tokens <- struct{}{}:
	default:
	}
	if f.passed.Add(1) == int64(len(f.first)-1) {
		close(f.allPassed)
	}
}

// wait returns the limiter wait of the leader running the list whole: it spends the tokens the
// other copies left, waiting for those still to come, and waits on limiter once all are spent. f
// may be nil, or not run whole: limiter then.
func (f *fanOut) wait(limiter func(context.Context) error) func(context.Context) error {
	if f == nil || !f.whole.Load() {
		return limiter
	}
	return func(ctx context.Context) error {
		select {
		case <-f.tokens:
			return nil
		case <-f.allPassed: // spend a token left, else wait on the limiter
			select {
			case <-f.tokens:
				return nil
			default:
				return limiter(ctx)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// firstError lets only the first failing copy of a fan-out return its error: the SDK (v5.14.1)
// leaves the goroutine of every later error blocked for good on a channel nothing reads. f may be nil.
func (f *fanOut) firstError(err error) error {
	if f == nil || err == nil || f.failed.CompareAndSwap(false, true) {
		return err
	}
	return nil
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
