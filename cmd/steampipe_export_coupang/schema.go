package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

type column = *proto.ColumnDefinition

// table is the part of a table's schema the export command uses.
type table struct {
	Name       string
	Columns    []column           // in table order, Steampipe's reserved columns left out
	KeyColumns []*proto.KeyColumn // the get call's, then the list call's, each once with every operator
}

// catalog is every table of the plugin, by name.
type catalog map[string]*table

// newCatalog is the export's view of the plugin's schema. A column of a type the export does not
// handle (such as DOUBLE, which no table has) would be filtered and written wrong: it stops the export.
func newCatalog(schemas map[string]*proto.TableSchema) catalog {
	c := make(catalog, len(schemas))
	for name, s := range schemas {
		t := &table{Name: name}
		for _, def := range s.GetColumns() {
			if typeName[def.GetType()] == "" {
				panic(fmt.Sprintf("column %s.%s is %s, a type the export does not handle", name, def.GetName(), def.GetType()))
			}
			if !plugin.IsReservedColumnName(def.GetName()) {
				t.Columns = append(t.Columns, def)
			}
		}
		for _, kc := range slices.Concat(s.GetGetCallKeyColumnList(), s.GetListCallKeyColumnList()) {
			if plugin.IsReservedColumnName(kc.GetName()) {
				continue
			}
			k := t.keyColumn(kc.GetName())
			if k == nil {
				k = &proto.KeyColumn{Name: kc.GetName()}
				t.KeyColumns = append(t.KeyColumns, k)
			}
			for _, op := range kc.GetOperators() { // the SDK sets "=" where a table names none
				if !slices.Contains(k.Operators, op) {
					k.Operators = append(k.Operators, op)
				}
			}
		}
		c[name] = t
	}
	return c
}

// keyColumn is the key column of that name, or nil.
func (t *table) keyColumn(name string) *proto.KeyColumn {
	if i := slices.IndexFunc(t.KeyColumns, func(k *proto.KeyColumn) bool { return k.Name == name }); i >= 0 {
		return t.KeyColumns[i]
	}
	return nil
}

func (c catalog) names() []string {
	return slices.Sorted(maps.Keys(c))
}

// lookup finds a table or explains which tables exist.
func (c catalog) lookup(name string) (*table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown table %q: choose one of %s (see --help)", name, strings.Join(c.names(), ", "))
}

// lookupColumn finds a column or explains which columns exist.
func (t *table) lookupColumn(name string) (column, error) {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		if c.Name == name {
			return c, nil
		}
		names[i] = c.Name
	}
	return nil, fmt.Errorf("unknown column %q in table %s: columns are %s", name, t.Name, strings.Join(names, ", "))
}

// typeName is the Postgres name of each column type the export handles, as Steampipe maps it.
var typeName = map[proto.ColumnType]string{
	proto.ColumnType_BOOL: "BOOLEAN", proto.ColumnType_INT: "BIGINT", proto.ColumnType_STRING: "TEXT",
	proto.ColumnType_JSON: "JSONB", proto.ColumnType_TIMESTAMP: "TIMESTAMPTZ",
}
