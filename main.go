package main

import (
	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{PluginFunc: coupang.Plugin})
}
