package main

// pushedQual is a condition handed to the plugin so it can ask Coupang for less.
type pushedQual struct {
	Column   string
	Operator string // as the SDK names it: =, <>, <, <=, >, >=
	// Value is an int64, float64, bool, string or time.Time, or an []any of them for IN.
	Value any
}

// pushdown is what the plugin is told about the query.
type pushdown struct {
	Quals []pushedQual
	// Limit is the limit handed to the plugin, or -1 for none.
	Limit int64
}

// planPushdown decides, as Postgres and Steampipe's FDW would, which conditions go to the plugin as
// quals and whether the limit does too. Every condition is still applied to every row afterwards,
// so a qual the plugin handles loosely can never widen the result.
//
// The limit goes to the plugin only when every condition was handed over whole. Otherwise some rows
// the plugin streams are dropped by the local filter, and a plugin that stopped after `limit` rows
// would leave the export with too few. Postgres makes the same choice: it pushes a LIMIT into a
// foreign scan only when no condition is left for it to evaluate above the scan.
func planPushdown(t *table, conds []condition, limit int64) pushdown {
	p := pushdown{Limit: -1}
	allPushed := true
	for _, c := range conds {
		quals, whole := pushCondition(t, c)
		p.Quals = append(p.Quals, quals...)
		allPushed = allPushed && whole
	}
	if allPushed && limit >= 0 {
		p.Limit = limit
	}
	return p
}

// pushCondition returns the quals a condition becomes and whether they express all of it.
func pushCondition(t *table, c condition) (quals []pushedQual, whole bool) {
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
		return []pushedQual{{Column: name, Operator: opEq, Value: c.Values}}, true
	case opBetween:
		// BETWEEN arrives at a plugin as >= and <=, as Postgres rewrites it.
		whole = true
		for i, op := range []string{opGe, opLe} {
			if containsString(ops, op) {
				quals = append(quals, pushedQual{Column: name, Operator: op, Value: c.Values[i]})
			} else {
				whole = false
			}
		}
		return quals, whole
	case opNe:
		if !containsString(ops, "<>") {
			return nil, false
		}
		return []pushedQual{{Column: name, Operator: "<>", Value: c.Values[0]}}, true
	}
	if !containsString(ops, c.Op) {
		return nil, false
	}
	return []pushedQual{{Column: name, Operator: c.Op, Value: c.Values[0]}}, true
}
