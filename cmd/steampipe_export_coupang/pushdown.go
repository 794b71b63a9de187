package main

import (
	"slices"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// planPushdown decides, as Postgres and Steampipe's FDW would, which conditions go to the plugin as
// quals (so it can ask Coupang for less) and whether the limit does too (-1 when it does not). Only conditions ANDed at the top (repeated --where flags or
// `and` outside any `or`) can be quals: a condition under `or` or `not` restricts no row by itself,
// so it stays local. Every condition is still applied to every row afterwards, so a qual the
// plugin handles loosely can never widen the result.
//
// The limit goes to the plugin only when every condition was handed over whole. Otherwise some rows
// the plugin streams are dropped by the local filter, and a plugin that stopped after `limit` rows
// would leave the export with too few. Postgres makes the same choice: it pushes a LIMIT into a
// foreign scan only when no condition is left for it to evaluate above the scan.
func planPushdown(t *table, where expr, limit int64) (quals []inprocess.Qual, pushedLimit int64) {
	allPushed := true
	for _, e := range where.Args {
		if e.Op == opOr || e.Op == opNot {
			allPushed = false
			continue
		}
		// The operators a condition is sent as, with its values: BETWEEN arrives at a plugin as
		// >= and <=, as Postgres rewrites it; IN as = with a list; != as <>.
		ops, values := []string{e.Op}, e.Values
		switch e.Op {
		case opIn:
			ops, values = []string{opEq}, []any{e.Values}
		case opBetween:
			ops = []string{opGe, opLe}
		case opNe:
			ops = []string{"<>"}
		}
		var keyOps []string
		if i := slices.IndexFunc(t.KeyColumns, func(k *proto.KeyColumn) bool { return k.Name == e.Column.Name }); i >= 0 {
			keyOps = t.KeyColumns[i].Operators
		}
		for i, op := range ops {
			if slices.Contains(keyOps, op) {
				quals = append(quals, inprocess.Qual{Column: e.Column.Name, Operator: op, Value: values[i]})
			} else {
				allPushed = false
			}
		}
	}
	if allPushed {
		return quals, limit
	}
	return quals, -1
}
