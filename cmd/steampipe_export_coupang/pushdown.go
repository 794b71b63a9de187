package main

import "github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"

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
		quals, whole := pushCondition(t, e.Cond)
		p.Quals = append(p.Quals, quals...)
		allPushed = allPushed && whole
	}
	if allPushed && limit >= 0 {
		p.Limit = limit
	}
	return p
}

// pushCondition returns the quals a condition becomes and whether they express all of it.
func pushCondition(t *table, c condition) (quals []inprocess.Qual, whole bool) {
	ops := t.keyOperators(c.Column.Name)
	if ops == nil {
		return nil, false
	}
	name := c.Column.Name
	switch c.Op {
	case opIn:
		if !containsString(ops, opEq) {
			return nil, false
		}
		return []inprocess.Qual{{Column: name, Operator: opEq, Value: c.Values}}, true
	case opBetween:
		// BETWEEN arrives at a plugin as >= and <=, as Postgres rewrites it.
		whole = true
		for i, op := range []string{opGe, opLe} {
			if containsString(ops, op) {
				quals = append(quals, inprocess.Qual{Column: name, Operator: op, Value: c.Values[i]})
			} else {
				whole = false
			}
		}
		return quals, whole
	case opNe:
		if !containsString(ops, "<>") {
			return nil, false
		}
		return []inprocess.Qual{{Column: name, Operator: "<>", Value: c.Values[0]}}, true
	}
	if !containsString(ops, c.Op) {
		return nil, false
	}
	return []inprocess.Qual{{Column: name, Operator: c.Op, Value: c.Values[0]}}, true
}
