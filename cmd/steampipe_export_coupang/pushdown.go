package main

import (
	"slices"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
)

// pushdown is what the plugin is told about the query.
type pushdown struct {
	// Quals are conditions handed to the plugin so it can ask Coupang for less.
	Quals []inprocess.Qual
	// Limit is the limit handed to the plugin, or -1 for none.
	Limit int64
}

// planPushdown decides, as Postgres and Steampipe's FDW would, which conditions go to the plugin as
// quals and whether the limit does too. Only conditions ANDed at the top (repeated --where flags or
// `and` outside any `or`) can be quals: a condition under `or` or `not` restricts no row by itself,
// so it stays local. Every condition is still applied to every row afterwards, so a qual the
// plugin handles loosely can never widen the result.
//
// The limit goes to the plugin only when every condition was handed over whole. Otherwise some rows
// the plugin streams are dropped by the local filter, and a plugin that stopped after `limit` rows
// would leave the export with too few. Postgres makes the same choice: it pushes a LIMIT into a
// foreign scan only when no condition is left for it to evaluate above the scan.
func planPushdown(t *table, where expr, limit int64) pushdown {
	p := pushdown{Limit: -1}
	allPushed := true
	for _, e := range where.conjuncts() {
		if e.Kind != kindCond {
			allPushed = false
			continue
		}
		// The operators a condition is sent as, with its values: BETWEEN arrives at a plugin as
		// >= and <=, as Postgres rewrites it; IN as = with a list; != as <>.
		c, ops, values := e.Cond, []string{e.Cond.Op}, e.Cond.Values
		switch c.Op {
		case opIn:
			ops, values = []string{opEq}, []any{c.Values}
		case opBetween:
			ops = []string{opGe, opLe}
		case opNe:
			ops = []string{"<>"}
		}
		keyOps := t.keyOperators(c.Column.Name)
		for i, op := range ops {
			if slices.Contains(keyOps, op) {
				p.Quals = append(p.Quals, inprocess.Qual{Column: c.Column.Name, Operator: op, Value: values[i]})
			} else {
				allPushed = false
			}
		}
	}
	if allPushed && limit >= 0 {
		p.Limit = limit
	}
	return p
}
