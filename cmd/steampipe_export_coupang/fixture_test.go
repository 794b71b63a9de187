package main

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// fixtureSchema is the contract's inquiry table, for tests that need no plugin.
func fixtureSchema() map[string]*proto.TableSchema {
	col := func(name string, t proto.ColumnType) *proto.ColumnDefinition {
		return &proto.ColumnDefinition{Name: name, Type: t}
	}
	key := func(name string, ops ...string) *proto.KeyColumn {
		return &proto.KeyColumn{Name: name, Operators: ops, Require: "optional"}
	}
	return map[string]*proto.TableSchema{
		"coupang_callcenter_inquiry": {
			Columns: []*proto.ColumnDefinition{
				col("inquiry_id", proto.ColumnType_INT),
				col("inquiry_at", proto.ColumnType_TIMESTAMP),
				col("vendor_item_id", proto.ColumnType_INT),
				col("vendor_item_ids", proto.ColumnType_JSON),
				col("order_id", proto.ColumnType_INT),
				col("partner_counseling_status", proto.ColumnType_STRING),
				col("item_name", proto.ColumnType_STRING),
				col("answered_at", proto.ColumnType_TIMESTAMP),
				col("need_answer", proto.ColumnType_BOOL),
				col("sp_connection_name", proto.ColumnType_STRING),
				col("_ctx", proto.ColumnType_JSON),
			},
			GetCallKeyColumnList: []*proto.KeyColumn{{Name: "inquiry_id", Operators: []string{"="}, Require: "required"}},
			ListCallKeyColumnList: []*proto.KeyColumn{
				key("inquiry_at", "=", ">", ">=", "<", "<="),
				key("vendor_item_id", "="),
				key("order_id", "="),
				key("partner_counseling_status", "="),
			},
		},
		"coupang_other": {Columns: []*proto.ColumnDefinition{col("id", proto.ColumnType_INT)}},
	}
}

// fixtureTable is the fixture's inquiry table.
func fixtureTable() *table {
	return newCatalog(fixtureSchema())["coupang_callcenter_inquiry"]
}
