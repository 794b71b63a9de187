package main

import (
	"cmp"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// row is one row as the plugin streams it, by column name.
type row = map[string]*proto.Column

// isNull reports whether a cell is NULL or missing.
func isNull(c *proto.Column) bool {
	_, null := c.GetValue().(*proto.Column_NullValue)
	return null || c.GetValue() == nil
}

// compareCell orders a cell and a --where value, which parseWhere made of the cell's column's type:
// the getter of that type reads the cell (a cell of another type would read as its zero value).
func compareCell(c *proto.Column, want any) int {
	switch w := want.(type) {
	case int64:
		return cmp.Compare(c.GetIntValue(), w)
	case string:
		return cmp.Compare(c.GetStringValue(), w)
	case bool:
		return cmp.Compare(strconv.FormatBool(c.GetBoolValue()), strconv.FormatBool(w)) // false < true, as in Postgres
	case time.Time:
		return c.GetTimestampValue().AsTime().Compare(w)
	}
	return 0 // JSONB, which --where compares with nothing
}

// matches reports whether a row satisfies an expression: as in SQL, a comparison with NULL is
// unknown, and unknown keeps no row, not even under not.
func (e expr) matches(r row) bool {
	v, known := e.eval(r)
	return known && v
}

// eval is SQL's three-valued logic: known is false for unknown.
func (e expr) eval(r row) (v, known bool) {
	switch e.Op {
	case "not":
		v, known := e.Args[0].eval(r)
		return !v, known
	case "and", "or":
		decisive := e.Op == "or" // and: false wins over unknown; or: true wins over unknown
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
	cell := r[e.Column.Name]
	switch {
	case e.Op == "is null" || e.Op == "is not null":
		return isNull(cell) == (e.Op == "is null"), true
	case isNull(cell):
		return false, false
	case e.Op == "like":
		return e.Values[0].(*regexp.Regexp).MatchString(cell.GetStringValue()), true
	case e.Op == "ilike": // as Postgres: like on the lower case of both (likePattern lowered the pattern)
		return e.Values[0].(*regexp.Regexp).MatchString(strings.ToLower(cell.GetStringValue())), true
	case e.Op == "in":
		return slices.ContainsFunc(e.Values, func(want any) bool { return compareCell(cell, want) == 0 }), true
	}
	// An operator's symbol holds the signs it accepts: <= holds for < and for =, <> for < and for >.
	return strings.Contains(e.Op, [...]string{"<", "=", ">"}[compareCell(cell, e.Values[0])+1]), true
}

// columns are the columns the expression reads.
func (e expr) columns() []column {
	var out []column
	if e.Column != nil {
		out = append(out, e.Column)
	}
	for _, a := range e.Args {
		out = append(out, a.columns()...)
	}
	return out
}

// planPushdown decides, as Postgres and Steampipe's FDW would, which conditions go to the plugin as
// quals and whether the limit does too (-1 when not). Only conditions ANDed at the top, once not is
// pushed down and or arms' common conditions taken out, can be quals: one under or / not restricts
// no row by itself, but an or of = and in on one column is one in list, as the FDW sends it. Every
// condition is still checked on every row, so a qual the plugin handles loosely never widens the
// result. The limit goes along only when every condition did: else the
// local filter could drop rows of a plugin that stopped after `limit` rows, leaving the export with
// too few.
func planPushdown(t *table, where expr, limit int64) (quals []inprocess.Qual, pushedLimit int64) {
	pushedLimit = limit
	for _, e := range where.notPushed(false).commonOut().Args { // where is parseWhere's and, and stays one
		e = orAsIn(e)
		op, value := e.Op, any(e.Values) // IN goes as = with the list, as Postgres sends it
		if op == "in" {
			op = "="
		} else if len(e.Values) > 0 {
			value = e.Values[0]
		}
		if e.Column == nil || !slices.Contains(t.keyColumn(e.Column.Name).GetOperators(), op) {
			pushedLimit = -1 // or, not, is null, or an operator the key column lacks
			continue
		}
		quals = append(quals, inprocess.Qual{Column: e.Column.Name, Operator: op, Value: value})
	}
	return quals, pushedLimit
}

// orAsIn is e, or, for an or of = and in on one column, that or as one in, as Steampipe's FDW passes
// it to the plugin: x = a or x in (b, c) is x in (a, b, c).
func orAsIn(e expr) expr {
	if e.Op != "or" {
		return e
	}
	in := expr{Op: "in", Column: e.Args[0].Column}
	for _, a := range e.Args {
		if a.Op != "=" && a.Op != "in" || a.Column == nil || a.Column.Name != in.Column.Name { // Args[0] first
			return e
		}
		in.Values = append(in.Values, a.Values...)
	}
	return in
}

// negatedOps are the comparisons Postgres puts for a negated one: not (a < b) is a >= b, in SQL's
// three-valued logic too (both are unknown for NULL).
var negatedOps = map[string]string{"=": "<>", "<>": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">",
	"is null": "is not null", "is not null": "is null"}

// notPushed is e (not e when neg) with every not moved onto the comparisons, as Postgres' planner
// rewrites a WHERE clause before it hands a foreign scan its conditions: not (a or b) is not a and
// not b, and not inquiry_at < X is inquiry_at >= X, which can then bound the scan. not in stays
// (Postgres' <> all, which no key column takes).
func (e expr) notPushed(neg bool) expr {
	switch e.Op {
	case "not":
		return e.Args[0].notPushed(!neg)
	case "and", "or":
		out := expr{Op: e.Op}
		if neg {
			out.Op = map[string]string{"and": "or", "or": "and"}[e.Op]
		}
		for _, a := range e.Args {
			out.add(a.notPushed(neg))
		}
		return out
	}
	if !neg {
		return e
	}
	if op, ok := negatedOps[e.Op]; ok {
		e.Op = op
		return e
	}
	return expr{Op: "not", Args: []expr{e}}
}

// commonOut takes the conditions every arm of an or holds out of it, as Postgres' planner does:
// (a and b) or (a and c) is a and (b or c), and (a and b) or a is a.
func (e expr) commonOut() expr {
	if e.Op != "and" && e.Op != "or" {
		return e
	}
	out := expr{Op: e.Op}
	for _, a := range e.Args {
		out.add(a.commonOut())
	}
	if out.Op != "or" {
		return out
	}
	arms := make([][]expr, len(out.Args))
	for i, a := range out.Args {
		arms[i] = []expr{a}
		if a.Op == "and" {
			arms[i] = a.Args
		}
	}
	inAll := func(c expr) bool {
		return !slices.ContainsFunc(arms, func(arm []expr) bool {
			return !slices.ContainsFunc(arm, func(d expr) bool { return reflect.DeepEqual(c, d) })
		})
	}
	common := expr{Op: "and", Args: slices.DeleteFunc(slices.Clone(arms[0]), func(c expr) bool { return !inAll(c) })}
	if len(common.Args) == 0 {
		return out
	}
	rest := expr{Op: "or"}
	for _, arm := range arms {
		left := expr{Op: "and", Args: slices.DeleteFunc(slices.Clone(arm), inAll)}
		switch len(left.Args) {
		case 0: // this arm is the common conditions alone: the or adds no row to them
			return common
		case 1:
			left = left.Args[0]
		}
		rest.add(left)
	}
	common.add(rest)
	return common
}
