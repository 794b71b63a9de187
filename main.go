package main

import (
	"context"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

func main() {
	// Served over gRPC, an error that follows rows reaches Steampipe: rows can stream as they come.
	plugin.Serve(&plugin.ServeOpts{PluginFunc: func(ctx context.Context) *plugin.Plugin {
		return coupang.Plugin(coupang.WithStreamedRows(ctx))
	}})
}
