// Command steampipe_export_coupang exports the Coupang plugin's tables to CSV, JSON or JSON lines
// without Steampipe: it runs the plugin in-process, as Turbot's export builds do.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
