package main

import (
	"strings"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// row is one row as the plugin streams it, by column name.
type row = map[string]*proto.Column

// columnValue returns a cell as int64, float64, string, bool, time.Time or []byte (JSON);
// ok is false for NULL or a missing cell.
func columnValue(c *proto.Column) (v any, ok bool) {
	if c == nil {
		return nil, false
	}
	switch x := c.GetValue().(type) {
	case *proto.Column_IntValue:
		return x.IntValue, true
	case *proto.Column_DoubleValue:
		return x.DoubleValue, true
	case *proto.Column_StringValue:
		return x.StringValue, true
	case *proto.Column_BoolValue:
		return x.BoolValue, true
	case *proto.Column_TimestampValue:
		if x.TimestampValue == nil {
			return nil, false
		}
		return x.TimestampValue.AsTime(), true
	case *proto.Column_JsonValue:
		return x.JsonValue, true
	case *proto.Column_IpAddrValue:
		return x.IpAddrValue, true
	case *proto.Column_CidrRangeValue:
		return x.CidrRangeValue, true
	case *proto.Column_LtreeValue:
		return x.LtreeValue, true
	}
	return nil, false
}

// compareValues orders two values of one column type; ok is false when they cannot be compared.
func compareValues(a, b any) (cmp int, ok bool) {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		return compareOrdered(x, y), ok
	case float64:
		y, ok := b.(float64)
		return compareOrdered(x, y), ok
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		return compareBools(x, y), ok
	case time.Time:
		y, ok := b.(time.Time)
		return x.Compare(y), ok
	}
	return 0, false
}

func compareOrdered[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compareBools(x, y bool) int {
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

// matches reports whether a row satisfies a condition, with SQL's rule that NULL matches nothing.
func (c condition) matches(r row) bool {
	v, ok := columnValue(r[c.Column.Name])
	switch {
	case c.Op == opIsNull || c.Op == opIsNotNull:
		return ok == (c.Op == opIsNotNull)
	case !ok:
		return false
	}
	switch c.Op {
	case opIn:
		for _, want := range c.Values {
			if cmp, ok := compareValues(v, want); ok && cmp == 0 {
				return true
			}
		}
		return false
	case opBetween:
		lo, ok1 := compareValues(v, c.Values[0])
		hi, ok2 := compareValues(v, c.Values[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	cmp, ok := compareValues(v, c.Values[0])
	if !ok {
		return false
	}
	return compareResult(c.Op, cmp)
}

func compareResult(op string, cmp int) bool {
	switch op {
	case opEq:
		return cmp == 0
	case opNe:
		return cmp != 0
	case opLt:
		return cmp < 0
	case opLe:
		return cmp <= 0
	case opGt:
		return cmp > 0
	case opGe:
		return cmp >= 0
	}
	return false
}

// matches reports whether a row satisfies an expression. As in SQL, a comparison with NULL is
// unknown, and unknown keeps no row: not (answered_at < x) keeps no row whose answered_at is NULL.
func (e expr) matches(r row) bool {
	v, known := e.eval(r)
	return known && v
}

// eval is SQL's three-valued logic: known is false for unknown (a comparison with NULL).
func (e expr) eval(r row) (v, known bool) {
	switch e.Kind {
	case kindCond:
		if _, present := columnValue(r[e.Cond.Column.Name]); !present && e.Cond.Op != opIsNull && e.Cond.Op != opIsNotNull {
			return false, false
		}
		return e.Cond.matches(r), true
	case kindNot:
		v, known := e.Args[0].eval(r)
		return !v, known
	}
	// and: false wins over unknown; or: true wins over unknown.
	decisive := e.Kind == kindOr
	known = true
	for _, a := range e.Args {
		av, ak := a.eval(r)
		if ak && av == decisive {
			return decisive, true
		}
		known = known && ak
	}
	return !decisive, known
}

// conjuncts lists the expressions an expression ANDs together, nested ands flattened.
func (e expr) conjuncts() []expr {
	if e.Kind != kindAnd {
		return []expr{e}
	}
	var out []expr
	for _, a := range e.Args {
		out = append(out, a.conjuncts()...)
	}
	return out
}

// columns calls fn with the column of every condition in the expression.
func (e expr) columns(fn func(column)) {
	if e.Kind == kindCond {
		fn(e.Cond.Column)
	}
	for _, a := range e.Args {
		a.columns(fn)
	}
}
