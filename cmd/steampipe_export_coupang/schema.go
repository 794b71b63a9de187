package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// column is one exportable column of a table.
type column struct {
	Name        string
	Type        proto.ColumnType
	Description string
}

// keyColumn is a column the plugin can filter on itself, with the operators it accepts.
type keyColumn struct {
	Name      string
	Operators []string
}

// table is the part of a table's schema the export command uses.
type table struct {
	Name       string
	Columns    []column // in table order, Steampipe's reserved columns left out
	KeyColumns []keyColumn
}

// catalog is every table of the plugin, by name.
type catalog map[string]*table

// newCatalog converts the plugin's schema into the export command's view of it.
func newCatalog(schemas map[string]*proto.TableSchema) catalog {
	c := make(catalog, len(schemas))
	for name, s := range schemas {
		c[name] = newTable(name, s)
	}
	return c
}

func newTable(name string, s *proto.TableSchema) *table {
	t := &table{Name: name}
	for _, def := range s.GetColumns() {
		if plugin.IsReservedColumnName(def.GetName()) {
			continue
		}
		t.Columns = append(t.Columns, column{Name: def.GetName(), Type: def.GetType(), Description: def.GetDescription()})
	}
	seen := map[string]int{}
	add := func(kcs []*proto.KeyColumn) {
		for _, kc := range kcs {
			if plugin.IsReservedColumnName(kc.GetName()) {
				continue
			}
			ops := kc.GetOperators()
			if len(ops) == 0 {
				ops = []string{"="}
			}
			if i, ok := seen[kc.GetName()]; ok {
				t.KeyColumns[i].Operators = unionOperators(t.KeyColumns[i].Operators, ops)
				continue
			}
			seen[kc.GetName()] = len(t.KeyColumns)
			t.KeyColumns = append(t.KeyColumns, keyColumn{Name: kc.GetName(), Operators: append([]string(nil), ops...)})
		}
	}
	add(s.GetGetCallKeyColumnList())
	add(s.GetListCallKeyColumnList())
	return t
}

// operatorOrder is the order operators are shown in.
var operatorOrder = map[string]int{"=": 0, "<>": 1, "!=": 1, "<": 2, "<=": 3, ">": 4, ">=": 5}

func unionOperators(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, op := range b {
		if !containsString(out, op) {
			out = append(out, op)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return operatorOrder[out[i]] < operatorOrder[out[j]] })
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// names lists the catalog's table names, sorted.
func (c catalog) names() []string {
	names := make([]string, 0, len(c))
	for name := range c {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// lookup finds a table or explains which tables exist.
func (c catalog) lookup(name string) (*table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown table %q: choose one of %s (see --help)", name, strings.Join(c.names(), ", "))
}

// column finds a column by name.
func (t *table) column(name string) (column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return column{}, false
}

// lookupColumn finds a column or explains which columns exist.
func (t *table) lookupColumn(name string) (column, error) {
	if c, ok := t.column(name); ok {
		return c, nil
	}
	return column{}, fmt.Errorf("unknown column %q in table %s: columns are %s", name, t.Name, strings.Join(t.columnNames(), ", "))
}

func (t *table) columnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// keyOperators returns the operators the plugin accepts on a column, or nil if it is not a key column.
func (t *table) keyOperators(name string) []string {
	for _, kc := range t.KeyColumns {
		if kc.Name == name {
			return kc.Operators
		}
	}
	return nil
}

// typeName is the Postgres name of a column type, as Steampipe maps it.
func typeName(ct proto.ColumnType) string {
	switch ct {
	case proto.ColumnType_BOOL:
		return "BOOLEAN"
	case proto.ColumnType_INT:
		return "BIGINT"
	case proto.ColumnType_DOUBLE:
		return "DOUBLE PRECISION"
	case proto.ColumnType_STRING:
		return "TEXT"
	case proto.ColumnType_JSON:
		return "JSONB"
	case proto.ColumnType_TIMESTAMP, proto.ColumnType_DATETIME:
		return "TIMESTAMPTZ"
	case proto.ColumnType_IPADDR, proto.ColumnType_INET:
		return "INET"
	case proto.ColumnType_CIDR:
		return "CIDR"
	case proto.ColumnType_LTREE:
		return "LTREE"
	}
	return "TEXT"
}
