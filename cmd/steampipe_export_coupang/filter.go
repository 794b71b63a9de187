package main

import (
	"cmp"
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
// quals and whether the limit does too (-1 when not). Only conditions ANDed at the top can be quals:
// one under or / not restricts no row by itself. Every condition is still checked on every row, so a
// qual the plugin handles loosely never widens the result. The limit goes along only when every
// condition did: else the local filter could drop rows of a plugin that stopped after `limit` rows,
// leaving the export with too few.
func planPushdown(t *table, where expr, limit int64) (quals []inprocess.Qual, pushedLimit int64) {
	allPushed := true
	for _, e := range where.Args {
		op, value := e.Op, any(e.Values) // IN goes as = with the list, as Postgres sends it
		if op == "in" {
			op = "="
		} else if len(e.Values) > 0 {
			value = e.Values[0]
		}
		if e.Column == nil || !slices.Contains(t.keyColumn(e.Column.Name).GetOperators(), op) {
			allPushed = false // or, not, is null, or an operator the key column lacks
			continue
		}
		quals = append(quals, inprocess.Qual{Column: e.Column.Name, Operator: op, Value: value})
	}
	if allPushed {
		return quals, limit
	}
	return quals, -1
}
